"""Decoding one block of an event file into what the ingester applies: bulk scalar and tensor groups, per-tag
groups of values parsed one by one, and the few records the ingester must see whole. A pure function of the
bytes (and of the run's known tag kinds), so it can run in a worker process.

Order of work: framing; bulk scalars (:mod:`telescope.ingest.fastdecode`); fixed-layout tensor records grouped by
layout (:mod:`telescope.ingest.tensorgroups`); then every other record parsed one by one, in file order. A
one-value record of a tag whose kind is known and of the tensors or blobs class is decoded there and added to
its tag's group (arrays, or located blob items); any other record (a tag's first value, several values, session
logs, a value that fails to decode) goes back whole as a :class:`SlowRecord`, its tensors- and blobs-class
values decoded and their bytes stripped (:func:`telescope.ingest.payloads.predecode_record`). Last, each bulk
tensor group is decoded by the kind that owns its tag (``decode_batch``), or parsed one by one if it has none or
refuses. A tag's kind is what its first value in the run says, as the ingester decides it: so for a tag the run
has not seen yet, the first record of each of its tensor groups is parsed like the others, and the groups are
decided once the parse has classified the tag.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt
from google.protobuf.message import DecodeError

from telescope.ingest.classify import classify
from telescope.ingest.fastdecode import ScalarGroup, decode_scalar_groups
from telescope.ingest.histogroups import HistoCandidate, find_histo_candidates
from telescope.ingest.payloads import (
    INLINE_MAX,
    Predecoded,
    decode_blob_value,
    decode_tensor_value,
    locate,
    predecode_record,
    strip_payloads,
)
from telescope.ingest.tensorgroups import (
    MIN_GROUP,
    BlobGroup,
    BlobLocated,
    TensorCandidate,
    TensorGroup,
    find_tensor_candidates,
)
from telescope.plugins import decoder_for
from telescope.plugins.base import batch_decoder, histo_batch_decoder
from telescope.tfrecord.batch import frame_block
from telescope.tfrecord.crc import masked_crc32c
from telescope.tfrecord.framing import HEADER_SIZE, FrameProblem
from telescope.tfrecord.proto import event_pb2

if TYPE_CHECKING:
    from telescope.plugins.base import BatchDecoder, HistoBatchDecoder

# Off: tensor records are parsed one by one (the tests compare both ways).
BULK_TENSORS = True

Kinds = dict[str, tuple[str, str]]


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
    tensor_groups: list[TensorGroup] = field(default_factory=list)
    blob_groups: list[BlobGroup] = field(default_factory=list)
    slow: list[SlowRecord] = field(default_factory=list)  # in record order
    record_offsets: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # absolute
    first_wall_time: float | None = None
    min_wall_time: float | None = None
    max_wall_time: float | None = None


def _crc_problem(base_offset: int, start: int, length: int) -> FrameProblem:
    return FrameProblem(
        base_offset + start - HEADER_SIZE, "data_crc", f"record payload checksum mismatch ({length} bytes skipped)"
    )


Candidate = TensorCandidate | HistoCandidate


def _decoder(cand: Candidate, kind: tuple[str, str] | None) -> BatchDecoder | HistoBatchDecoder | None:
    """The batch decoder of the kind that owns a tag of ``kind`` for records like ``cand`` (None: its values
    are decoded one by one)."""
    if kind is None or kind[1] != "tensors":
        return None
    plugin = decoder_for(kind[0])
    if plugin is None or plugin.storage_class != "tensors":
        return None
    return batch_decoder(plugin) if isinstance(cand, TensorCandidate) else histo_batch_decoder(plugin)


def _decode_group(
    cand: Candidate, kind: tuple[str, str], decode: BatchDecoder | HistoBatchDecoder
) -> TensorGroup | None:
    """``cand`` decoded by its kind, or None if the kind refuses (its records are then parsed one by one)."""
    n = len(cand.record_index)
    values: npt.NDArray[np.generic] | list[npt.NDArray[np.generic]]
    try:
        if isinstance(cand, TensorCandidate):
            template = event_pb2.Event.FromString(cand.template).summary.value[0]
            values = cast("BatchDecoder", decode)(template, cand.contents)
            if not isinstance(values, np.ndarray) or values.ndim < 1 or len(values) != n:
                return None
        else:
            histo = cast("HistoBatchDecoder", decode)
            values = histo(cand.mins, cand.maxs, cand.limits, cand.counts, cand.sizes)
            if len(values) != n:
                return None
    except (DecodeError, ValueError, TypeError):
        return None
    return TensorGroup(
        tag=cand.tag,
        plugin=kind[0],
        storage_class=kind[1],
        template=cand.template,
        record_index=cand.record_index,
        steps=cand.steps,
        wall_times=cand.wall_times,
        values=values,
    )


class _Parser:
    """Parses records one by one into a block (checksum, protobuf, wall time, predecoding)."""

    def __init__(
        self,
        data: bytes,
        base_offset: int,
        frames_starts: np.ndarray,
        frames_lengths: np.ndarray,
        block: DecodedBlock,
        kinds: Kinds | None,
    ) -> None:
        self.data = data
        self.view = memoryview(data)
        self.base_offset = base_offset
        self.starts_list: list[int] = frames_starts.tolist()
        self.lengths_list: list[int] = frames_lengths.tolist()
        self.block = block
        self.kinds = kinds
        self.walls: list[float] = []
        # Scalar groups of tags the run has not seen, by first record: classified in file order with the parsed
        # records, so that a tag's kind is that of its first value wherever that value was decoded.
        self.unclassified = (
            []
            if kinds is None
            else sorted((int(g.record_index[0]), k) for k, g in enumerate(block.groups) if g.tag not in kinds)
        )
        self.next_unclassified = 0
        self.collected: dict[str, _Collected] = {}

    def classify_groups_before(self, index: int | None) -> None:
        """Classify the unclassified scalar groups whose first record comes before ``index`` (None: all)."""
        assert self.kinds is not None
        pending = self.unclassified
        while self.next_unclassified < len(pending) and (index is None or pending[self.next_unclassified][0] < index):
            group = self.block.groups[pending[self.next_unclassified][1]]
            self.next_unclassified += 1
            if group.tag not in self.kinds:
                value = event_pb2.Event.FromString(group.template).summary.value[0]
                kind = classify(value, group.tag)
                self.kinds[group.tag] = (kind.plugin, kind.storage_class)

    def parse(self, indices: list[int]) -> None:
        block, view, kinds = self.block, self.view, self.kinds
        starts, lengths = self.starts_list, self.lengths_list
        parse = event_pb2.Event.FromString
        isfinite = math.isfinite
        for i in indices:
            s = starts[i]
            length = lengths[i]
            if masked_crc32c(view[s : s + length]) != int.from_bytes(view[s + length : s + length + 4], "little"):
                block.problems.append(_crc_problem(self.base_offset, s, length))
                continue
            offset = self.base_offset + s - HEADER_SIZE
            try:
                event = parse(view[s : s + length])  # type: ignore[arg-type]  # upb takes buffers
            except DecodeError as e:
                block.problems.append(FrameProblem(offset, "bad_event", f"record is not an Event: {e}"))
                continue
            wall = event.wall_time
            if not isfinite(wall):
                block.problems.append(FrameProblem(offset, "bad_wall_time", f"wall_time is {wall}; skipped"))
                continue
            self.walls.append(wall)
            if kinds is None:
                block.slow.append(SlowRecord(i, offset, event))
                continue
            if self.next_unclassified < len(self.unclassified):
                self.classify_groups_before(i)
            if self.collect(i, event, s, length, offset):
                continue
            payload = self.data[s : s + length] if length >= INLINE_MAX else None
            block.slow.append(SlowRecord(i, offset, event, predecode_record(event, payload, offset, kinds)))

    def collect(self, i: int, event: event_pb2.Event, s: int, length: int, offset: int) -> bool:
        """Decode a one-value event of a tag of a known tensors or blobs kind into its tag's parsed group (no
        per-record object goes back to the ingester); False for any other event, or a value that fails to
        decode (the slow path then reports it)."""
        if event.WhichOneof("what") != "summary":
            return False
        values = event.summary.value
        if len(values) != 1:
            return False
        assert self.kinds is not None
        value = values[0]
        tag = value.tag or value.node_name
        kind = self.kinds.get(tag)
        if kind is None:
            return False  # its first value: it classifies the tag (see predecode_record)
        plugin, storage = kind
        item: npt.NDArray[np.generic] | list[BlobLocated]
        try:
            if storage == "tensors":
                item = decode_tensor_value(plugin, value)
            elif storage == "blobs":
                payload = self.data[s : s + length] if length >= INLINE_MAX else None
                item = [locate(b, payload, offset) for b in decode_blob_value(plugin, value)]
            else:
                return False
        except (ValueError, TypeError):
            return False
        acc = self.collected.get(tag)
        if acc is None:
            template = event_pb2.Event()
            template.CopyFrom(event)
            strip_payloads(template)
            acc = self.collected[tag] = _Collected(plugin, storage, template.SerializeToString())
        acc.index.append(i)
        acc.steps.append(event.step)
        acc.walls.append(event.wall_time)
        acc.items.append(item)
        return True

    def finish(self) -> None:
        """Turn the parsed groups into the block's tensor and blob groups."""
        for tag, acc in self.collected.items():
            idx = np.asarray(acc.index, dtype=np.int64)
            steps = np.asarray(acc.steps, dtype=np.int64)
            walls = np.asarray(acc.walls, dtype=np.float64)
            items = acc.items
            if len(idx) > 1 and (idx[1:] < idx[:-1]).any():  # records parsed again after the others
                order = np.argsort(idx, kind="stable")
                idx, steps, walls = idx[order], steps[order], walls[order]
                items = [items[k] for k in order.tolist()]
            if acc.storage_class == "tensors":
                values = cast("list[npt.NDArray[np.generic]]", items)
                group = TensorGroup(tag, acc.plugin, acc.storage_class, acc.template, idx, steps, walls, values)
                self.block.tensor_groups.append(group)
            else:
                located = cast("list[list[BlobLocated]]", items)
                blob = BlobGroup(tag, acc.plugin, acc.storage_class, acc.template, idx, steps, walls, located)
                self.block.blob_groups.append(blob)


@dataclass
class _Collected:
    plugin: str
    storage_class: str
    template: bytes
    index: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    items: list[npt.NDArray[np.generic] | list[BlobLocated]] = field(default_factory=list)


def decode_block(data: bytes, base_offset: int, kinds: Kinds | None = None) -> DecodedBlock:
    """Frame, verify and decode ``data`` (a file's bytes from ``base_offset``). ``kinds`` maps the run's known
    tags to ``(plugin, storage class)``: values of the tensors and blobs classes are then decoded here too (see
    :func:`telescope.ingest.payloads.predecode_record`), and tensor records of a fixed layout in bulk. ``kinds``
    gains the tags classified on the way."""
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
    candidates: list[Candidate] = []
    if kinds is not None and BULK_TENSORS:
        todo = np.flatnonzero(~done)
        if len(todo) >= MIN_GROUP:
            tensor_candidates, bad = find_tensor_candidates(buf, frames.starts, frames.lengths, todo)
            corrupt[bad] = True
            done[bad] = True
            claimed = done.copy()
            for tc in tensor_candidates:
                claimed[tc.record_index] = True
            histo_candidates, bad = find_histo_candidates(buf, frames.starts, frames.lengths, np.flatnonzero(~claimed))
            corrupt[bad] = True
            done[bad] = True
            candidates = [*tensor_candidates, *histo_candidates]
    for i in np.flatnonzero(corrupt).tolist():
        block.problems.append(_crc_problem(base_offset, int(frames.starts[i]), int(frames.lengths[i])))
    ready: list[tuple[Candidate, tuple[str, str], BatchDecoder | HistoBatchDecoder]] = []
    deferred: list[Candidate] = []
    if kinds is not None:
        for cand in candidates:
            kind = kinds.get(cand.tag)
            if kind is None:
                # The tag is new to the run: its first value (parsed below) decides its kind.
                cand = cand.without_first()
                if len(cand.record_index):
                    deferred.append(cand)
                    done[cand.record_index] = True
                continue
            decode = _decoder(cand, kind)
            if decode is not None:
                ready.append((cand, kind, decode))
                done[cand.record_index] = True
    parser = _Parser(data, base_offset, frames.starts, frames.lengths, block, kinds)
    parser.parse(np.flatnonzero(~done).tolist())
    retry: list[np.ndarray] = []
    if kinds is not None:
        parser.classify_groups_before(None)
        for cand in deferred:
            kind = kinds.get(cand.tag)
            decode = _decoder(cand, kind)
            if kind is None or decode is None:
                retry.append(cand.record_index)
            else:
                ready.append((cand, kind, decode))
    for cand, kind, decode in ready:
        group = _decode_group(cand, kind, decode)
        if group is None:
            retry.append(cand.record_index)
        else:
            block.tensor_groups.append(group)
    if retry:
        parser.parse(np.sort(np.concatenate(retry)).tolist())
        block.slow.sort(key=lambda r: r.record_index)
    parser.finish()
    walls = parser.walls
    if block.n_records:
        bulk: list[ScalarGroup | TensorGroup | BlobGroup] = [*groups, *block.tensor_groups, *block.blob_groups]
        lo = [g.wall_times.min() for g in bulk] + ([min(walls)] if walls else [])
        hi = [g.wall_times.max() for g in bulk] + ([max(walls)] if walls else [])
        if lo:
            block.min_wall_time = float(min(lo))
            block.max_wall_time = float(max(hi))
        first = None
        if block.slow and block.slow[0].record_index == 0:
            first = block.slow[0].event.wall_time
        else:
            for g in bulk:
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
