"""Turning what a training script passes to the writer into numpy arrays and ``TensorProto`` values.

Shared by every kind's ``summary.py`` (writer side of the pipeline). ``as_numpy`` accepts Python numbers and
(nested) lists, numpy arrays and scalars, torch tensors (detached and moved to the CPU) and anything else with
``__array__``; torch is never imported here, it is recognised by its methods. ``tensor_proto`` builds the
``TensorProto`` a summary value carries: numbers as raw little-endian bytes in ``tensor_content`` (one copy,
no per-element protobuf fields), strings in ``string_val``. ``tensor_summary`` wraps one such value, with its
kind's metadata, in the ``Summary`` the writer logs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from telescope.tfrecord.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

__all__ = ["as_numpy", "tensor_proto", "tensor_summary"]

# numpy dtype (kind + item size) → TensorFlow DataType. Little-endian bytes are what readers expect.
_DTYPES: dict[str, types_pb2.DataType] = {
    "f2": types_pb2.DT_HALF,
    "f4": types_pb2.DT_FLOAT,
    "f8": types_pb2.DT_DOUBLE,
    "i1": types_pb2.DT_INT8,
    "i2": types_pb2.DT_INT16,
    "i4": types_pb2.DT_INT32,
    "i8": types_pb2.DT_INT64,
    "u1": types_pb2.DT_UINT8,
    "u2": types_pb2.DT_UINT16,
    "u4": types_pb2.DT_UINT32,
    "u8": types_pb2.DT_UINT64,
    "b1": types_pb2.DT_BOOL,
    "c8": types_pb2.DT_COMPLEX64,
    "c16": types_pb2.DT_COMPLEX128,
}


def _torch_to_numpy(x: Any) -> npt.NDArray[Any]:
    t = x.detach()
    if getattr(t, "device", None) is not None and str(t.device) != "cpu":
        t = t.cpu()
    # numpy has no bfloat16 (and torch refuses to convert it): widen to float32, which holds it exactly.
    if str(getattr(t, "dtype", "")) == "torch.bfloat16":
        t = t.float()
    return np.asarray(t.numpy())


def as_numpy(x: Any) -> npt.NDArray[Any]:
    """``x`` as a numpy array (a 0-d array for a single number); no copy when ``x`` already is one."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, np.generic):
        return np.asarray(x)
    if hasattr(x, "detach") and hasattr(x, "numpy"):  # a torch tensor, without importing torch
        return _torch_to_numpy(x)
    if isinstance(x, (list, tuple)) and x and any(hasattr(e, "detach") and hasattr(e, "numpy") for e in x):
        return np.asarray([as_numpy(e) for e in x])
    if hasattr(x, "numpy") and not hasattr(x, "__array__"):  # e.g. tf.Tensor in eager mode, jax arrays
        return np.asarray(x.numpy())
    return np.asarray(x)


def _shape(shape: tuple[int, ...]) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=int(d)) for d in shape])


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8")


def tensor_proto(array: Any, *, dtype: types_pb2.DataType | None = None) -> tensor_pb2.TensorProto:
    """A ``TensorProto`` holding ``array`` (anything :func:`as_numpy` accepts) with its shape.

    Strings (``str``/``bytes``/object arrays) become ``DT_STRING`` with UTF-8 ``string_val``; numbers keep
    their numpy dtype unless ``dtype`` (a ``types_pb2`` value, e.g. ``DT_FLOAT``) asks for another one.
    """
    if isinstance(array, (str, bytes)):
        arr: npt.NDArray[Any] = np.array(array, dtype=object)
    else:
        arr = as_numpy(array)
    if arr.dtype.kind in "USO" or dtype == types_pb2.DT_STRING:
        return tensor_pb2.TensorProto(
            dtype=types_pb2.DT_STRING,
            tensor_shape=_shape(arr.shape),
            string_val=[_as_bytes(v) for v in arr.reshape(-1).tolist()],
        )
    if dtype is not None:
        target = next((k for k, v in _DTYPES.items() if v == dtype), None)
        if target is None:
            raise ValueError(f"cannot write a tensor of DataType {dtype}")
        arr = arr.astype(np.bool_ if target == "b1" else np.dtype("<" + target), copy=False)
    key = f"{arr.dtype.kind}{arr.dtype.itemsize}"
    code = _DTYPES.get(key)
    if code is None:
        raise TypeError(f"cannot write a tensor of numpy dtype {arr.dtype}")
    if arr.dtype.itemsize > 1 and arr.dtype.str[0] == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return tensor_pb2.TensorProto(
        dtype=code,
        tensor_shape=_shape(arr.shape),
        tensor_content=np.ascontiguousarray(arr).tobytes(),
    )


def tensor_summary(
    tag: str, tensor: tensor_pb2.TensorProto, metadata: summary_pb2.SummaryMetadata
) -> summary_pb2.Summary:
    """A ``Summary`` of one value: ``tensor`` under ``tag``, filed by ``metadata`` (what modern summaries are)."""
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, metadata=metadata, tensor=tensor)])
