"""Scalar and tensor decoding across encodings (docs/event-format §5.4, §6.4, §12.3)."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from telescope.tfrecord.proto import tensor_pb2, types_pb2
from telescope.tfrecord.tensor import TensorDecodeError, to_numpy, to_scalar


def _tensor(dtype: int, shape: tuple[int, ...] = (), **fields: object) -> tensor_pb2.TensorProto:
    t = tensor_pb2.TensorProto(dtype=dtype, **fields)  # type: ignore[arg-type]
    for d in shape:
        t.tensor_shape.dim.add(size=d)
    return t


def test_float_val() -> None:
    assert to_scalar(_tensor(types_pb2.DT_FLOAT, float_val=[0.5])) == 0.5


def test_tensor_content_float32() -> None:
    assert to_scalar(_tensor(types_pb2.DT_FLOAT, tensor_content=struct.pack("<f", 0.99))) == pytest.approx(0.99, 1e-7)


def test_double_both_ways() -> None:
    assert to_scalar(_tensor(types_pb2.DT_DOUBLE, double_val=[0.1])) == 0.1
    assert to_scalar(_tensor(types_pb2.DT_DOUBLE, tensor_content=struct.pack("<d", 0.1))) == 0.1


def test_half_and_bfloat16() -> None:
    half_bits = int(np.array([1.5], dtype=np.float16).view(np.uint16)[0])
    assert to_scalar(_tensor(types_pb2.DT_HALF, half_val=[half_bits])) == 1.5
    bf16_bits = int(np.array([2.5], dtype=np.float32).view(np.uint32)[0]) >> 16
    assert to_scalar(_tensor(types_pb2.DT_BFLOAT16, half_val=[bf16_bits])) == 2.5


def test_half_val_with_float32_bits_quirk() -> None:
    bits = int(np.array([3.25], dtype=np.float32).view(np.int32)[0])
    assert to_scalar(_tensor(types_pb2.DT_HALF, half_val=[bits])) == 3.25


def test_integers() -> None:
    assert to_scalar(_tensor(types_pb2.DT_INT32, int_val=[-7])) == -7.0
    assert to_scalar(_tensor(types_pb2.DT_INT64, int64_val=[2**40])) == float(2**40)
    assert to_scalar(_tensor(types_pb2.DT_UINT8, uint32_val=[200])) == 200.0  # PyTorch quirk
    assert to_scalar(_tensor(types_pb2.DT_INT64, (1,), tensor_content=struct.pack("<q", 5))) == 5.0


def test_non_finite_kept() -> None:
    assert math.isnan(to_scalar(_tensor(types_pb2.DT_FLOAT, float_val=[float("nan")])))
    assert to_scalar(_tensor(types_pb2.DT_DOUBLE, double_val=[float("-inf")])) == -math.inf


def test_rejects_non_scalars() -> None:
    with pytest.raises(TensorDecodeError):
        to_scalar(_tensor(types_pb2.DT_FLOAT, (2,), float_val=[1.0, 2.0]))
    with pytest.raises(TensorDecodeError):
        to_scalar(_tensor(types_pb2.DT_STRING, string_val=[b"x"]))
    with pytest.raises(TensorDecodeError):
        to_scalar(_tensor(types_pb2.DT_FLOAT, tensor_content=b"abc"))


def test_to_numpy_broadcasts_single_value_and_reads_content() -> None:
    assert to_numpy(_tensor(types_pb2.DT_FLOAT, (2, 2), float_val=[1.0])).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    content = np.arange(6, dtype="<f8").tobytes()
    assert to_numpy(_tensor(types_pb2.DT_DOUBLE, (2, 3), tensor_content=content)).shape == (2, 3)
    strings = to_numpy(_tensor(types_pb2.DT_STRING, (2,), string_val=[b"a", b"b"]))
    assert strings.tolist() == [b"a", b"b"]
