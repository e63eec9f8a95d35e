"""Vectorised reading of legacy histogram records (``Summary.Value.histo``, as PyTorch and tensorboardX write them).

Ingest stage, used by :func:`telescope.ingest.blockdecode.decode_block` on the records left after the scalar and
tensor groups. Such a record is ``Event{wall_time, step, summary{value{tag, histo{min, max, num, sum,
sum_squares, bucket_limit, bucket}}}}``: the bucket arrays vary in length from step to step, so records of one
tag differ in length, but they share a *shape*: the same fields in the same order, varints of the same widths,
the same tag. Once a record is parsed as a template, every record of that shape is recognised with numpy (its
bytes before the buckets equal the template's outside the numbers and lengths, and every length agrees with the
record's size), and its numbers are read column-wise. The kind owning the tag turns them into arrays
(``decode_histo_batch``); records of no known shape go to the protobuf parser.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from crc32c import crc32c as _crc32c

from telescope.ingest.fastdecode import varint, varint_column
from telescope.tfrecord.batch import footers_of, gather_rows, mask_array

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]

MIN_GROUP = 8
_MAX_TEMPLATES = 64
_MAX_FAILED_TEMPLATES = 32
_COUNTS_KEY = 0x3A  # HistogramProto.bucket, packed
_DOUBLE_KEYS = {0x09: "min", 0x11: "max", 0x19: "num", 0x21: "sum", 0x29: "sum_squares"}


@dataclass(frozen=True)
class HistoLayout:
    """Where the fields of a legacy histogram record of one shape sit. Spans are ``(offset, width)``; every
    offset is before ``head``, where the bucket limits begin."""

    step: tuple[int, int] | None
    lengths: tuple[tuple[int, int], ...]  # the summary's, the value's and the histogram's length varints
    doubles: tuple[tuple[str, int], ...]  # (name, offset of its 8 bytes) of the scalar fields present
    limits_length: tuple[int, int]  # the bucket_limit length varint
    counts_width: int  # width of the bucket length varint
    head: int
    tag: bytes

    def variable(self) -> list[tuple[int, int]]:
        """Spans before ``head`` that differ between records of this shape."""
        spans = [(1, 8), *self.lengths, self.limits_length, *((off, 8) for _, off in self.doubles)]
        if self.step is not None:
            spans.append(self.step)
        return sorted(spans)


@dataclass
class HistoCandidate:
    """Records of one tag sharing a legacy histogram shape, checksums verified and wall times finite."""

    tag: str
    template: bytes
    record_index: Int64Array
    steps: Int64Array
    wall_times: Float64Array
    mins: Float64Array
    maxs: Float64Array
    sizes: Int64Array  # buckets per record
    limits: Float64Array  # every record's bucket limits, one after the other
    counts: Float64Array

    def without_first(self) -> HistoCandidate:
        k = int(self.sizes[0])
        return replace(
            self,
            record_index=self.record_index[1:],
            steps=self.steps[1:],
            wall_times=self.wall_times[1:],
            mins=self.mins[1:],
            maxs=self.maxs[1:],
            sizes=self.sizes[1:],
            limits=self.limits[k:],
            counts=self.counts[k:],
        )


def parse_histo_layout(payload: bytes) -> HistoLayout | None:
    """The shape of ``payload`` if it is a one-value event holding only a legacy histogram, fields in the order
    writers serialise them, else None."""
    try:
        return _parse(payload)
    except (ValueError, IndexError):
        return None


def _length(p: bytes, pos: int, n: int) -> tuple[tuple[int, int], int] | None:
    """The span of a length varint at ``pos`` whose message runs to the end of the record, and where it starts."""
    length, end = varint(p, pos)
    if end + length != n:
        return None
    return (pos, end - pos), end


def _parse(p: bytes) -> HistoLayout | None:
    n = len(p)
    if p[0] != 0x09:
        return None
    pos = 9
    step = None
    if p[pos] == 0x10:
        _, end = varint(p, pos + 1)
        step = (pos + 1, end - pos - 1)
        pos = end
    lengths = []
    for key in (0x2A, 0x0A):  # Event.summary, then Summary.value: each runs to the end
        if p[pos] != key:
            return None
        found = _length(p, pos + 1, n)
        if found is None:
            return None
        lengths.append(found[0])
        pos = found[1]
    if p[pos] != 0x0A:  # Value.tag
        return None
    tag_length, pos = varint(p, pos + 1)
    tag = p[pos : pos + tag_length]
    pos += tag_length
    if p[pos] != 0x2A:  # Value.histo, to the end
        return None
    found = _length(p, pos + 1, n)
    if found is None:
        return None
    lengths.append(found[0])
    pos = found[1]
    doubles = []
    last = 0
    while p[pos] in _DOUBLE_KEYS and p[pos] > last:
        last = p[pos]
        doubles.append((_DOUBLE_KEYS[last], pos + 1))
        pos += 9
    if p[pos] != 0x32:  # bucket_limit, packed
        return None
    limits_bytes, head = varint(p, pos + 1)
    limits_length = (pos + 1, head - pos - 1)
    if limits_bytes == 0 or limits_bytes % 8:
        return None
    pos = head + limits_bytes
    if p[pos] != _COUNTS_KEY:
        return None
    counts_bytes, end = varint(p, pos + 1)
    if counts_bytes != limits_bytes or end + counts_bytes != n:
        return None
    try:
        tag.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the parser reports it
    return HistoLayout(
        step=step,
        lengths=tuple(lengths),
        doubles=tuple(doubles),
        limits_length=limits_length,
        counts_width=end - pos - 1,
        head=head,
        tag=tag,
    )


def _varint_ok(cols: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Rows holding one varint of exactly this width."""
    cont = (cols & 0x80) != 0
    ok: npt.NDArray[np.bool_] = cont[:, :-1].all(axis=1) & ~cont[:, -1]
    return ok


def _matching(
    buf: npt.NDArray[np.uint8], starts: Int64Array, sizes: Int64Array, layout: HistoLayout, template: bytes
) -> tuple[npt.NDArray[np.bool_], Int64Array]:
    """Which records (payloads at ``starts``, ``sizes`` bytes) have the shape of ``layout``, and their bucket
    counts (meaningful where they match)."""
    head, w5 = layout.head, layout.counts_width
    body = sizes - head - 1 - w5
    k = body // 16
    match = (body >= 16) & (body % 16 == 0)
    if not match.any():
        return match, k
    first = np.frombuffer(template, dtype=np.uint8)
    rows = gather_rows(buf, np.where(match, starts, starts[match.argmax()]), head)
    pos = 0
    for a, w in [*layout.variable(), (head, 0)]:
        if a > pos:
            match &= (rows[:, pos:a] == first[pos:a]).all(axis=1)
        pos = max(pos, a + w)
    spans = [*layout.lengths, layout.limits_length] + ([layout.step] if layout.step is not None else [])
    for a, w in spans:
        match &= _varint_ok(rows[:, a : a + w])
    for a, w in layout.lengths:
        match &= varint_column(rows[:, a : a + w]) == sizes - (a + w)
    a, w = layout.limits_length
    match &= varint_column(rows[:, a : a + w]) == 8 * k
    if not match.any():
        return match, k
    tail = np.where(match, starts + head + 8 * k, starts[match.argmax()] + head)
    after = gather_rows(buf, tail, 1 + w5)
    match &= after[:, 0] == _COUNTS_KEY
    match &= _varint_ok(after[:, 1:])
    match &= varint_column(after[:, 1:]) == 8 * k
    return match, k


def find_histo_candidates(
    buf: npt.NDArray[np.uint8], starts: Int64Array, lengths: Int64Array, todo: Int64Array
) -> tuple[list[HistoCandidate], Int64Array]:
    """Group the records ``todo`` (indices into ``starts``/``lengths``, increasing) by legacy histogram shape.

    Returns the candidates and the indices of records of a shape whose payload checksum failed. Records in
    neither need the parser."""
    candidates: list[HistoCandidate] = []
    corrupt: list[Int64Array] = []
    remaining = todo
    failed = 0
    for _ in range(_MAX_TEMPLATES):
        if len(remaining) < MIN_GROUP or failed >= _MAX_FAILED_TEMPLATES:
            break
        # A later record as the template, as for tensors.
        t = int(remaining[-1])
        s, n = int(starts[t]), int(lengths[t])
        template = buf[s : s + n].tobytes()
        layout = parse_histo_layout(template)
        if layout is None:
            remaining = remaining[:-1]
            failed += 1
            continue
        match, k = _matching(buf, starts[remaining], lengths[remaining], layout, template)
        matched, k = remaining[match], k[match]
        remaining = remaining[~match]
        if len(matched) >= MIN_GROUP:
            cand, bad = _candidate(buf, starts[matched], lengths[matched], matched, k, layout, template)
            if cand is not None:
                candidates.append(cand)
            if len(bad):
                corrupt.append(bad)
    bad_all = np.sort(np.concatenate(corrupt)) if corrupt else np.empty(0, dtype=np.int64)
    return candidates, bad_all


def _gather_doubles(buf: npt.NDArray[np.uint8], starts: Int64Array, counts: Int64Array) -> Float64Array:
    """The ``counts[i]`` little-endian doubles at byte ``starts[i]``, for every i, one after the other. A slice per
    record joined at once: far faster than gathering 8-byte rows or indexing float64 views by alignment."""
    if not len(starts):
        return np.empty(0, dtype=np.float64)
    parts = [buf[s : s + 8 * n] for s, n in zip(starts.tolist(), counts.tolist(), strict=True)]
    out: Float64Array = np.concatenate(parts).view("<f8")
    return out


def _candidate(
    buf: npt.NDArray[np.uint8],
    pos: Int64Array,
    sizes: Int64Array,
    index: Int64Array,
    k: Int64Array,
    layout: HistoLayout,
    template: bytes,
) -> tuple[HistoCandidate | None, Int64Array]:
    view = memoryview(buf.data)
    crcs = np.fromiter(
        (_crc32c(view[s : s + n]) for s, n in zip(pos.tolist(), sizes.tolist(), strict=True)),
        dtype=np.uint32,
        count=len(pos),
    )
    ok = mask_array(crcs) == footers_of(buf, pos, sizes)
    bad = index[~ok]
    walls = gather_rows(buf, pos + 1, 8).view("<f8").ravel()
    keep = ok & np.isfinite(walls)  # a non-finite wall time is left for the parser, which reports it
    if not keep.any():
        return None, bad
    pos, index, walls, k = pos[keep], index[keep], walls[keep], k[keep]
    if layout.step is not None:
        s0, width = layout.step
        steps = varint_column(gather_rows(buf, pos + s0, width))
    else:
        steps = np.zeros(len(pos), dtype=np.int64)
    found = {name: gather_rows(buf, pos + off, 8).view("<f8").ravel() for name, off in layout.doubles}
    zeros = np.zeros(len(pos), dtype=np.float64)
    head, w5 = layout.head, layout.counts_width
    limits = _gather_doubles(buf, pos + head, k)
    counts = _gather_doubles(buf, pos + head + 8 * k + 1 + w5, k)
    cand = HistoCandidate(
        tag=layout.tag.decode("utf-8"),
        template=template,
        record_index=index.astype(np.int64),
        steps=steps,
        wall_times=np.ascontiguousarray(walls),
        mins=found.get("min", zeros),
        maxs=found.get("max", zeros),
        sizes=k.astype(np.int64),
        limits=limits,
        counts=counts,
    )
    return cand, bad
