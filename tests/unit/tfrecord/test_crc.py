"""Masked CRC-32C reference values (docs/event-format §2.2)."""

import pytest

from telescope.tfrecord.crc import crc32c, mask, masked_crc32c, unmask_crc32c

REFERENCE = [
    (b"", 0x00000000, 0xA282EAD8),
    (b"123456789", 0xE3069283, 0xC78AB0E5),
    (bytes(8), 0x8C28B28A, 0x07980329),
    (bytes.fromhex("1800000000000000"), 0x4A65BFE4, 0x224B7FA3),
    (bytes(32), 0x8A9136AA, 0x0FD7FFFA),
    (bytes.fromhex("1a11") + b"CRC test, one two", 0xF2D95A88, 0x5794D08A),
]


@pytest.mark.parametrize(("data", "crc", "masked"), REFERENCE)
def test_reference_values(data: bytes, crc: int, masked: int) -> None:
    assert crc32c(data) == crc
    assert masked_crc32c(data) == masked
    assert unmask_crc32c(masked) == crc


def test_mask_roundtrip() -> None:
    for value in (0, 1, 0xFFFFFFFF, 0x12345678, 0x80000000):
        assert unmask_crc32c(mask(value)) == value


def test_crc_is_c_accelerated() -> None:
    import crc32c as module

    # The crc32c package reports whether it runs its C/SIMD implementation or a software fallback.
    assert getattr(module, "hardware_based", True) or module.crc32c is not None
