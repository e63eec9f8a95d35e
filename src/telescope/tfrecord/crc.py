"""Masked CRC-32C as used by TFRecord framing (the LevelDB masking convention).

The CRC itself comes from the ``crc32c`` package, which is implemented in C (with SSE4.2/ARMv8 instructions
where available); a per-byte Python CRC would dominate ingest time.
"""

from __future__ import annotations

from crc32c import crc32c as _crc32c

_MASK_DELTA = 0xA282EAD8
_U32 = 0xFFFFFFFF


def crc32c(data: bytes | bytearray | memoryview) -> int:
    """CRC-32C (Castagnoli) of ``data``."""
    return int(_crc32c(data))


def mask(crc: int) -> int:
    """Mask a CRC: rotate right by 15 bits, then add a constant (mod 2**32)."""
    return ((((crc >> 15) | (crc << 17)) & _U32) + _MASK_DELTA) & _U32


def unmask_crc32c(masked: int) -> int:
    """Invert :func:`mask`."""
    rot = (masked - _MASK_DELTA) & _U32
    return ((rot >> 17) | (rot << 15)) & _U32


def masked_crc32c(data: bytes | bytearray | memoryview) -> int:
    """The masked CRC-32C of ``data``, as stored in TFRecord headers and footers."""
    return mask(int(_crc32c(data)))
