"""Decoding ``TensorProto`` values into numbers and numpy arrays (docs/event-format §5.4).

Follows TensorBoard's rules (``tensor_content`` first, then the typed field for the dtype, a single value
broadcast to the whole shape) and tolerates the writer quirks we know of (PyTorch puts uint8 in
``uint32_val`` and float32 bit patterns in ``half_val``).
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from telescope.tfrecord.proto import tensor_pb2, types_pb2

_NUMPY: dict[int, str] = {
    types_pb2.DT_FLOAT: "<f4",
    types_pb2.DT_DOUBLE: "<f8",
    types_pb2.DT_INT32: "<i4",
    types_pb2.DT_UINT8: "u1",
    types_pb2.DT_INT16: "<i2",
    types_pb2.DT_INT8: "i1",
    types_pb2.DT_INT64: "<i8",
    types_pb2.DT_BOOL: "?",
    types_pb2.DT_UINT16: "<u2",
    types_pb2.DT_HALF: "<f2",
    types_pb2.DT_UINT32: "<u4",
    types_pb2.DT_UINT64: "<u8",
    types_pb2.DT_QINT8: "i1",
    types_pb2.DT_QUINT8: "u1",
    types_pb2.DT_QINT32: "<i4",
    types_pb2.DT_QINT16: "<i2",
    types_pb2.DT_QUINT16: "<u2",
    types_pb2.DT_COMPLEX64: "<c8",
    types_pb2.DT_COMPLEX128: "<c16",
}

_TYPED_FIELD: dict[int, str] = {
    types_pb2.DT_FLOAT: "float_val",
    types_pb2.DT_DOUBLE: "double_val",
    types_pb2.DT_INT32: "int_val",
    types_pb2.DT_UINT8: "int_val",
    types_pb2.DT_INT16: "int_val",
    types_pb2.DT_INT8: "int_val",
    types_pb2.DT_QINT8: "int_val",
    types_pb2.DT_QUINT8: "int_val",
    types_pb2.DT_QINT32: "int_val",
    types_pb2.DT_QINT16: "int_val",
    types_pb2.DT_QUINT16: "int_val",
    types_pb2.DT_UINT16: "int_val",
    types_pb2.DT_INT64: "int64_val",
    types_pb2.DT_BOOL: "bool_val",
    types_pb2.DT_HALF: "half_val",
    types_pb2.DT_BFLOAT16: "half_val",
    types_pb2.DT_UINT32: "uint32_val",
    types_pb2.DT_UINT64: "uint64_val",
    types_pb2.DT_COMPLEX64: "scomplex_val",
    types_pb2.DT_COMPLEX128: "dcomplex_val",
}

_NUMERIC_FIELDS = (
    "float_val",
    "double_val",
    "int_val",
    "int64_val",
    "uint32_val",
    "uint64_val",
    "bool_val",
    "half_val",
)


class TensorDecodeError(ValueError):
    """A tensor whose content does not match its dtype and shape."""


def shape_of(tensor: tensor_pb2.TensorProto) -> tuple[int, ...]:
    return tuple(int(d.size) for d in tensor.tensor_shape.dim)


def _half_from_ints(values: Any, dtype: int) -> np.ndarray:
    ints = np.asarray(values, dtype=np.int64)
    if ints.size and (ints.min() < 0 or ints.max() > 0xFFFF):
        # PyTorch quirk: float32 bit patterns instead of 16-bit ones.
        return (ints & 0xFFFFFFFF).astype(np.uint32).view(np.float32).astype(np.float64)
    bits = ints.astype(np.uint16)
    if dtype == types_pb2.DT_BFLOAT16:
        return (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return bits.view(np.float16).astype(np.float64)


def to_numpy(tensor: tensor_pb2.TensorProto) -> np.ndarray:
    """The tensor as a numpy array (strings as an object array of ``bytes``)."""
    shape = shape_of(tensor)
    count = 1
    for d in shape:
        if d < 0:
            raise TensorDecodeError(f"tensor has an unknown dimension in shape {shape}")
        count *= d
    dtype = tensor.dtype
    if dtype == types_pb2.DT_STRING:
        strings = list(tensor.string_val)
        if len(strings) == 1 and count > 1:
            strings = strings * count
        if len(strings) != count:
            raise TensorDecodeError(f"string tensor of shape {shape} holds {len(strings)} values")
        arr = np.empty(count, dtype=object)
        arr[:] = strings
        return arr.reshape(shape)
    if tensor.tensor_content:
        np_dtype = _NUMPY.get(dtype)
        if np_dtype is None:
            raise TensorDecodeError(f"unsupported tensor dtype {dtype} in tensor_content")
        itemsize = np.dtype(np_dtype).itemsize
        if len(tensor.tensor_content) != count * itemsize:
            raise TensorDecodeError(
                f"tensor_content has {len(tensor.tensor_content)} bytes, shape {shape} needs {count * itemsize}"
            )
        return np.frombuffer(tensor.tensor_content, dtype=np_dtype).reshape(shape)
    field = _TYPED_FIELD.get(dtype)
    if field is None:
        raise TensorDecodeError(f"unsupported tensor dtype {dtype}")
    values: Any = getattr(tensor, field)
    if len(values) == 0:
        # PyTorch quirk: a value in another numeric field than the dtype calls for.
        for other in _NUMERIC_FIELDS:
            if len(getattr(tensor, other)):
                field, values = other, getattr(tensor, other)
                break
    if field == "half_val":
        arr = _half_from_ints(values, dtype)
    elif field in ("scomplex_val", "dcomplex_val"):
        flat = np.asarray(values, dtype=np.float64)
        arr = flat[0::2] + 1j * flat[1::2]
    else:
        arr = np.asarray(values, dtype=_NUMPY.get(dtype, "<f8"))
    if arr.size == 1 and count > 1:
        arr = np.full(count, arr.reshape(-1)[0], dtype=arr.dtype)
    if arr.size != count:
        raise TensorDecodeError(f"tensor of shape {shape} holds {arr.size} values")
    return arr.reshape(shape)


_F32 = struct.Struct("<f")
_F64 = struct.Struct("<d")


def to_scalar(tensor: tensor_pb2.TensorProto) -> float:
    """The single real number held by a one-element numeric tensor (any float or int dtype)."""
    dtype = tensor.dtype
    content = tensor.tensor_content
    if not tensor.tensor_shape.dim or all(d.size == 1 for d in tensor.tensor_shape.dim):
        # Fast paths for the common encodings.
        if dtype == types_pb2.DT_FLOAT:
            if len(tensor.float_val) == 1 and not content:
                return float(tensor.float_val[0])
            if len(content) == 4:
                return float(_F32.unpack(content)[0])
        elif dtype == types_pb2.DT_DOUBLE:
            if len(tensor.double_val) == 1 and not content:
                return float(tensor.double_val[0])
            if len(content) == 8:
                return float(_F64.unpack(content)[0])
    if dtype in (types_pb2.DT_STRING, types_pb2.DT_INVALID, types_pb2.DT_COMPLEX64, types_pb2.DT_COMPLEX128):
        raise TensorDecodeError(f"a scalar cannot have dtype {types_pb2.DataType.Name(dtype)}")
    arr = to_numpy(tensor)
    if arr.size != 1:
        raise TensorDecodeError(f"a scalar must have one element, this tensor has shape {arr.shape}")
    return float(arr.reshape(-1)[0])
