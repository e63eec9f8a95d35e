"""``SummaryWriter`` with the method names and signatures of ``torch.utils.tensorboard.SummaryWriter``."""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from telescope.plugins.scalars.metadata import create_metadata
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from telescope.writer.event_file import EventFileWriter


def _as_float(value: Any) -> float:
    if hasattr(value, "item"):
        value = value.item()
    return float(value)


class SummaryWriter:
    """Writes scalars (more kinds to come) to an event file in ``log_dir``."""

    def __init__(
        self,
        log_dir: str | os.PathLike[str] | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ) -> None:
        if log_dir is None:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = Path("runs") / f"{stamp}_{socket.gethostname()}{comment}"
        self.log_dir = str(log_dir)
        self.filename_suffix = filename_suffix
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self._file = EventFileWriter(self.log_dir, filename_suffix=filename_suffix)
        self._sub_writers: dict[str, EventFileWriter] = {}
        self._pending = 0
        self._last_flush = time.monotonic()
        if purge_step is not None:
            self._write(event_pb2.Event(wall_time=time.time(), step=purge_step, file_version="brain.Event:2"))
            self._write(
                event_pb2.Event(
                    wall_time=time.time(),
                    step=purge_step,
                    session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START),
                )
            )

    def get_logdir(self) -> str:
        return self.log_dir

    def _write(self, event: event_pb2.Event, writer: EventFileWriter | None = None) -> None:
        (writer or self._file).write_event(event)
        self._pending += 1
        if self._pending >= self.max_queue or time.monotonic() - self._last_flush >= self.flush_secs:
            self.flush()

    @staticmethod
    def _scalar_summary(tag: str, value: float, *, new_style: bool, double_precision: bool) -> summary_pb2.Summary:
        if not new_style:
            return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
        tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE if double_precision else types_pb2.DT_FLOAT)
        if double_precision:
            tensor.double_val.append(value)
        else:
            tensor.float_val.append(value)
        return summary_pb2.Summary(
            value=[summary_pb2.Summary.Value(tag=tag, tensor=tensor, metadata=create_metadata())]
        )

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """Log one number. ``new_style`` writes the tensor form (rank-0 float tensor with plugin metadata)."""
        summary = self._scalar_summary(
            tag, _as_float(scalar_value), new_style=new_style, double_precision=double_precision
        )
        event = event_pb2.Event(
            wall_time=time.time() if walltime is None else walltime, step=global_step or 0, summary=summary
        )
        self._write(event)

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: dict[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log several numbers under one tag, one sub-run per key (``<log_dir>/<main_tag>_<key>``)."""
        wall = time.time() if walltime is None else walltime
        for key, value in tag_scalar_dict.items():
            sub = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + key)
            writer = self._sub_writers.get(sub)
            if writer is None:
                writer = self._sub_writers[sub] = EventFileWriter(sub, filename_suffix=self.filename_suffix)
            summary = self._scalar_summary(main_tag, _as_float(value), new_style=False, double_precision=False)
            self._write(event_pb2.Event(wall_time=wall, step=global_step or 0, summary=summary), writer)

    def flush(self) -> None:
        self._file.flush()
        for w in self._sub_writers.values():
            w.flush()
        self._pending = 0
        self._last_flush = time.monotonic()

    def close(self) -> None:
        self._file.close()
        for w in self._sub_writers.values():
            w.close()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
