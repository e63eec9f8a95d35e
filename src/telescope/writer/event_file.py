"""One event file on disk: its name, its first record, appending whole records, recovering from failed writes.

Writer stage (training script → **writer** → event files). Only the writer's background thread calls
:meth:`EventFile.write`; the constructor does no I/O, so a file is created where and when its first record is
written (docs/event-format §1.2, §2.4, §11).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import time

from telescope.writer.records import file_version_event, frame

SOURCE_WRITER = "telescope"

_counter = itertools.count()


def event_file_name(created: float, suffix: str = "") -> str:
    """``events.out.tfevents.<10-digit seconds>.<host>.<pid>.<n><suffix>`` (TensorBoard's Python writer's names)."""
    return f"events.out.tfevents.{int(created):010d}.{socket.gethostname()}.{os.getpid()}.{next(_counter)}{suffix}"


class EventFile:
    """An append-only event file in ``logdir``, created on the first :meth:`write`.

    Records are written with ``os.write`` on an unbuffered descriptor, whole records per call, so the file on
    disk always ends with whole records unless the process dies inside a write; readers accept such a file up to
    its last whole record. After a failed write the file is cut back to its last whole record; if that fails too,
    the next write starts a new file rather than appending after a torn record.
    """

    def __init__(self, logdir: str, *, filename_suffix: str = "") -> None:
        self.logdir = logdir
        self.filename_suffix = filename_suffix
        self.path: str | None = None
        self._fd: int | None = None
        self._size = 0

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def open(self) -> None:
        """Create the directory and a new file, and write the version record (``brain.Event:2``)."""
        os.makedirs(self.logdir, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0)
        while True:
            now = time.time()
            path = os.path.join(self.logdir, event_file_name(now, self.filename_suffix))
            try:
                fd = os.open(path, flags, 0o666)
            except FileExistsError:  # another writer of this process/host took the name: take the next counter
                continue
            break
        self._fd, self.path, self._size = fd, path, 0
        self.write(frame(file_version_event(now, writer=SOURCE_WRITER)))

    def write(self, data: bytes) -> None:
        """Append whole framed records; on failure, cut the file back to what it held before and re-raise."""
        if self._fd is None:
            self.open()
        fd = self._fd
        assert fd is not None
        view = memoryview(data)
        written = 0
        try:
            while written < len(view):
                written += os.write(fd, view[written:])
        except OSError:
            self._recover()
            raise
        self._size += written

    def _recover(self) -> None:
        fd = self._fd
        if fd is None:
            return
        try:
            os.ftruncate(fd, self._size)
        except OSError:
            self.abandon()

    def abandon(self) -> None:
        """Stop using this file (closing the descriptor quietly); the next write creates a new file."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def forget(self) -> None:
        """In a forked child: drop the parent's file without touching it; the child writes its own file."""
        self.abandon()
        self.path = None
        self._size = 0

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        # A writer dropped without close() must not leak its descriptor (it has no file object to do it).
        self.abandon()
