"""Decoding mesh summary values: one part (vertices, faces or colors) of a mesh per value, a ``[B, N, 3]`` tensor cast
to the part's own type (docs/event-format §6.11).

Ingest stage. The part is named by ``MeshPluginData.content_type`` in the value's metadata; writers that strip
metadata from later values (TF1) leave it to the tag, whose suffix is the part's name (``_VERTEX``, ``_FACE``,
``_COLOR``, TensorBoard and PyTorch) or number (``_1``, ``_2``, ``_3``, tensorboardX). PyTorch writes every part
as floats; the store keeps vertices as float32, faces as int32 (vertex indices) and colors as uint8 (RGB), as
TensorBoard's own mesh writer does.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from telescope.plugins.mesh.metadata import COLOR, FACE, PLUGIN_NAME, VERTEX, ContentType, parse_plugin_data
from telescope.tfrecord.proto import summary_pb2
from telescope.tfrecord.tensor import to_numpy

_BY_SUFFIX = {"VERTEX": VERTEX, "FACE": FACE, "COLOR": COLOR, "1": VERTEX, "2": FACE, "3": COLOR}


def part_from_tag(tag: str) -> tuple[str, int] | None:
    """``(mesh name, content type)`` read from a part's tag, or None when the tag has no part suffix."""
    name, sep, suffix = tag.rpartition("_")
    content_type = _BY_SUFFIX.get(suffix)
    if not sep or not name or content_type is None:
        return None
    return name, content_type


def content_type_of(value: summary_pb2.Summary.Value) -> int:
    """The part a value holds: from its metadata when present, else from its tag (ValueError when neither says)."""
    plugin_data = value.metadata.plugin_data
    if plugin_data.plugin_name == PLUGIN_NAME and plugin_data.content:
        content_type = parse_plugin_data(plugin_data.content).content_type
        if content_type in (VERTEX, FACE, COLOR):
            return int(content_type)
        raise ValueError(f"mesh part of unknown content type {ContentType.Name(content_type)}")
    found = part_from_tag(value.tag)
    if found is None:
        raise ValueError(f"mesh value {value.tag!r} names no part (metadata or a _VERTEX/_FACE/_COLOR tag suffix)")
    return found[1]


def cast_part(arr: npt.NDArray[np.generic], content_type: int) -> npt.NDArray[np.generic]:
    """``arr`` in the type of its part; ValueError for another shape than ``[B, N, 3]`` or values the type cannot
    hold (non-finite indices or colors, negative indices)."""
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"a mesh tensor must hold numbers, not {arr.dtype}")
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"a mesh tensor must have shape [B, N, 3], not {list(arr.shape)}")
    if content_type == VERTEX:
        return np.ascontiguousarray(arr, dtype=np.float32)
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(f"mesh {ContentType.Name(content_type).lower()} must be finite numbers")
        arr = np.rint(arr)
    if content_type == FACE:
        if arr.size and (arr.min() < 0 or arr.max() > np.iinfo(np.int32).max):
            raise ValueError("mesh faces must be vertex indices (0 or more)")
        return np.ascontiguousarray(arr, dtype=np.int32)
    return np.ascontiguousarray(np.clip(arr, 0, 255), dtype=np.uint8)


def decode(value: summary_pb2.Summary.Value) -> npt.NDArray[np.generic]:
    """The part held by one mesh value, in its type (module docstring)."""
    which = value.WhichOneof("value")
    if which != "tensor":
        raise ValueError(f"a mesh value must hold a tensor, not {which}")
    return cast_part(to_numpy(value.tensor), content_type_of(value))
