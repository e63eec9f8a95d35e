"""Vectorised decoding of the common scalar record layouts.

Most records in a big logdir are scalar events of one shape: ``Event{wall_time, step, summary{value{tag,
[metadata], simple_value | tensor{float or double, one element}}}}``. Records of one tag with the same step
width are byte-for-byte identical except inside the wall time, the step varint and the value. So the
records of a block are grouped by length; the first record of a group is parsed as a *template* (the byte
spans of those three fields); every record whose other bytes equal the template's shares its layout, and
its fields are read for all such records at once with numpy. Records that match no template (first
records, other kinds, multi-value events) are left for the protobuf parser, so the result is exactly what
parsing every record would give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from telescope.tfrecord.batch import Segment, footers_of, gather_rows, length_groups, rows_crc_ok
from telescope.tfrecord.framing import FOOTER_SIZE, HEADER_SIZE

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]

_MAX_TEMPLATES_PER_LENGTH = 64
_MIN_GROUP = 8  # fewer records than this are cheaper to parse one by one
# Longer records are not worth trying: a scalar record is its tag plus about 30 bytes, and records of other
# kinds (histograms, images) would only be copied and compared to find no layout. Longer tags take the parser.
MAX_BULK_RECORD = 512


@dataclass(frozen=True)
class Layout:
    """Where the variable fields of a scalar record sit (byte offsets in the payload)."""

    wall: int  # offset of the 8 wall_time bytes
    step: tuple[int, int] | None  # (offset, width) of the step varint; None = step absent (0)
    value: int  # offset of the value bytes
    value_width: int  # 4 (float32) or 8 (float64)
    tag: bytes
    value_start: int  # offset of the Summary.Value message (for classification)
    value_end: int


@dataclass
class ScalarGroup:
    """Scalar points of one tag decoded in bulk from records sharing a layout."""

    tag: str
    template: bytes  # one whole payload of the group (parsed once for classification)
    record_index: Int64Array  # position of each record in the block
    steps: Int64Array
    wall_times: Float64Array
    values: Float64Array


def varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def parse_layout(payload: bytes) -> Layout | None:
    """The layout of ``payload`` if it is a one-value scalar event we can decode in bulk, else None."""
    try:
        return _parse_layout(payload)
    except (ValueError, IndexError):
        return None


def parse_envelope(p: bytes) -> tuple[int, tuple[int, int] | None, int, int] | None:
    """``(wall, step, value start, value end)`` of an event holding wall time, step (optional) and a summary of
    exactly one value, each field once: the offset of the 8 wall-time bytes, ``(offset, width)`` of the step
    varint and the byte span of the ``Summary.Value`` message. None for any other event.
    Raises ValueError or IndexError for bytes that are not a message."""
    n = len(p)
    pos = 0
    wall = step = summary = None
    while pos < n:
        key, pos = varint(p, pos)
        field, wire = key >> 3, key & 7
        if field == 1 and wire == 1 and wall is None:
            wall = pos
            pos += 8
        elif field == 2 and wire == 0 and step is None:
            start = pos
            _, pos = varint(p, pos)
            step = (start, pos - start)
        elif field == 5 and wire == 2 and summary is None:
            length, pos = varint(p, pos)
            summary = (pos, pos + length)
            pos += length
        else:
            return None
    if wall is None or summary is None or pos != n:
        return None
    # Summary: exactly one Value.
    pos, end = summary
    key, pos = varint(p, pos)
    if key != 0x0A:
        return None
    length, pos = varint(p, pos)
    vstart, vend = pos, pos + length
    if vend != end:
        return None
    return wall, step, vstart, vend


@dataclass(frozen=True)
class OneValue:
    """Where the parts of a one-value event are: wall time, step, the ``Summary.Value`` span, its tag, and its
    one payload field: a ``simple_value`` (field 2: its 4 bytes) or a ``tensor`` (field 8: the TensorProto)."""

    wall: int
    step: tuple[int, int] | None
    value_start: int
    value_end: int
    tag: bytes
    field: int
    start: int
    end: int


SIMPLE_VALUE = 2
TENSOR = 8


def parse_one_value(p: bytes) -> OneValue | None:
    """The parts of ``p`` if it is an event of one value made of a UTF-8 tag, metadata (optional) and one
    ``simple_value`` or ``tensor``, else None. Raises ValueError or IndexError for bytes that are not a message."""
    envelope = parse_envelope(p)
    if envelope is None:
        return None
    wall, step, vstart, vend = envelope
    tag = None
    payload: tuple[int, int, int] | None = None
    pos = vstart
    while pos < vend:
        key, pos = varint(p, pos)
        field, wire = key >> 3, key & 7
        if field == 1 and wire == 2 and tag is None:
            length, pos = varint(p, pos)
            tag = p[pos : pos + length]
            pos += length
        elif field == 9 and wire == 2:
            length, pos = varint(p, pos)
            pos += length  # metadata: constant bytes, compared as part of the template
        elif field == SIMPLE_VALUE and wire == 5 and payload is None:
            payload = (field, pos, pos + 4)
            pos += 4
        elif field == TENSOR and wire == 2 and payload is None:
            length, pos = varint(p, pos)
            payload = (field, pos, pos + length)
            pos += length
        else:
            return None
    if tag is None or payload is None or pos != vend:
        return None
    try:
        tag.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the parser reports it
    field, start, end = payload
    return OneValue(wall, step, vstart, vend, tag, field, start, end)


def fixed_ranges(
    n: int, wall: int, step: tuple[int, int] | None, value: int, value_width: int
) -> list[tuple[int, int]]:
    """The byte ranges of an ``n``-byte record outside its wall time, step and value (or tensor content)."""
    spans = [(wall, wall + 8), (value, value + value_width)]
    if step is not None:
        spans.append((step[0], step[0] + step[1]))
    ranges = []
    pos = 0
    for a, b in sorted(spans):
        if a > pos:
            ranges.append((pos, a))
        pos = max(pos, b)
    if pos < n:
        ranges.append((pos, n))
    return ranges


def _parse_layout(p: bytes) -> Layout | None:
    one = parse_one_value(p)
    if one is None:
        return None
    value = (one.start, 4) if one.field == SIMPLE_VALUE else _tensor_value(p, one.start, one.end)
    if value is None:
        return None
    return Layout(
        wall=one.wall,
        step=one.step,
        value=value[0],
        value_width=value[1],
        tag=one.tag,
        value_start=one.value_start,
        value_end=one.value_end,
    )


def _tensor_value(p: bytes, pos: int, end: int) -> tuple[int, int] | None:
    """Span of the single float32/float64 number of a rank-0 (or all-ones shape) tensor."""
    dtype = 0
    value: tuple[int, int] | None = None
    while pos < end:
        key, pos = varint(p, pos)
        field, wire = key >> 3, key & 7
        if field == 1 and wire == 0:
            dtype, pos = varint(p, pos)
        elif field == 2 and wire == 2:  # shape: rank 0 only
            length, pos = varint(p, pos)
            if length:
                return None
        elif field in (4, 5, 6) and wire == 2 and value is None:
            length, pos = varint(p, pos)
            if length not in (4, 8):
                return None
            value = (pos, length)
            pos += length
        elif field == 5 and wire == 5 and value is None:
            value = (pos, 4)
            pos += 4
        elif field == 6 and wire == 1 and value is None:
            value = (pos, 8)
            pos += 8
        else:
            return None
    if value is None or pos != end:
        return None
    if (dtype == 1 and value[1] == 4) or (dtype == 2 and value[1] == 8):
        return value
    return None


def decode_scalar_groups(
    buf: npt.NDArray[np.uint8],
    starts: Int64Array,
    lengths: Int64Array,
    segments: Sequence[Segment] = (),
) -> tuple[list[ScalarGroup], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Bulk-decode what can be, verifying payload checksums on the way.

    Returns the groups, a mask of records handled (decoded, or found corrupt) and a mask of records whose
    payload checksum failed. Records not handled need the parser (and their own checksum check).

    Records in ``segments`` (runs of a repeating cycle of lengths, found by the framer) are read through
    strided views, one per position in the cycle, without copying; the others are grouped by length.
    """
    n_records = len(starts)
    done = np.zeros(n_records, dtype=bool)
    corrupt = np.zeros(n_records, dtype=bool)
    groups: list[ScalarGroup] = []
    if n_records == 0:
        return groups, done, corrupt
    for seg in segments:
        _decode_segment(buf, seg, groups, done, corrupt)
    todo = np.flatnonzero(~done)
    if len(todo) < _MIN_GROUP:
        return groups, done, corrupt
    if len(todo) < n_records:
        rest_groups, rest_done, rest_corrupt = decode_scalar_groups(buf, starts[todo], lengths[todo])
        for g in rest_groups:
            g.record_index = todo[g.record_index]
        groups.extend(rest_groups)
        done[todo[rest_done]] = True
        corrupt[todo[rest_corrupt]] = True
        return groups, done, corrupt
    for n, members in length_groups(lengths):
        if len(members) < _MIN_GROUP or n > MAX_BULK_RECORD:
            continue
        rows = gather_rows(buf, starts[members], n)
        footers = footers_of(buf, starts[members], lengths[members])
        _decode_length_group(rows, footers, members, groups, done, corrupt)
    return groups, done, corrupt


def _decode_segment(
    buf: npt.NDArray[np.uint8],
    seg: Segment,
    groups: list[ScalarGroup],
    done: npt.NDArray[np.bool_],
    corrupt: npt.NDArray[np.bool_],
) -> None:
    period = len(seg.pattern)
    cycles = seg.count // period
    if cycles < _MIN_GROUP:
        return
    cycle_bytes = sum(seg.pattern) + (HEADER_SIZE + FOOTER_SIZE) * period
    offset = seg.offset + HEADER_SIZE
    strided = np.lib.stride_tricks.as_strided
    for k, n in enumerate(seg.pattern):
        if n > MAX_BULK_RECORD:
            offset += n + HEADER_SIZE + FOOTER_SIZE
            continue
        rows = strided(buf[offset:], shape=(cycles, n), strides=(cycle_bytes, 1), writeable=False)
        footer_bytes = strided(buf[offset + n :], shape=(cycles, 4), strides=(cycle_bytes, 1), writeable=False)
        footers = np.ascontiguousarray(footer_bytes).view("<u4").ravel()
        record_index = seg.first + k + period * np.arange(cycles, dtype=np.int64)
        template = rows[0].tobytes()
        layout = parse_layout(template)
        if layout is not None:
            _decode_rows(rows, footers, record_index, layout, template, groups, done, corrupt)
        offset += n + HEADER_SIZE + FOOTER_SIZE


def _decode_rows(
    rows: npt.NDArray[np.uint8],
    footers: npt.NDArray[np.uint32],
    record_index: Int64Array,
    layout: Layout,
    template: bytes,
    groups: list[ScalarGroup],
    done: npt.NDArray[np.bool_],
    corrupt: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Decode the rows (a view or a copy) that share ``template``'s layout; returns which rows matched."""
    n = rows.shape[1]
    first = np.frombuffer(template, dtype=np.uint8)
    match = np.ones(len(rows), dtype=bool)
    for a, b in fixed_ranges(n, layout.wall, layout.step, layout.value, layout.value_width):
        if b - a == 1:
            match &= rows[:, a] == first[a]
        else:
            match &= (rows[:, a:b] == first[a:b]).all(axis=1)
    if layout.step is not None:
        s0, width = layout.step
        cont = (rows[:, s0 : s0 + width] & 0x80) != 0
        # The varint must end exactly where the template's does.
        match &= cont[:, :-1].all(axis=1) & ~cont[:, -1]
    everything = bool(match.all())
    picked = rows if everything else rows[match]
    index = record_index if everything else record_index[match]
    foot = footers if everything else footers[match]
    crc_ok = rows_crc_ok(picked, foot, template, _variable_positions(layout))
    if not crc_ok.all():
        bad = index[~crc_ok]
        corrupt[bad] = True
        done[bad] = True
        picked, index = picked[crc_ok], index[crc_ok]
    _emit(picked, index, layout, template, groups, done)
    return match


def _emit(
    picked: npt.NDArray[np.uint8],
    record_index: Int64Array,
    layout: Layout,
    template: bytes,
    groups: list[ScalarGroup],
    done: npt.NDArray[np.bool_],
) -> None:
    """Read wall time, step and value of rows known to share ``layout``; rows with a non-finite wall time are
    left for the parser, which reports them."""
    walls = np.ascontiguousarray(picked[:, layout.wall : layout.wall + 8]).view("<f8").ravel()
    finite = np.isfinite(walls)
    if not finite.all():
        picked, record_index, walls = picked[finite], record_index[finite], walls[finite]
    if not len(record_index):
        return
    if layout.step is not None:
        s0, width = layout.step
        steps = varint_column(picked[:, s0 : s0 + width])
    else:
        steps = np.zeros(len(record_index), dtype=np.int64)
    vb = np.ascontiguousarray(picked[:, layout.value : layout.value + layout.value_width])
    values = vb.view("<f4" if layout.value_width == 4 else "<f8").ravel().astype(np.float64)
    done[record_index] = True
    groups.append(
        ScalarGroup(
            tag=layout.tag.decode("utf-8"),
            template=template,
            record_index=record_index.astype(np.int64),
            steps=steps,
            wall_times=walls,
            values=values,
        )
    )


def varint_column(cols: npt.NDArray[np.uint8]) -> Int64Array:
    """The int64 values of varints of one width, one per row (rows known to hold exactly one varint each)."""
    if cols.shape[1] == 1:
        return cols[:, 0].astype(np.int64)
    sb = cols.astype(np.uint64) & np.uint64(0x7F)
    shifts = (np.arange(cols.shape[1], dtype=np.uint64) * np.uint64(7))[None, :]
    steps: Int64Array = np.bitwise_or.reduce(sb << shifts, axis=1).view(np.int64)
    return steps


def _variable_positions(layout: Layout) -> Int64Array:
    """Byte positions of the wall time, step and value: the only ones where records of a layout differ."""
    spans = [range(layout.wall, layout.wall + 8), range(layout.value, layout.value + layout.value_width)]
    if layout.step is not None:
        spans.append(range(layout.step[0], layout.step[0] + layout.step[1]))
    return np.array(sorted(j for span in spans for j in span), dtype=np.int64)


def _decode_length_group(
    rows: npt.NDArray[np.uint8],
    footers: npt.NDArray[np.uint32],
    members: Int64Array,
    groups: list[ScalarGroup],
    done: npt.NDArray[np.bool_],
    corrupt: npt.NDArray[np.bool_],
) -> None:
    """Decode the records of one length: the first undecoded record is the next template, until few remain."""
    remaining = np.arange(len(rows))
    for _ in range(_MAX_TEMPLATES_PER_LENGTH):
        if len(remaining) < _MIN_GROUP:
            return
        first = int(remaining[0])
        template = rows[first].tobytes()
        layout = parse_layout(template)
        if layout is None:
            # Not a bulk layout: records identical to it go to the parser; try the next template.
            same = (rows[remaining] == rows[first]).all(axis=1)
            same[0] = True
            remaining = remaining[~same]
            continue
        match = _decode_rows(
            rows[remaining], footers[remaining], members[remaining], layout, template, groups, done, corrupt
        )
        leftover = remaining[~match]
        remaining = leftover[leftover != first]  # an unmatched template goes to the parser
