"""Decoding a custom-scalars layout value: one serialized ``Layout`` in a ``DT_STRING`` tensor (docs/event-format
§6.10), kept as it is written (an object array holding the bytes).

Ingest stage. The bytes are checked to be a ``Layout`` here, so a malformed layout is reported with its file and
offset when it is read rather than failing later when the layout is shown.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from telescope.plugins.custom_scalars.metadata import parse_layout
from telescope.tfrecord.proto import summary_pb2, types_pb2
from telescope.tfrecord.tensor import to_numpy


def decode(value: summary_pb2.Summary.Value) -> npt.NDArray[np.object_]:
    """The layout value's single string (ValueError when it is not one serialized ``Layout``)."""
    which = value.WhichOneof("value")
    if which != "tensor":
        raise ValueError(f"a custom-scalars layout must be a string tensor, not {which}")
    if value.tensor.dtype != types_pb2.DT_STRING:
        dtype = types_pb2.DataType.Name(value.tensor.dtype)
        raise ValueError(f"a custom-scalars layout tensor must have dtype DT_STRING, not {dtype}")
    arr: npt.NDArray[np.object_] = to_numpy(value.tensor)
    if arr.size != 1:
        raise ValueError(f"a custom-scalars layout tensor holds one string, this one has shape {list(arr.shape)}")
    parse_layout(bytes(arr.reshape(-1)[0]))
    return arr
