"""Recognising encoded audio clips from their first bytes: the format, its MIME type, and for WAV the sample
rate, channel count and length read from the header (docs/event-format §6.6). Nothing is decoded."""

from __future__ import annotations

import struct
from dataclasses import dataclass

CONTENT_TYPES = {"wav": "audio/wav", "ogg": "audio/ogg", "flac": "audio/flac", "mp3": "audio/mpeg"}


@dataclass(frozen=True)
class AudioHeader:
    """What a clip's first bytes say; the numbers are None when the header does not give them."""

    format: str  # "wav" | "ogg" | "flac" | "mp3"
    sample_rate: int | None = None
    num_channels: int | None = None
    length_frames: int | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def read_header(data: bytes) -> AudioHeader | None:
    """The format (and for WAV the sizes) of an encoded clip, or None when it is no format we recognise."""
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return _wav(data)
    if data.startswith(b"OggS"):
        return AudioHeader("ogg")
    if data.startswith(b"fLaC"):
        return AudioHeader("flac")
    if data.startswith(b"ID3") or (len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return AudioHeader("mp3")
    return None


def _wav(data: bytes) -> AudioHeader:
    """Walk the RIFF chunks for ``fmt `` (rate, channels, frame size) and ``data`` (its length)."""
    pos = 12
    rate = channels = block_align = None
    frames = None
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        body = pos + 8
        if kind == b"fmt " and body + 14 <= len(data):
            channels, rate = struct.unpack("<HI", data[body + 2 : body + 8])
            (block_align,) = struct.unpack("<H", data[body + 12 : body + 14])
        elif kind == b"data":
            # A writer that streamed the file may leave the size unset (0 or 0xFFFFFFFF): count what is there.
            available = len(data) - body
            length = available if size in (0, 0xFFFFFFFF) or size > available else size
            if block_align:
                frames = length // block_align
            break
        pos = body + size + (size & 1)  # chunks are padded to an even size
    return AudioHeader("wav", rate or None, channels or None, frames)
