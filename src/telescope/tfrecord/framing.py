"""TFRecord framing: split a byte buffer into record payloads, verifying both masked CRCs.

A record is ``uint64 length | uint32 masked_crc(length) | payload | uint32 masked_crc(payload)``, all
little-endian. :func:`read_frames` works on whatever bytes of a file are available now and says how far
it got, so a caller can resume from that offset when the file grows:

* a short tail (a record still being written) ends the read without any problem; it is read once complete;
* a bad payload checksum skips that one record (the framing is still sound) and reports it;
* a bad length checksum means the length cannot be trusted: the reader searches forward for the next
  offset where a whole record with both checksums holds, reports the gap, and goes on from there. If no
  such record is found in the bytes available, the read stops at the bad header (more bytes may arrive).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from crc32c import crc32c as _crc32c

from telescope.tfrecord.crc import mask, masked_crc32c

_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")
HEADER_SIZE = 12
FOOTER_SIZE = 4

# A record larger than this is treated as a corrupt length even if its checksum holds by chance.
MAX_RECORD_BYTES = 1 << 31


@dataclass(frozen=True)
class FrameProblem:
    """Something wrong in the framing of a file, at an absolute byte offset."""

    offset: int
    kind: str  # "data_crc" | "length_crc"
    message: str
    gap: int = 0  # bytes skipped (for length_crc: up to the next good record)


@dataclass
class FrameResult:
    """Payloads found, where to resume, and what was wrong.

    ``offsets[i]`` is the absolute offset of the record holding ``payloads[i]``. ``end`` is the absolute
    offset to resume from next time: just past the last whole record (or past a skipped one).
    ``stalled_at`` is set when a bad length checksum could not be resynchronised yet.
    """

    payloads: list[memoryview] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    end: int = 0
    problems: list[FrameProblem] = field(default_factory=list)
    stalled_at: int | None = None


def read_frames(buf: bytes | bytearray | memoryview, base_offset: int = 0) -> FrameResult:
    """Split ``buf`` (the bytes of a file starting at ``base_offset``) into record payloads."""
    view = memoryview(buf)
    size = len(view)
    result = FrameResult(end=base_offset)
    payloads = result.payloads
    offsets = result.offsets
    unpack_header = _HEADER.unpack_from
    unpack_footer = _FOOTER.unpack_from
    crc = _crc32c
    pos = 0
    while True:
        if size - pos < HEADER_SIZE:
            break
        length, length_crc = unpack_header(view, pos)
        if mask(crc(view[pos : pos + 8])) != length_crc or length > MAX_RECORD_BYTES:
            nxt = _resync(view, pos + 1)
            if nxt is None:
                result.stalled_at = base_offset + pos
                result.problems.append(
                    FrameProblem(
                        base_offset + pos,
                        "length_crc",
                        "record header checksum mismatch; no valid record follows yet",
                        gap=size - pos,
                    )
                )
                break
            result.problems.append(
                FrameProblem(
                    base_offset + pos,
                    "length_crc",
                    f"record header checksum mismatch; skipped {nxt - pos} bytes to the next valid record",
                    gap=nxt - pos,
                )
            )
            pos = nxt
            result.end = base_offset + pos
            continue
        data_start = pos + HEADER_SIZE
        data_end = data_start + length
        if data_end + FOOTER_SIZE > size:
            break  # the record is still being written
        payload = view[data_start:data_end]
        (data_crc,) = unpack_footer(view, data_end)
        if mask(crc(payload)) != data_crc:
            result.problems.append(
                FrameProblem(
                    base_offset + pos,
                    "data_crc",
                    f"record payload checksum mismatch ({length} bytes skipped)",
                )
            )
        else:
            payloads.append(payload)
            offsets.append(base_offset + pos)
        pos = data_end + FOOTER_SIZE
        result.end = base_offset + pos
    return result


def _resync(view: memoryview, start: int) -> int | None:
    """First offset >= ``start`` where a complete record with both checksums valid begins."""
    from telescope.tfrecord.batch import resync

    return resync(view, start)


def encode_record(payload: bytes) -> bytes:
    """Frame one payload as a TFRecord."""
    header = _HEADER.pack(len(payload), 0)[:8]
    return header + struct.pack("<I", masked_crc32c(header)) + payload + struct.pack("<I", masked_crc32c(payload))
