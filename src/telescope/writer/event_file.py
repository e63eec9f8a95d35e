"""Writing framed events to a new event file named as TensorBoard's writers name them."""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
from pathlib import Path

from telescope.tfrecord.framing import encode_record
from telescope.tfrecord.proto import event_pb2

SOURCE_WRITER = "telescope"
_counter = itertools.count()


class EventFileWriter:
    """Appends events to ``<logdir>/events.out.tfevents.<time>.<host>.<pid>.<n><suffix>``.

    The first record (``brain.Event:2``) is written and flushed at once so readers recognise the file.
    Each record is written with one ``write`` call; a reader never sees a torn record except at the end.
    """

    def __init__(self, logdir: str | os.PathLike[str], *, filename_suffix: str = "") -> None:
        self.logdir = Path(logdir)
        self.logdir.mkdir(parents=True, exist_ok=True)
        now = time.time()
        name = f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}.{next(_counter)}"
        self.path = self.logdir / (name + filename_suffix)
        self._lock = threading.Lock()
        self._file = open(self.path, "ab")  # noqa: SIM115 - owned by this object, closed in close()
        first = event_pb2.Event(wall_time=now, file_version="brain.Event:2")
        first.source_metadata.writer = SOURCE_WRITER
        self.write_event(first)
        self.flush()

    def write_event(self, event: event_pb2.Event) -> None:
        record = encode_record(event.SerializeToString())
        with self._lock:
            if self._file.closed:
                raise ValueError(f"the event file {self.path} is closed")
            self._file.write(record)

    def flush(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()
                self._file.close()
