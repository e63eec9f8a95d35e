"""Serialized ``Event`` messages and TFRecord frames, built with ``struct`` instead of protobuf objects.

Writer stage (training script → **writer** → event files). ``add_scalar`` is called in the hot loop of training
scripts, so its event is assembled from a per-tag byte prefix and two ``struct.pack`` calls (docs/event-format
§3-§5, test vector T2); events holding other summaries wrap the summary's serialized bytes without copying them
into an ``Event`` message. Framing (length, payload and their masked CRC-32C, §2) happens in the writer's
background thread, in :func:`frame`.
"""

from __future__ import annotations

import struct

from crc32c import crc32c as _crc32c

__all__ = [
    "event_bytes",
    "file_version_event",
    "frame",
    "scalar_prefix",
    "session_start_event",
    "step_bytes",
    "varint",
]

_WALL = struct.Struct("<Bd").pack  # key 0x09 (field 1, fixed64) + wall_time
_U64 = struct.Struct("<Q").pack
_U32 = struct.Struct("<I").pack
_MASK_DELTA = 0xA282EAD8
_U32_MAX = 0xFFFFFFFF

# Event field keys (field number << 3 | wire type).
_KEY_STEP = 0x10
_KEY_FILE_VERSION = 0x1A
_KEY_GRAPH_DEF = 0x22
_KEY_SUMMARY = 0x2A
_KEY_SESSION_LOG = 0x3A
_KEY_TAGGED_RUN_METADATA = 0x42
_KEY_SOURCE_METADATA = 0x52

WHAT_SUMMARY = _KEY_SUMMARY
WHAT_GRAPH_DEF = _KEY_GRAPH_DEF
WHAT_TAGGED_RUN_METADATA = _KEY_TAGGED_RUN_METADATA


def varint(n: int) -> bytes:
    """Protobuf base-128 varint; negative numbers as their 64-bit two's complement (10 bytes)."""
    if n < 0:
        n &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def step_bytes(step: int) -> bytes:
    """The ``step`` field of an Event; empty for step 0, which proto3 leaves out."""
    if 0 < step < 0x80:
        return bytes((_KEY_STEP, step))
    if step == 0:
        return b""
    if 0 < step < 0x4000:
        return bytes((_KEY_STEP, (step & 0x7F) | 0x80, step >> 7))
    return b"\x10" + varint(step)


def _field(key: int, payload: bytes) -> bytes:
    return bytes((key,)) + varint(len(payload)) + payload


def scalar_prefix(tag: str) -> bytes:
    """Bytes of a legacy scalar event between ``step`` and the 4-byte float: summary { value { tag, key 0x15 } }.

    Appending the little-endian float32 completes ``summary { value { tag: <tag> simple_value: <x> } }``.
    """
    tag_field = _field(0x0A, tag.encode("utf-8")) if tag else b""  # proto3 leaves an empty string out
    value = tag_field + b"\x15"
    value_len = len(value) + 4
    value_field_head = b"\x0a" + varint(value_len)
    summary_len = len(value_field_head) + value_len
    return b"\x2a" + varint(summary_len) + value_field_head + value


def event_bytes(wall_time: float, step: int, what_key: int, payload: bytes) -> bytes:
    """An Event with ``wall_time``, ``step`` and one length-delimited member of its ``what`` oneof."""
    return b"".join((_WALL(0x09, wall_time), step_bytes(step), bytes((what_key,)), varint(len(payload)), payload))


def file_version_event(wall_time: float, *, step: int = 0, writer: str = "") -> bytes:
    """``Event{wall_time, step, file_version: "brain.Event:2", source_metadata: {writer}}`` (§4.2)."""
    out = _WALL(0x09, wall_time) + step_bytes(step) + _field(_KEY_FILE_VERSION, b"brain.Event:2")
    if writer:
        out += _field(_KEY_SOURCE_METADATA, _field(0x0A, writer.encode("utf-8")))
    return out


def session_start_event(wall_time: float, step: int) -> bytes:
    """``Event{wall_time, step, session_log: {status: START}}`` (§4.3, test vector T6)."""
    return _WALL(0x09, wall_time) + step_bytes(step) + _field(_KEY_SESSION_LOG, b"\x08\x01")


def _masked(data: bytes | bytearray | memoryview) -> bytes:
    c = _crc32c(data)
    # Rotate right by 15 and add the delta; bits above 32 from the left shift do not reach the low 32 bits.
    return _U32((((c >> 15) | (c << 17)) + _MASK_DELTA) & _U32_MAX)


_headers: dict[int, bytes] = {}


def frame(payload: bytes) -> bytes:
    """One TFRecord: length, masked CRC of the length, payload, masked CRC of the payload (§2.1)."""
    n = len(payload)
    head = _headers.get(n)
    if head is None:
        length = _U64(n)
        head = length + _masked(length)
        if len(_headers) < 4096:  # a few distinct lengths repeat (scalars); big payloads need not be cached
            _headers[n] = head
    return head + payload + _masked(payload)
