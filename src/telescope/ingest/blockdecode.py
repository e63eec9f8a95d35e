"""Decoding one block of an event file into what the ingester applies: bulk scalar groups plus the few
records that need the protobuf parser. A pure function of the bytes, so it can run in a worker process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from google.protobuf.message import DecodeError

from telescope.ingest.fastdecode import ScalarGroup, decode_scalar_groups
from telescope.ingest.payloads import INLINE_MAX, Predecoded, predecode_record
from telescope.tfrecord.batch import frame_block
from telescope.tfrecord.crc import masked_crc32c
from telescope.tfrecord.framing import HEADER_SIZE, FrameProblem
from telescope.tfrecord.proto import event_pb2


@dataclass
class SlowRecord:
    record_index: int
    offset: int
    event: event_pb2.Event  # with the payload bytes of predecoded values stripped
    # The tensors- and blobs-class values of the event, decoded (None for a value of another class).
    predecoded: list[Predecoded | None] | None = None


@dataclass
class DecodedBlock:
    """Everything found in ``[start, end)`` of one file."""

    start: int
    end: int
    n_records: int
    stalled_at: int | None
    problems: list[FrameProblem] = field(default_factory=list)
    groups: list[ScalarGroup] = field(default_factory=list)
    slow: list[SlowRecord] = field(default_factory=list)
    record_offsets: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # absolute
    first_wall_time: float | None = None
    min_wall_time: float | None = None
    max_wall_time: float | None = None


def _crc_problem(base_offset: int, start: int, length: int) -> FrameProblem:
    return FrameProblem(
        base_offset + start - HEADER_SIZE, "data_crc", f"record payload checksum mismatch ({length} bytes skipped)"
    )


def decode_block(data: bytes, base_offset: int, kinds: dict[str, tuple[str, str]] | None = None) -> DecodedBlock:
    """Frame, verify and decode ``data`` (a file's bytes from ``base_offset``). ``kinds`` maps the run's known
    tags to ``(plugin, storage class)``: values of the tensors and blobs classes are then decoded here too (see
    :func:`telescope.ingest.payloads.predecode_record`)."""
    frames = frame_block(data, base_offset, verify=False)
    buf = np.frombuffer(data, dtype=np.uint8)
    groups, done, corrupt = decode_scalar_groups(buf, frames.starts, frames.lengths, frames.segments)
    block = DecodedBlock(
        start=base_offset,
        end=frames.end,
        n_records=len(frames.starts),
        stalled_at=frames.stalled_at,
        problems=list(frames.problems),
        groups=groups,
        record_offsets=frames.starts - HEADER_SIZE + base_offset,
    )
    for i in np.flatnonzero(corrupt).tolist():
        block.problems.append(_crc_problem(base_offset, int(frames.starts[i]), int(frames.lengths[i])))
    parse = event_pb2.Event.FromString
    view = memoryview(data)
    walls: list[float] = []
    for i in np.flatnonzero(~done).tolist():
        s = int(frames.starts[i])
        length = int(frames.lengths[i])
        offset = base_offset + s - HEADER_SIZE
        if masked_crc32c(view[s : s + length]) != int.from_bytes(view[s + length : s + length + 4], "little"):
            block.problems.append(_crc_problem(base_offset, s, length))
            continue
        try:
            event = parse(view[s : s + int(frames.lengths[i])])  # type: ignore[arg-type]  # upb takes buffers
        except DecodeError as e:
            block.problems.append(FrameProblem(offset, "bad_event", f"record is not an Event: {e}"))
            continue
        if not math.isfinite(event.wall_time):
            block.problems.append(FrameProblem(offset, "bad_wall_time", f"wall_time is {event.wall_time}; skipped"))
            continue
        walls.append(event.wall_time)
        rec = SlowRecord(i, offset, event)
        if kinds is not None:
            payload = data[s : s + length] if length >= INLINE_MAX else None
            rec.predecoded = predecode_record(event, payload, offset, kinds)
        block.slow.append(rec)
    if block.n_records:
        lo = [g.wall_times.min() for g in groups] + ([min(walls)] if walls else [])
        hi = [g.wall_times.max() for g in groups] + ([max(walls)] if walls else [])
        if lo:
            block.min_wall_time = float(min(lo))
            block.max_wall_time = float(max(hi))
        first = None
        if block.slow and block.slow[0].record_index == 0:
            first = block.slow[0].event.wall_time
        else:
            for g in groups:
                if len(g.record_index) and g.record_index[0] == 0:
                    first = float(g.wall_times[0])
                    break
        if first is None and lo:
            first = block.min_wall_time
        block.first_wall_time = first
    block.problems.sort(key=lambda p: p.offset)
    return block


def read_block(
    path: str, offset: int, size: int, block_bytes: int, kinds: dict[str, tuple[str, str]] | None = None
) -> tuple[DecodedBlock | None, bool]:
    """Read and decode the next block of ``path`` from ``offset`` (the file being ``size`` bytes now).

    Returns the decoded block (None when only a record still being written is there) and whether bytes remain
    after it. A record or a resynchronisation search larger than the block makes the read grow. Runs in worker
    processes too, so it opens the file itself.
    """
    with open(path, "rb") as fh:
        block = block_bytes
        while True:
            remaining = size - offset
            fh.seek(offset)
            data = fh.read(min(block, remaining))
            if not data:
                return None, False
            decoded = decode_block(data, offset, None if kinds is None else dict(kinds))
            partial = len(data) < remaining
            no_progress = decoded.end == offset
            if no_progress and partial and (not decoded.problems or decoded.stalled_at is not None):
                block *= 2
                continue
            if no_progress and not decoded.problems:
                return None, partial
            return decoded, partial
