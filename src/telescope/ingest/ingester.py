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
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf.message import DecodeError

from telescope.ingest.classify import classify
from telescope.ingest.discovery import FoundFile, discover
from telescope.plugins import load_plugins
from telescope.store import (
    FileState,
    IngestBatch,
    ProblemRow,
    PurgeRow,
    ScalarAppend,
    SeriesState,
    Store,
)
from telescope.tfrecord.framing import read_frames
from telescope.tfrecord.proto import event_pb2

logger = logging.getLogger(__name__)

BLOCK_BYTES = 16 << 20
_SESSION_START = event_pb2.SessionLog.START


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
    """Reads a logdir into a store, once or continuously."""

    def __init__(
        self,
        logdir: str | Path,
        store: Store,
        *,
        on_change: Callable[[Changes], None] | None = None,
        block_bytes: int = BLOCK_BYTES,
    ) -> None:
        self.logdir = Path(logdir).expanduser().resolve()
        self.store = store
        self.on_change = on_change
        self.block_bytes = block_bytes
        self.progress = IngestProgress()
        self._files = store.load_files()
        self._series = store.load_series()
        self._known_runs = {f.run for f in self._files.values()} | {s.run for s in self._series.values()}
        self._seq = store.next_seq()
        self._plugins = load_plugins()
        self._stop = threading.Event()

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
        if not self.logdir.is_dir():
            self.progress.state = "live"
            self.progress.last_poll = time.time()
            return changes
        found = discover(self.logdir)
        self.progress.discovery_errors = found.errors
        self.progress.files = len(found.files)
        self.progress.bytes_total = sum(f.size for f in found.files)
        pending = [f for f in found.files if self._needs_read(f)]
        self.progress.bytes_read = self.progress.bytes_total - sum(f.size - self._offset(f.path) for f in pending)
        if pending and self.progress.state != "live":
            self.progress.state = "indexing"
        for f in pending:
            if self._stop.is_set():
                break
            self._read_file(f, changes)
        self.progress.state = "live"
        self.progress.bytes_read = sum(min(s.offset, s.size) for s in self._files.values())
        self.progress.last_poll = time.time()
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
        state = self._files.get(found.path)
        if state is None:
            state = FileState(path=found.path, run=found.run)
            self._files[found.path] = state
        if found.run not in self._known_runs:
            self._known_runs.add(found.run)
            changes.new_runs.add(found.run)
        try:
            fh = open(found.abspath, "rb")  # noqa: SIM115 - closed below, kept open across blocks
        except OSError as e:
            self._commit_problem(state, ProblemRow(found.path, state.offset, "unreadable", f"cannot open: {e}"))
            return
        with fh:
            size = found.size
            block = self.block_bytes
            while state.offset < size and not self._stop.is_set():
                remaining = size - state.offset
                want = min(block, remaining)
                fh.seek(state.offset)
                data = fh.read(want)
                if not data:
                    break
                frames = read_frames(data, state.offset)
                partial = len(data) < remaining
                if frames.end == state.offset and (not frames.problems or frames.stalled_at is not None) and partial:
                    block *= 2  # a record (or a resync search) larger than one block: read more at once
                    continue
                if frames.end == state.offset and not frames.problems:
                    break  # only a record still being written
                batch = IngestBatch()
                self._decode_frames(state, frames.payloads, frames.offsets, batch, changes)
                for p in frames.problems:
                    batch.problems.append(ProblemRow(state.path, p.offset, p.kind, p.message, p.gap))
                    if p.offset != state.stalled_at:
                        state.skipped += 1
                        changes.problems += 1
                state.stalled_at = frames.stalled_at
                state.offset = frames.end
                state.size = size
                state.mtime = found.mtime
                batch.files.append(state)
                batch.next_seq = self._seq
                self.store.commit(batch)
                self._publish(changes)
                if frames.stalled_at is not None and not partial:
                    break
                if frames.stalled_at is not None:
                    block *= 2
            state.size = size
            if state.id is None:  # nothing read (empty or only a partial record): still record the file
                batch = IngestBatch(files=[state], next_seq=self._seq)
                if size == 0:
                    batch.problems.append(ProblemRow(state.path, 0, "empty_file", "the event file is empty (0 bytes)"))
                self.store.commit(batch)

    def _commit_problem(self, state: FileState, problem: ProblemRow) -> None:
        self.store.commit(IngestBatch(files=[state], problems=[problem], next_seq=self._seq))

    def _publish(self, changes: Changes) -> None:
        if self.on_change is not None and changes:
            try:
                self.on_change(changes)
            except Exception:
                logger.exception("live-update listener failed")

    # -- events -----------------------------------------------------------------------------------------------

    def _decode_frames(
        self,
        state: FileState,
        payloads: list[memoryview],
        offsets: list[int],
        batch: IngestBatch,
        changes: Changes,
    ) -> None:
        run = state.run
        appends: dict[str, ScalarAppend] = {}
        touched: dict[str, SeriesState] = {}
        wall_lo = math.inf
        wall_hi = -math.inf
        wall_first: float | None = None
        parse = event_pb2.Event.FromString
        plugins = self._plugins
        for payload, offset in zip(payloads, offsets, strict=True):
            state.records += 1
            try:
                event = parse(payload)  # type: ignore[arg-type]  # upb parses any buffer
            except DecodeError as e:
                batch.problems.append(ProblemRow(state.path, offset, "bad_event", f"record is not an Event: {e}"))
                state.skipped += 1
                continue
            wall = event.wall_time
            if not math.isfinite(wall):
                batch.problems.append(ProblemRow(state.path, offset, "bad_wall_time", f"wall_time is {wall}"))
                state.skipped += 1
                continue
            if wall_first is None:
                wall_first = wall
            wall_lo = min(wall_lo, wall)
            wall_hi = max(wall_hi, wall)
            what = event.WhichOneof("what")
            if what == "summary":
                step = event.step
                for value in event.summary.value:
                    tag = value.tag or value.node_name
                    series = self._series.get((run, tag))
                    if series is None:
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
                    plugin = plugins.get(series.plugin)
                    if plugin is None or plugin.storage_class != "scalars" or series.storage_class != "scalars":
                        series.count += 1  # other storage classes arrive with their kinds
                        continue
                    try:
                        number = plugin.decode(value)
                    except ValueError as e:
                        batch.problems.append(
                            ProblemRow(state.path, offset, "bad_value", f"tag {tag!r} step {step}: {e}")
                        )
                        continue
                    if (
                        series.last_step is not None
                        and step < series.last_step
                        and not (series.last_file != state.path and wall < (series.last_wall_time or 0.0))
                    ):
                        batch.purges.append(PurgeRow(run, tag, step, self._seq, "step_back", state.path, offset))
                        self._seq += 1
                    app = appends.get(tag)
                    if app is None:
                        app = appends[tag] = ScalarAppend(run=run, tag=tag)
                    app.steps.append(step)
                    app.wall_times.append(wall)
                    app.values.append(number)
                    app.seqs.append(self._seq)
                    self._seq += 1
                    series.count += 1
                    series.last_step = step
                    series.last_wall_time = wall
                    series.last_file = state.path
                    changes.tags.add((run, tag, series.plugin))
            elif what == "file_version":
                if state.file_version is None:
                    state.file_version = event.file_version
            elif what == "session_log" and event.session_log.status == _SESSION_START:
                batch.purges.append(PurgeRow(run, None, event.step, self._seq, "session_start", state.path, offset))
                self._seq += 1
        if wall_first is not None:
            batch.runs[run] = (wall_first, wall_lo, wall_hi)
        batch.series.extend(touched.values())
        batch.scalars.extend(appends.values())


def ingest_logdir(logdir: str | Path, store: Store) -> Ingester:
    """Read everything under ``logdir`` once (for scripts and the read API)."""
    ingester = Ingester(logdir, store)
    ingester.poll_once()
    return ingester
