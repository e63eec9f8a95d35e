"""Decoding audio summary values into blob items, one per clip (docs/event-format §6.6).

Two encodings reach this kind: the legacy ``Summary.Audio`` (one clip with its declared sample rate, channel
count, length and content type; PyTorch and tensorboardX write 16-bit PCM WAV) and the tensor form, a
``DT_STRING`` tensor ``[k, 2]`` (clip, Markdown label) or ``[k]`` (clips only) whose encoding is named by
``AudioPluginData.encoding`` in the value's metadata (TF2). Each clip becomes one :class:`BlobItem` whose
``meta`` holds ``content_type``, ``format``, ``sample_rate``, ``num_channels``, ``length_frames`` and
``duration`` (read from the WAV header when it can be, else what was declared) and its ``label``. A value that
holds something that is not audio raises ``ValueError``: the ingester reports it with file and offset and reads on.
"""

from __future__ import annotations

from typing import Any

from telescope.plugins.audio.formats import read_header
from telescope.plugins.audio.metadata import PLUGIN_NAME
from telescope.plugins.base import BlobItem
from telescope.tfrecord.proto import summary_pb2, types_pb2

__all__ = ["PLUGIN_NAME", "clip_item", "decode"]


def decode(value: summary_pb2.Summary.Value) -> list[BlobItem]:
    """The clips held by ``value`` (ValueError when it holds anything else)."""
    which = value.WhichOneof("value")
    if which == "audio":
        a = value.audio
        declared: dict[str, Any] = {
            "sample_rate": float(a.sample_rate),
            "num_channels": int(a.num_channels),
            "length_frames": int(a.length_frames),
        }
        return [clip_item(bytes(a.encoded_audio_string), declared=declared)]
    if which == "tensor":
        return _decode_tensor(value)
    raise ValueError(f"an audio value must hold audio or a string tensor, not {which or 'nothing'}")


def _decode_tensor(value: summary_pb2.Summary.Value) -> list[BlobItem]:
    tensor = value.tensor
    if tensor.dtype != types_pb2.DT_STRING:
        raise ValueError(f"an audio tensor must be DT_STRING, not dtype {tensor.dtype}")
    dims = [d.size for d in tensor.tensor_shape.dim]
    strings = tensor.string_val
    if len(dims) == 2 and dims[1] == 2:
        k, labelled = dims[0], True
    elif len(dims) == 1:
        k, labelled = dims[0], False
    else:
        raise ValueError(f"an audio tensor must be of shape [k, 2] (clip, label) or [k], not {dims}")
    if len(strings) != k * (2 if labelled else 1):
        raise ValueError(f"an audio tensor of shape {dims} holds {len(strings)} strings")
    items = []
    for i in range(k):
        clip = bytes(strings[2 * i] if labelled else strings[i])
        label = bytes(strings[2 * i + 1]).decode("utf-8", "replace") if labelled else ""
        try:
            items.append(clip_item(clip, label=label))
        except ValueError as e:
            raise ValueError(f"clip {i} of {k}: {e}") from None
    return items


def clip_item(data: bytes, *, label: str = "", declared: dict[str, Any] | None = None) -> BlobItem:
    """One clip's item. The header's numbers win over ``declared`` ones (0 means not declared); the content
    type is always the one of the bytes (a declared type or ``AudioPluginData.encoding`` may be wrong, and the
    browser must be told what it will play)."""
    if not data:
        raise ValueError("the audio clip is empty (0 bytes)")
    header = read_header(data)
    if header is None:
        raise ValueError(f"not audio (its first bytes are {data[:8].hex(' ')}; WAV, Ogg, FLAC or MP3 expected)")
    given = declared or {}
    rate = header.sample_rate or given.get("sample_rate") or None
    channels = header.num_channels or given.get("num_channels") or None
    frames = header.length_frames if header.length_frames is not None else given.get("length_frames") or None
    meta: dict[str, Any] = {
        "content_type": header.content_type,
        "format": header.format,
        "sample_rate": float(rate) if rate else None,
        "num_channels": int(channels) if channels else None,
        "length_frames": int(frames) if frames is not None else None,
        "duration": (frames / float(rate)) if frames is not None and rate else None,
        "label": label,
    }
    return BlobItem(data, meta)
