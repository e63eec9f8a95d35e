"""Decoding the values of the tensors and blobs storage classes (every kind but scalars) for the ingester.

Each value goes to the kind that claims its plugin name (``telescope.plugins.decoder_for``); a value no kind
claims is kept as an opaque tensor, or as raw blob items, so nothing is lost. Blob items that are stored
verbatim in the event file are kept as references (byte offset and length in the file) rather than copied.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from telescope.ingest.classify import classify
from telescope.plugins import BlobItem, decoder_for
from telescope.tfrecord.crc import crc32c
from telescope.tfrecord.framing import HEADER_SIZE
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from telescope.tfrecord.tensor import TensorDecodeError, to_numpy

logger = logging.getLogger(__name__)

# Blob items smaller than this are kept in the index (a reference would cost a file read for a few bytes);
# records at least this long keep their bytes after decoding so that larger items can be located in them.
INLINE_MAX = 4096

RUN_GRAPH_TAG = "__run_graph__"


def _synthetic(tag: str, plugin: str, data: bytes) -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(
        tag=tag,
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin),
            data_class=summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
        ),
        tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[data]),
    )


def event_values(event: event_pb2.Event) -> list[summary_pb2.Summary.Value]:
    """The summary values an event carries; an op graph or tagged run metadata becomes one blob value."""
    what = event.WhichOneof("what")
    if what == "summary":
        return list(event.summary.value)
    if what == "graph_def":
        return [_synthetic(RUN_GRAPH_TAG, "graphs", event.graph_def)]
    if what == "tagged_run_metadata":
        trm = event.tagged_run_metadata
        return [_synthetic(trm.tag, "graph_tagged_run_metadata", trm.run_metadata)]
    return []


def decode_tensor_value(plugin_name: str, value: summary_pb2.Summary.Value) -> np.ndarray:
    """The array a tensors-class value holds (ValueError when it is malformed)."""
    plugin = decoder_for(plugin_name)
    if plugin is not None and plugin.storage_class == "tensors":
        arr: np.ndarray = np.asarray(plugin.decode(value))
        return arr
    if not value.HasField("tensor"):
        return np.empty(0, dtype=np.float32)
    try:
        return to_numpy(value.tensor)
    except TensorDecodeError as e:
        raise ValueError(str(e)) from e


def decode_blob_value(plugin_name: str, value: summary_pb2.Summary.Value) -> list[BlobItem]:
    """The items a blobs-class value holds (ValueError when it is malformed)."""
    plugin = decoder_for(plugin_name)
    if plugin is not None and plugin.storage_class == "blobs":
        items: list[BlobItem] = list(plugin.decode(value))
        return items
    which = value.WhichOneof("value")
    if which == "image":
        return [BlobItem(value.image.encoded_image_string)]
    if which == "audio":
        return [BlobItem(value.audio.encoded_audio_string)]
    if which == "tensor" and value.tensor.dtype == types_pb2.DT_STRING:
        return [BlobItem(bytes(s)) for s in value.tensor.string_val]
    raise ValueError(f"a blob value must hold a string tensor, an image or audio, not {which}")


def locate(item: BlobItem, payload: bytes | None, record_offset: int) -> tuple[int, int, int, bytes | None, str]:
    """``(offset, length, crc, inline data, meta JSON)`` to store for ``item`` of the record at
    ``record_offset`` whose payload (when kept) is ``payload``."""
    data = item.data
    crc = crc32c(data)
    meta = _meta_json(item.meta)
    if payload is not None and len(data) >= INLINE_MAX:
        pos = _find(payload, data)
        if pos >= 0:
            return record_offset + HEADER_SIZE + pos, len(data), crc, None, meta
    return 0, len(data), crc, bytes(data), meta


def _find(payload: bytes, data: bytes) -> int:
    """``payload.find(data)``, about ten times faster for long ``data``: ``bytes.find`` prepares a long needle
    at a cost proportional to its length, so only a short head is searched for, and each place it is found
    is checked in full."""
    head = data[:_HEAD]
    pos = payload.find(head)
    while pos >= 0 and not payload.startswith(data, pos):
        pos = payload.find(head, pos + 1)
    return pos


_HEAD = 64
_PLAIN = frozenset((str, int, float, bool, type(None)))
_meta_cache: dict[tuple[tuple[Any, ...], tuple[type, ...], tuple[Any, ...]], str] = {}


def _meta_json(meta: dict[str, Any]) -> str:
    """The JSON of ``meta``; the items of one tag usually share theirs, so it is cached (for plain values only,
    keyed with their types: 1, 1.0 and True are equal keys but different JSON)."""
    values = tuple(meta.values())
    types = tuple(map(type, values))
    names = tuple(meta)
    if not _PLAIN.issuperset(types) or not _PLAIN.issuperset(map(type, names)):
        return json.dumps(meta, separators=(",", ":"), default=_json_default)
    key = (names, types, values)
    found = _meta_cache.get(key)
    if found is None:
        found = json.dumps(meta, separators=(",", ":"), default=_json_default)
        if len(_meta_cache) > 4096:
            _meta_cache.clear()
        _meta_cache[key] = found
    return found


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, bytes):
        return o.decode("utf-8", "replace")
    raise TypeError(f"{type(o).__name__} is not JSON serialisable")


@dataclass
class Predecoded:
    """One value of a tensors- or blobs-class series, decoded where its block was decoded (possibly a worker
    process), so that only the result travels back: an array, located blob items, or the reason it is bad."""

    plugin: str
    storage_class: str
    array: np.ndarray | None = None
    blobs: list[tuple[int, int, int, bytes | None, str]] | None = None  # (offset, length, crc, data, meta)
    error: str | None = None


def predecode_record(
    event: event_pb2.Event, payload: bytes | None, record_offset: int, kinds: dict[str, tuple[str, str]]
) -> list[Predecoded | None] | None:
    """Decode the tensors- and blobs-class values of one event (None for the others), then strip their bytes
    from ``event`` so it is cheap to send between processes. ``kinds`` maps the run's tags to their
    ``(plugin, storage class)``; a tag not in it is classified from this value and added, as the ingester
    classifies a series from its first value. Returns None when the event holds no such value."""
    values = event_values(event)
    out: list[Predecoded | None] = []
    found = False
    for value in values:
        tag = value.tag or value.node_name
        kind = kinds.get(tag)
        if kind is None:
            k = classify(value, tag)
            kind = kinds[tag] = (k.plugin, k.storage_class)
        plugin, storage = kind
        if storage not in ("tensors", "blobs"):
            out.append(None)
            continue
        found = True
        pre = Predecoded(plugin, storage)
        try:
            if storage == "tensors":
                pre.array = decode_tensor_value(plugin, value)
            else:
                pre.blobs = [locate(item, payload, record_offset) for item in decode_blob_value(plugin, value)]
        except (ValueError, TypeError) as e:
            pre.error = str(e)
        out.append(pre)
    if not found:
        return None
    strip_payloads(event)
    return out


def strip_payloads(event: event_pb2.Event) -> None:
    """Drop the payload bytes of ``event``, keeping what classifies its values (metadata, which field is set,
    dtype and shape)."""
    what = event.WhichOneof("what")
    if what == "graph_def":
        event.graph_def = b""
    elif what == "tagged_run_metadata":
        event.tagged_run_metadata.run_metadata = b""
    elif what == "summary":
        for v in event.summary.value:
            which = v.WhichOneof("value")
            if which == "image":
                v.image.encoded_image_string = b""
            elif which == "audio":
                v.audio.encoded_audio_string = b""
            elif which == "histo":
                v.histo.Clear()  # still the value's kind: the message stays set
            elif which == "tensor":
                dtype, shape = v.tensor.dtype, tensor_shape_pb2.TensorShapeProto()
                shape.CopyFrom(v.tensor.tensor_shape)
                v.tensor.Clear()
                v.tensor.dtype = dtype
                v.tensor.tensor_shape.CopyFrom(shape)
