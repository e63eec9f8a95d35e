"""Recognising encoded images from their first bytes: the format, its MIME type, and the pixel size in the header.

Used when image values are decoded at ingest (``decode.py``): nothing is decompressed, only the few header bytes
that every PNG, JPEG, GIF, BMP and WebP file starts with are read, so a crafted or truncated file costs nothing.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

CONTENT_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "webp": "image/webp",
}


@dataclass(frozen=True)
class ImageHeader:
    """What the first bytes of an encoded image say; ``width``/``height`` are None when the header is cut short."""

    format: str  # "png" | "jpeg" | "gif" | "bmp" | "webp"
    width: int | None
    height: int | None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def sniff_format(data: bytes) -> str | None:
    """The format of ``data`` from its magic bytes, or None when it is none of the formats we serve."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"BM") and len(data) >= 26:
        return "bmp"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    return None


def read_header(data: bytes) -> ImageHeader | None:
    """The format and pixel size of an encoded image, or None when ``data`` is not an image we recognise."""
    fmt = sniff_format(data)
    if fmt is None:
        return None
    size = _SIZE_READERS[fmt](data)
    return ImageHeader(fmt, *size) if size is not None else ImageHeader(fmt, None, None)


def _png_size(data: bytes) -> tuple[int, int] | None:
    # The IHDR chunk is always first: length (4), type (4), then width and height (big-endian uint32).
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    w, h = struct.unpack(">II", data[16:24])
    return w, h


# Start-of-frame markers carry the size; C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding) do not.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    n = len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or start of scan before any frame header
            return None
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _JPEG_SOF:
            if pos + 9 > n:
                return None
            h, w = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return w, h
        if length < 2:
            return None
        pos += 2 + length
    return None


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 10:
        return None
    w, h = struct.unpack("<HH", data[6:10])
    return w, h


def _bmp_size(data: bytes) -> tuple[int, int] | None:
    (dib,) = struct.unpack("<I", data[14:18])
    if dib == 12:  # BITMAPCOREHEADER: 16-bit sizes
        w, h = struct.unpack("<HH", data[18:22])
        return w, h
    w, h = struct.unpack("<ii", data[18:26])
    return abs(w), abs(h)  # a negative height means rows are stored top-down


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    return None


_SIZE_READERS = {"png": _png_size, "jpeg": _jpeg_size, "gif": _gif_size, "bmp": _bmp_size, "webp": _webp_size}
