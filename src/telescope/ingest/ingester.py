"""The ingester: polls the logdir, reads what is new in each event file, and commits it to the store.

One pass (:meth:`Ingester.poll_once`) discovers files, then for each file with unread bytes reads them in
blocks; each block's points, restarts, problems and the file's new offset are committed in one transaction.

Restart rules (see docs/restarts.md):

* a ``SessionLog`` START at step *s* hides every point of that run, in all tags, at step ≥ *s* that was
  ingested before it;
* a tag whose step goes back (to a step lower than its previous point) without a marker is a restart of
  that tag: its earlier points at step ≥ the new step are hidden. The exception is two writers active at the
  same time on one run: a step going back in a *different* file at a wall time *earlier* than the previous
  point is a concurrent writer, and every point is kept;
* repeated points at one step are all kept.
Hidden points stay in the store (queries can include them).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

from telescope.ingest.discovery import FoundFile, discover
from telescope.plugins import load_plugins
from telescope.store import (
    BlobAppend,
    FileState,
    IngestBatch,
    ProblemRow,
    PurgeRow,
    ScalarAppend,
    SeriesState,
    Store,
    TensorAppend,
)

if TYPE_CHECKING:
    from telescope.ingest.blockdecode import DecodedBlock, SlowRecord
    from telescope.ingest.fastdecode import ScalarGroup
    from telescope.ingest.payloads import Predecoded
    from telescope.ingest.tensorgroups import BlobGroup, BlobLocated, TensorGroup
    from telescope.tfrecord.proto import summary_pb2

# The decoding stack (protobuf, the kinds' decoders, the bulk decoders) is imported inside the methods that read a
# file, by the first file with unread bytes: a server restarted on an index that is up to date never needs it, and
# starts answering that much sooner.

logger = logging.getLogger(__name__)

BLOCK_BYTES = 16 << 20
# Below this much unread data, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 48 << 20
# Smaller blocks in worker processes keep the memory of decoded blocks in flight low (what they send back is
# compact: bulk arrays, located blob items, stripped events); larger ones mean fewer commits in the main process.
PARALLEL_BLOCK_BYTES = 8 << 20
# A pass that read this much checkpoints the index's WAL at its end.
CHECKPOINT_AFTER_BYTES = 64 << 20


@dataclass
class Changes:
    """What one poll added, for the live-update stream."""

    tags: set[tuple[str, str, str]] = field(default_factory=set)  # (run, tag, plugin)
    new_runs: set[str] = field(default_factory=set)
    problems: int = 0

    def __bool__(self) -> bool:
        return bool(self.tags or self.new_runs or self.problems)


@dataclass
class IngestProgress:
    state: str = "starting"  # "starting" | "indexing" | "live"
    files: int = 0
    bytes_total: int = 0
    bytes_read: int = 0
    last_poll: float | None = None
    discovery_errors: list[str] = field(default_factory=list)


class Ingester:
    """Reads a logdir, or several, into a store, once or continuously."""

    def __init__(
        self,
        logdir: str | Path | Sequence[tuple[str, str | Path]],
        store: Store,
        *,
        on_change: Callable[[Changes], None] | None = None,
        block_bytes: int = BLOCK_BYTES,
        workers: int | None = None,
    ) -> None:
        """``workers`` > 1 decodes big first loads in that many processes (see :func:`default_workers`); the
        calling program's main module must then be import-safe (``if __name__ == "__main__":``).

        ``logdir`` is one path, or ``(name, path)`` pairs for several logdirs whose runs are then named
        ``name/relpath`` (see :mod:`.discovery`); ``logdir`` is then the first of them."""
        if isinstance(logdir, str | Path):
            self.roots: list[tuple[str, Path]] = [("", Path(logdir).expanduser().resolve())]
        else:
            self.roots = [(name, Path(root).expanduser().resolve()) for name, root in logdir]
            if not self.roots:
                raise ValueError("no logdir given")
            for name, _ in self.roots:
                # A name is the first part of run names and file paths: it must not lead out of its root.
                if (name == "" and len(self.roots) > 1) or name in (".", "..") or "/" in name or "\\" in name:
                    raise ValueError(f"{name!r} cannot name one of several logdirs")
        self.logdir = self.roots[0][1]
        self.store = store
        self.on_change = on_change
        self.block_bytes = block_bytes
        self.workers = 1 if workers is None else workers
        self.progress = IngestProgress()
        self._files = store.load_files()
        self._series = store.load_series()
        self._known_runs = {f.run for f in self._files.values()} | {s.run for s in self._series.values()}
        self._seq = store.next_seq()
        self._plugins = load_plugins()
        self._stop = threading.Event()
        self._checkpoint_due = False

    def _parallel(self, pending: list[FoundFile]) -> bool:
        """Whether to decode ``pending`` in worker processes."""
        pending_bytes = sum(f.size - self._offset(f.path) for f in pending)
        return self.workers > 1 and pending_bytes >= PARALLEL_MIN_BYTES and len({f.run for f in pending}) > 1

    # -- driving ------------------------------------------------------------------------------------------

    def run_forever(self, interval: float = 1.0) -> None:
        """Poll until :meth:`stop`; an unexpected error is logged and the next poll tries again."""
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                logger.exception("ingest pass failed; retrying")
            self._stop.wait(interval)

    def stop(self) -> None:
        self._stop.set()

    def poll_once(self) -> Changes:
        """Discover files and read everything new in them."""
        changes = Changes()
        if not any(root.is_dir() for _, root in self.roots):
            self.progress.state = "live"
            self.progress.last_poll = time.time()
            return changes
        found = discover(self.logdir if self.roots[0][0] == "" else self.roots)
        self.progress.discovery_errors = found.errors
        self.progress.files = len(found.files)
        self.progress.bytes_total = sum(f.size for f in found.files)
        pending = [f for f in found.files if self._needs_read(f)]
        self.progress.bytes_read = self.progress.bytes_total - sum(f.size - self._offset(f.path) for f in pending)
        if pending and self.progress.state != "live":
            self.progress.state = "indexing"
        pending_bytes = sum(f.size - self._offset(f.path) for f in pending)
        if self._parallel(pending):
            self._read_parallel(pending, changes)
        else:
            for f in pending:
                if self._stop.is_set():
                    break
                self._read_file(f, changes)
        self.progress.state = "live"
        self.progress.bytes_read = sum(min(s.offset, s.size) for s in self._files.values())
        self.progress.last_poll = time.time()
        if pending_bytes >= CHECKPOINT_AFTER_BYTES:
            # Commits checkpoint rarely (see Store): after a big load, copy the WAL to the database once, while
            # the data is already served; again at the next polls while readers kept it from being emptied.
            self._checkpoint_due = True
        if self._checkpoint_due:
            self._checkpoint_due = not self.store.checkpoint()
        return changes

    def _offset(self, path: str) -> int:
        st = self._files.get(path)
        return 0 if st is None else st.offset

    def _needs_read(self, f: FoundFile) -> bool:
        st = self._files.get(f.path)
        if st is None:
            return True
        if f.size < st.offset:
            logger.warning("%s shrank from %d to %d bytes; keeping the old offset", f.path, st.offset, f.size)
            return False
        if st.stalled_at is not None and f.size == st.size:
            return False  # a bad header with nothing after it yet: wait for the file to grow
        return f.size > st.offset

    # -- one file ---------------------------------------------------------------------------------------------

    def _read_file(self, found: FoundFile, changes: Changes) -> None:
        from telescope.ingest.blockdecode import read_block

        state = self._file_state(found, changes)
        size = found.size
        block = self.block_bytes
        while state.offset < size and not self._stop.is_set():
            try:
                decoded, partial = read_block(found.abspath, state.offset, size, block, self._kinds(found.run))
            except OSError as e:
                self._commit_problem(state, ProblemRow(found.path, state.offset, "unreadable", f"cannot read: {e}"))
                return
            if decoded is None:
                break
            self.apply_block(state, decoded, size=size, mtime=found.mtime, changes=changes)
            if decoded.stalled_at is not None:
                if not partial:
                    break  # a bad header with nothing valid after it yet: wait for the file to grow
                block *= 2  # the next valid record may lie beyond this block
        self._finish_file(state, size)

    def _finish_file(self, state: FileState, size: int) -> None:
        state.size = size
        if state.id is None:  # nothing read (empty or only a partial record): still record the file
            batch = IngestBatch(files=[state], next_seq=self._seq)
            if size == 0:
                batch.problems.append(ProblemRow(state.path, 0, "empty_file", "the event file is empty (0 bytes)"))
            self.store.commit(batch)

    def _file_state(self, found: FoundFile, changes: Changes) -> FileState:
        state = self._files.get(found.path)
        if state is None:
            state = FileState(path=found.path, run=found.run)
            self._files[found.path] = state
        if found.run not in self._known_runs:
            self._known_runs.add(found.run)
            changes.new_runs.add(found.run)
        return state

    def _read_parallel(self, pending: list[FoundFile], changes: Changes) -> None:
        """Decode blocks in worker processes (runs in parallel, each run's files and blocks in order) and
        apply them here, the only writer of the index."""
        from collections import deque

        from telescope.ingest.blockdecode import read_block
        from telescope.ingest.workers import shutdown_pool, worker_pool

        pool = worker_pool(self.workers)
        queues: dict[str, deque[FoundFile]] = {}
        for f in pending:
            queues.setdefault(f.run, deque()).append(f)
        runs = deque(queues)
        in_flight: dict[Future[tuple[DecodedBlock | None, bool]], tuple[FoundFile, FileState, int]] = {}

        def submit_next(run: str) -> bool:
            q = queues[run]
            while q:
                found = q[0]
                state = self._file_state(found, changes)
                if state.offset >= found.size:
                    q.popleft()
                    self._finish_file(state, found.size)
                    continue
                block = min(self.block_bytes, PARALLEL_BLOCK_BYTES)
                fut = pool.submit(read_block, found.abspath, state.offset, found.size, block, self._kinds(found.run))
                in_flight[fut] = (found, state, block)
                return True
            return False

        while (runs or in_flight) and not self._stop.is_set():
            while runs and len(in_flight) < self.workers + 1:
                submit_next(runs.popleft())  # a run holds one slot until all its files are read
            if not in_flight:
                break
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in finished:
                found, state, _block = in_flight.pop(fut)
                try:
                    decoded, partial = fut.result()
                except OSError as e:
                    problem = ProblemRow(found.path, state.offset, "unreadable", f"cannot read: {e}")
                    self._commit_problem(state, problem)
                    decoded, partial = None, False
                if decoded is not None:
                    self.apply_block(state, decoded, size=found.size, mtime=found.mtime, changes=changes)
                    if decoded.stalled_at is not None and partial:
                        self._read_file(found, changes)  # rare: resynchronise on this thread
                        partial = False
                if decoded is None or not partial or decoded.stalled_at is not None:
                    queues[found.run].popleft()
                    self._finish_file(state, found.size)
                submit_next(found.run)
        for fut in in_flight:
            fut.cancel()
        # Big loads are rare (the first start, a big new run): give the workers' memory back until the next.
        shutdown_pool()

    def _kinds(self, run: str) -> dict[str, tuple[str, str]]:
        """``(plugin, storage class)`` of each known tag of ``run``, for decoding its next block."""
        return {tag: (s.plugin, s.storage_class) for (r, tag), s in self._series.items() if r == run}

    def _commit_problem(self, state: FileState, problem: ProblemRow) -> None:
        self.store.commit(IngestBatch(files=[state], problems=[problem], next_seq=self._seq))

    def _publish(self, changes: Changes) -> None:
        if self.on_change is not None and changes:
            try:
                self.on_change(changes)
            except Exception:
                logger.exception("live-update listener failed")

    # -- applying a decoded block ----------------------------------------------------------------------------

    def apply_block(self, state: FileState, block: DecodedBlock, *, size: int, mtime: float, changes: Changes) -> None:
        """Turn a decoded block into one committed batch: series, points, restarts, problems, new offset."""
        from telescope.ingest.classify import classify
        from telescope.ingest.payloads import event_values
        from telescope.tfrecord.proto import event_pb2

        batch = IngestBatch()
        run = state.run
        base = self._seq
        self._seq += block.n_records
        state.records += block.n_records
        for p in block.problems:
            batch.problems.append(ProblemRow(state.path, p.offset, p.kind, p.message, p.gap))
            if p.offset != state.stalled_at:
                state.skipped += 1
                changes.problems += 1
        # Series are classified by their first value in file order.
        firsts: list[tuple[int, str, summary_pb2.Summary.Value | None, ScalarGroup | TensorGroup | BlobGroup | None]]
        firsts = []
        for g in block.groups:
            firsts.append((int(g.record_index[0]), g.tag, None, g))
        payload_groups: list[TensorGroup | BlobGroup] = [*block.tensor_groups, *block.blob_groups]
        for pg in payload_groups:
            firsts.append((int(pg.record_index[0]), pg.tag, None, pg))
        event_vals: list[list[summary_pb2.Summary.Value]] = []
        for rec in block.slow:
            ev = rec.event
            what = ev.WhichOneof("what")
            event_vals.append(event_values(ev))
            for v in event_vals[-1]:
                firsts.append((rec.record_index, v.tag or v.node_name, v, None))
            if what == "file_version":
                if state.file_version is None:
                    state.file_version = ev.file_version
            elif what == "session_log" and ev.session_log.status == event_pb2.SessionLog.START:
                batch.purges.append(
                    PurgeRow(run, None, ev.step, base + rec.record_index, "session_start", state.path, rec.offset)
                )
        firsts.sort(key=lambda c: c[0])
        touched: dict[str, SeriesState] = {}
        for _, tag, value, group in firsts:
            series = self._series.get((run, tag))
            if series is None:
                if value is None:
                    assert group is not None
                    value = event_pb2.Event.FromString(group.template).summary.value[0]
                kind = classify(value, tag)
                series = SeriesState(
                    run=run,
                    tag=tag,
                    plugin=kind.plugin,
                    storage_class=kind.storage_class,
                    display_name=kind.display_name,
                    description=kind.description,
                    content=kind.content,
                )
                self._series[(run, tag)] = series
            touched[tag] = series
        # Scalar points per tag, from bulk groups and parsed records.
        parts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = {}
        for g in block.groups:
            series = touched[g.tag]
            if self._is_scalar(series):
                parts.setdefault(g.tag, []).append((g.record_index, g.steps, g.wall_times, g.values))
            else:
                series.count += len(g.record_index)
        # Points of the tensors and blobs classes per tag, from groups and from values parsed one by one.
        payload_parts: dict[str, _PayloadParts] = {}
        for pg in payload_groups:
            series = touched[pg.tag]
            if (series.plugin, series.storage_class) != (pg.plugin, pg.storage_class):
                # Not expected: a block is decoded with its run's kinds as they are when it is applied.
                for k, i in enumerate(pg.record_index.tolist()):
                    message = f"tag {pg.tag!r} step {int(pg.steps[k])}: decoded as {pg.plugin!r}, not {series.plugin!r}"
                    batch.problems.append(ProblemRow(state.path, int(block.record_offsets[i]), "bad_value", message))
                continue
            payload_parts.setdefault(pg.tag, _PayloadParts()).groups.append(pg)
            changes.tags.add((run, pg.tag, series.plugin))
        for rec, rec_values in zip(block.slow, event_vals, strict=True):
            ev = rec.event
            for k, v in enumerate(rec_values):
                tag = v.tag or v.node_name
                series = touched[tag]
                if not self._is_scalar(series):
                    pre = None if rec.predecoded is None else rec.predecoded[k]
                    self._add_payload(state, series, rec, v, pre, batch, payload_parts, changes)
                    continue
                try:
                    number = self._plugins[series.plugin].decode(v)
                except ValueError as e:
                    batch.problems.append(
                        ProblemRow(state.path, rec.offset, "bad_value", f"tag {tag!r} step {ev.step}: {e}")
                    )
                    continue
                parts.setdefault(tag, []).append(
                    (
                        np.array([rec.record_index], dtype=np.int64),
                        np.array([ev.step], dtype=np.int64),
                        np.array([ev.wall_time], dtype=np.float64),
                        np.array([number], dtype=np.float64),
                    )
                )
        for tag, pieces in parts.items():
            series = touched[tag]
            if len(pieces) == 1:
                idx, steps, walls, values = pieces[0]
            else:
                idx = np.concatenate([p[0] for p in pieces])
                order = np.argsort(idx, kind="stable")
                idx = idx[order]
                steps = np.concatenate([p[1] for p in pieces])[order]
                walls = np.concatenate([p[2] for p in pieces])[order]
                values = np.concatenate([p[3] for p in pieces])[order]
            seqs = idx + base
            self._restarts(series, state.path, steps, walls, seqs, block.record_offsets[idx], batch)
            batch.scalars.append(
                ScalarAppend(run=run, tag=tag, steps=steps, wall_times=walls, values=values, seqs=seqs)
            )
            series.count += len(steps)
            series.last_step = int(steps[-1])
            series.last_wall_time = float(walls[-1])
            series.last_file = state.path
            changes.tags.add((run, tag, series.plugin))
        for tag, pparts in payload_parts.items():
            series = touched[tag]
            idx, steps, walls, pvalues = pparts.merged()
            seqs = idx + base
            self._restarts(series, state.path, steps, walls, seqs, block.record_offsets[idx], batch)
            self._advance(series, state.path, int(steps[-1]), float(walls[-1]), len(steps))
            if series.storage_class == "tensors":
                arrays = cast("list[npt.NDArray[np.generic]] | npt.NDArray[np.generic]", pvalues)
                batch.tensors.append(TensorAppend(run, tag, steps, walls, seqs, arrays))
                continue
            located = cast("list[list[BlobLocated]]", pvalues)
            for step, wall, seq, items in zip(steps.tolist(), walls.tolist(), seqs.tolist(), located, strict=True):
                for index, (offset, length, crc, data, meta) in enumerate(items):
                    batch.blobs.append(
                        BlobAppend(run, tag, step, wall, seq, index, state.path, offset, length, crc, data, meta)
                    )
        if block.first_wall_time is not None and block.min_wall_time is not None and block.max_wall_time is not None:
            batch.runs[run] = (block.first_wall_time, block.min_wall_time, block.max_wall_time)
        batch.series.extend(touched.values())
        state.stalled_at = block.stalled_at
        state.offset = block.end
        state.size = size
        state.mtime = mtime
        batch.files.append(state)
        batch.next_seq = self._seq
        self.store.commit(batch)
        self._publish(changes)

    def _add_payload(
        self,
        state: FileState,
        series: SeriesState,
        rec: SlowRecord,
        value: summary_pb2.Summary.Value,
        pre: Predecoded | None,
        batch: IngestBatch,
        payload_parts: dict[str, _PayloadParts],
        changes: Changes,
    ) -> None:
        """Add one value of the tensors or blobs class to its tag's parts (a bad value becomes a problem in
        ``batch``). ``pre`` is the value as decoded with its block; without it (or decoded for another kind) it
        is decoded here."""
        from telescope.ingest.payloads import Predecoded, decode_blob_value, decode_tensor_value, locate

        ev = rec.event
        tag = series.tag
        if series.storage_class not in ("tensors", "blobs"):
            series.count += 1  # no storage class: counted, shown nowhere
            return
        if pre is None or (pre.plugin, pre.storage_class) != (series.plugin, series.storage_class):
            pre = Predecoded(series.plugin, series.storage_class)
            try:
                if series.storage_class == "tensors":
                    pre.array = decode_tensor_value(series.plugin, value)
                else:
                    items = decode_blob_value(series.plugin, value)
                    pre.blobs = [locate(item, None, rec.offset) for item in items]
            except (ValueError, TypeError) as e:
                pre.error = str(e)
        if pre.error is not None:
            batch.problems.append(
                ProblemRow(state.path, rec.offset, "bad_value", f"tag {tag!r} step {ev.step}: {pre.error}")
            )
            return
        changes.tags.add((series.run, tag, series.plugin))
        parts = payload_parts.get(tag)
        if parts is None:
            parts = payload_parts[tag] = _PayloadParts()
        parts.index.append(rec.record_index)
        parts.steps.append(ev.step)
        parts.wall_times.append(ev.wall_time)
        if series.storage_class == "tensors":
            assert pre.array is not None
            parts.values.append(pre.array)
        else:
            parts.values.append(pre.blobs or [])

    @staticmethod
    def _advance(series: SeriesState, path: str, step: int, wall_time: float, count: int) -> None:
        series.count += count
        series.last_step = int(step)
        series.last_wall_time = float(wall_time)
        series.last_file = path

    def _is_scalar(self, series: SeriesState) -> bool:
        plugin = self._plugins.get(series.plugin)
        return plugin is not None and plugin.storage_class == "scalars" and series.storage_class == "scalars"

    @staticmethod
    def _restarts(
        series: SeriesState,
        path: str,
        steps: np.ndarray,
        walls: np.ndarray,
        seqs: np.ndarray,
        offsets: np.ndarray,
        batch: IngestBatch,
    ) -> None:
        """A step lower than the tag's previous one is a restart of that tag, unless it comes from another
        file written at the same time (an earlier wall time than the previous point: a concurrent writer)."""
        prev = np.empty_like(steps)
        prev[1:] = steps[:-1]
        prev[0] = steps[0] if series.last_step is None else series.last_step
        back = steps < prev
        if (
            back[0]
            and series.last_file is not None
            and series.last_file != path
            and series.last_wall_time is not None
            and walls[0] < series.last_wall_time
        ):
            back[0] = False
        for k in np.flatnonzero(back).tolist():
            batch.purges.append(
                PurgeRow(series.run, series.tag, int(steps[k]), int(seqs[k]), "step_back", path, int(offsets[k]))
            )


@dataclass
class _PayloadParts:
    """The new points of one tensors- or blobs-class series in a block: groups, and values parsed one by one."""

    groups: list[TensorGroup | BlobGroup] = field(default_factory=list)
    index: list[int] = field(default_factory=list)  # record positions in the block of the values parsed one by one
    steps: list[int] = field(default_factory=list)
    wall_times: list[float] = field(default_factory=list)
    values: list[npt.NDArray[np.generic] | list[BlobLocated]] = field(default_factory=list)  # array, or blob items

    def merged(
        self,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[npt.NDArray[np.generic] | list[BlobLocated]] | np.ndarray]:
        """Record positions, steps, wall times and values of every point, in file order. The values are one
        stacked array when they all come from tensor groups decoded in bulk into arrays of one dtype and shape
        (the store then packs them at once), else a list."""
        from telescope.ingest.tensorgroups import TensorGroup

        idx = [np.asarray(self.index, dtype=np.int64), *(g.record_index for g in self.groups)]
        steps = [np.asarray(self.steps, dtype=np.int64), *(g.steps for g in self.groups)]
        walls = [np.asarray(self.wall_times, dtype=np.float64), *(g.wall_times for g in self.groups)]
        stacked = [g.values for g in self.groups if isinstance(g, TensorGroup) and isinstance(g.values, np.ndarray)]
        if (
            not self.index
            and stacked
            and len(stacked) == len(self.groups)
            and all(a.dtype == stacked[0].dtype and a.shape[1:] == stacked[0].shape[1:] for a in stacked)
        ):
            if len(stacked) == 1:
                return idx[1], steps[1], walls[1], stacked[0]
            all_idx = np.concatenate(idx[1:])
            order = np.argsort(all_idx, kind="stable")
            arrays = np.concatenate(stacked)
            return all_idx[order], np.concatenate(steps[1:])[order], np.concatenate(walls[1:])[order], arrays[order]
        values = list(self.values)
        for g in self.groups:
            values.extend(g.values if isinstance(g, TensorGroup) else g.items)
        if not self.groups:
            return idx[0], steps[0], walls[0], values
        all_idx = np.concatenate(idx)
        order = np.argsort(all_idx, kind="stable")
        if (order == np.arange(len(order))).all():
            return all_idx, np.concatenate(steps), np.concatenate(walls), values
        return (
            all_idx[order],
            np.concatenate(steps)[order],
            np.concatenate(walls)[order],
            [values[k] for k in order.tolist()],
        )


def ingest_logdir(logdir: str | Path, store: Store) -> Ingester:
    """Read everything under ``logdir`` once (for scripts and the read API)."""
    ingester = Ingester(logdir, store)
    ingester.poll_once()
    return ingester
