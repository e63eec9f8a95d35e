"""Decoding scalar summary values: legacy ``simple_value`` or a one-element real tensor of any dtype."""

from __future__ import annotations

from telescope.tfrecord.proto import summary_pb2
from telescope.tfrecord.tensor import to_scalar


def decode(value: summary_pb2.Summary.Value) -> float:
    """The number held by ``value``; NaN and infinities are kept as they are."""
    which = value.WhichOneof("value")
    if which == "simple_value":
        return float(value.simple_value)
    if which == "tensor":
        return to_scalar(value.tensor)
    raise ValueError(f"a scalar value must hold simple_value or a tensor, not {which}")
