"""The background thread between ``SummaryWriter`` calls and the disk: a bounded queue, framing, writes, flushes.

Writer stage (training script → **writer** → event files). Callers hand over events that are already serialized;
appending to the queue is all they pay. One daemon thread per writer takes everything queued, frames each record
(length and masked CRC-32C), and appends the records of each file with one ``os.write``. It wakes when
``max_queue`` events are waiting, every ``flush_secs``, on :meth:`AsyncWriter.flush` / :meth:`AsyncWriter.close`,
and at interpreter exit.

* **Bounded memory, no data dropped**: when the queue holds ``capacity`` events or ``max_bytes`` of large
  payloads, the caller waits for the thread to catch up.
* **Training never dies of a disk problem**: a failure in the thread (disk full, permissions, a file closed or
  removed) is logged, and raised as :class:`WriterError` by the next ``flush()`` or ``close()``. Events that
  could not be written are counted in that error.
* **fork**: a child process starts with an empty queue and no thread; on first use it starts its own thread and
  writes its own new files (the parent's files and queued events stay the parent's).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from collections import deque
from typing import Any

from telescope.errors import WriterError
from telescope.writer.event_file import EventFile
from telescope.writer.records import frame

logger = logging.getLogger(__name__)

__all__ = ["AsyncWriter", "WriterError"]

# Bytes of framed records joined into one write (and held at once by the thread).
_WRITE_CHUNK = 4 << 20


class _Request:
    """A flush, close or close-one-file request travelling through the queue behind the events before it."""

    __slots__ = ("done", "kind", "target")

    def __init__(self, kind: str, target: EventFile | None = None) -> None:
        self.kind = kind
        self.target = target
        self.done = threading.Event()


class AsyncWriter:
    """Queues serialized events for ``main`` (and other files) and writes them from one background thread."""

    def __init__(
        self,
        main: EventFile,
        *,
        max_queue: int = 10,
        flush_secs: float = 120,
        capacity: int = 1 << 15,
        max_bytes: int = 64 << 20,
    ) -> None:
        self.main = main
        self._trigger = max(1, int(max_queue))
        self._capacity = max(self._trigger, int(capacity))
        self._max_bytes = max_bytes
        self._flush_secs = max(0.01, float(flush_secs))
        self._init_state()
        _live.add(self)

    def _init_state(self) -> None:
        self._pending: deque[Any] = deque()
        self._wake = threading.Event()
        self._room = threading.Condition(threading.Lock())
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._bytes = 0  # payload bytes queued through put_to (large payloads are counted, scalars are not)
        self._files: set[EventFile] = set()  # files this thread has written to since the last close
        self._error: BaseException | None = None
        self._error_where = ""
        self._lost = 0

    # ----- producer side (any thread) -----

    def put(self, payload: bytes) -> None:
        """Queue one serialized event for the main file (the fast path of ``add_scalar``)."""
        pending = self._pending
        pending.append(payload)
        if self._thread is None:
            self._start()
        n = len(pending)
        if n >= self._trigger:
            if n >= self._capacity:
                self._make_room()
            elif not self._wake.is_set():
                self._wake.set()

    def put_to(self, target: EventFile, payload: bytes) -> None:
        """Queue one serialized event for ``target``, counting its size against the memory bound."""
        with self._lock:
            self._bytes += len(payload)
        self._pending.append((target, payload))
        if self._thread is None:
            self._start()
        n = len(self._pending)
        if n >= self._capacity or self._bytes > self._max_bytes:
            self._make_room()
        elif n >= self._trigger and not self._wake.is_set():
            self._wake.set()

    def close_file(self, target: EventFile) -> None:
        """Close ``target`` once the events queued before this call are written (does not wait)."""
        self._pending.append(_Request("close_file", target))
        if self._thread is None:
            self._start()
        self._wake.set()

    def flush(self) -> None:
        """Wait until every event queued before this call is written; raise :class:`WriterError` after a failure."""
        if self._pending or self._thread is not None:
            self._request("flush")
        self._raise_error()

    def close(self) -> None:
        """Write everything queued, close the files and stop the thread; the next event starts new files."""
        if self._pending or self._thread is not None:
            self._request("close")
            thread, self._thread = self._thread, None
            if thread is not None and thread is not threading.current_thread():
                thread.join()
        else:  # nothing was ever queued: no thread runs, the files can be closed here
            for target in [*self._files, self.main]:
                self._close_file(target)
            self._files.clear()
        self._raise_error()

    def _request(self, kind: str) -> None:
        req = _Request(kind)
        self._pending.append(req)
        if self._thread is None:
            self._start()
        self._wake.set()
        thread = self._thread
        # Waiting in slices lets us notice a thread that is gone (it never should be) instead of hanging.
        while not req.done.wait(0.5):
            if thread is None or not thread.is_alive():
                self._record_failure(RuntimeError("the writer thread stopped"), "the writer thread", 0)
                return

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            thread = threading.Thread(target=self._run, name="telescope-writer", daemon=True)
            thread.start()
            self._thread = thread

    def _make_room(self) -> None:
        self._wake.set()
        with self._room:
            while len(self._pending) >= self._capacity or (self._bytes > self._max_bytes and self._pending):
                thread = self._thread
                if thread is None or not thread.is_alive():
                    return
                self._room.wait(0.1)

    def _raise_error(self) -> None:
        with self._lock:
            error, where, lost = self._error, self._error_where, self._lost
            self._error, self._error_where, self._lost = None, "", 0
        if error is not None:
            raise WriterError(f"{lost} event(s) could not be written to {where}: {error}") from error

    # ----- the thread -----

    def _run(self) -> None:
        while True:
            self._wake.wait(self._flush_secs)
            self._wake.clear()
            try:
                if self._drain():
                    return
            except Exception as exc:  # a bug must not leave callers waiting on a dead thread
                self._record_failure(exc, "the event files", 0)

    def _drain(self) -> bool:
        """Write out everything queued; True when a close request was served (the thread then ends)."""
        pending = self._pending
        popleft = pending.popleft
        main = self.main
        parts: dict[EventFile, list[bytes]] = {}
        held = 0  # bytes framed and not written yet
        counted = 0  # bytes of put_to payloads taken from the queue
        while True:
            try:
                item = popleft()
            except IndexError:
                break
            if type(item) is bytes:
                record = frame(item)
                parts.setdefault(main, []).append(record)
            elif type(item) is tuple:
                target, payload = item
                record = frame(payload)
                counted += len(payload)
                parts.setdefault(target, []).append(record)
            else:
                self._write(parts)
                held = 0
                if self._serve(item):
                    self._release(counted)
                    return True
                continue
            held += len(record)
            if held >= _WRITE_CHUNK:
                self._write(parts)
                held = 0
                self._release(counted)
                counted = 0
        self._write(parts)
        self._release(counted)
        return False

    def _serve(self, req: _Request) -> bool:
        try:
            if req.kind == "close_file" and req.target is not None:
                self._close_file(req.target)
            elif req.kind == "close":
                for target in [*self._files, self.main]:
                    self._close_file(target)
                self._files.clear()
                return True
            return False
        finally:
            req.done.set()

    def _close_file(self, target: EventFile) -> None:
        try:
            target.close()
        except OSError as exc:
            self._record_failure(exc, target.path or target.logdir, 0)
        self._files.discard(target)

    def _write(self, parts: dict[EventFile, list[bytes]]) -> None:
        for target, records in parts.items():
            if not records:
                continue
            self._files.add(target)
            try:
                target.write(records[0] if len(records) == 1 else b"".join(records))
            except Exception as exc:
                self._record_failure(exc, target.path or target.logdir, len(records))
        parts.clear()

    def _release(self, counted: int) -> None:
        if counted:
            with self._lock:
                self._bytes -= counted
        with self._room:
            self._room.notify_all()

    def _record_failure(self, exc: BaseException, where: str, lost: int) -> None:
        with self._lock:
            first = self._error is None
            if first:
                self._error, self._error_where = exc, where
            self._lost += lost
        if first:
            logger.error("could not write %d event(s) to %s: %s", lost, where, exc, exc_info=exc)
        else:
            logger.debug("could not write %d more event(s) to %s: %s", lost, where, exc)

    # ----- process events -----

    def _after_fork_in_child(self) -> None:
        for target in [*self._files, self.main]:
            target.forget()
        self._init_state()


_live: weakref.WeakSet[AsyncWriter] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for writer in list(_live):
        writer._after_fork_in_child()


def _close_all_at_exit() -> None:
    for writer in list(_live):
        try:
            writer.close()
        except Exception:
            logger.exception("events could not be written at exit")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_all_at_exit)
