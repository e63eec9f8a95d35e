"""Helpers for tests: writing event files with exact contents."""

from __future__ import annotations

from pathlib import Path

from telescope.store import Store
from telescope.tfrecord.framing import encode_record
from telescope.tfrecord.proto import event_pb2


def scalar_event(tag: str, step: int, value: float, wall: float | None = None) -> event_pb2.Event:
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step if wall is None else wall, step=step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return ev


def start_event(step: int, wall: float) -> event_pb2.Event:
    return event_pb2.Event(wall_time=wall, step=step, session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START))


def version_event(wall: float = 1_700_000_000.0) -> event_pb2.Event:
    return event_pb2.Event(wall_time=wall, file_version="brain.Event:2")


def records(*events: event_pb2.Event) -> bytes:
    return b"".join(encode_record(e.SerializeToString()) for e in events)


def write_events(path: Path, *events: event_pb2.Event, append: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab" if append else "wb") as f:
        f.write(records(*events))
    return path


def visible(store: Store, run: str, tag: str, *, include_hidden: bool = False) -> list[tuple[int, float]]:
    from telescope.query import read_scalar_series

    (row,) = store.list_series(run=run, tag=tag)
    s = read_scalar_series(store, row, include_hidden=include_hidden)
    return list(zip(s.steps.tolist(), s.values.tolist(), strict=True))
