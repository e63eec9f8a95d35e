"""Decoding text summary values: a ``DT_STRING`` tensor of any shape, kept as an object array of ``bytes``
(docs/event-format §6.8).

Ingest stage: the ingester hands every value of a text series to :func:`decode`; the raw UTF-8 bytes are what the
store keeps, so rendering (Markdown, sanitising) happens when the text is shown and can change without a reindex.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from telescope.tfrecord.proto import summary_pb2, types_pb2
from telescope.tfrecord.tensor import to_numpy


def decode(value: summary_pb2.Summary.Value) -> npt.NDArray[np.object_]:
    """The strings of one text value, with the tensor's shape (ValueError for a tensor of another dtype)."""
    which = value.WhichOneof("value")
    if which != "tensor":
        raise ValueError(f"a text value must hold a string tensor, not {which}")
    if value.tensor.dtype != types_pb2.DT_STRING:
        raise ValueError(f"a text tensor must have dtype DT_STRING, not {types_pb2.DataType.Name(value.tensor.dtype)}")
    arr: npt.NDArray[np.object_] = to_numpy(value.tensor)
    return arr
