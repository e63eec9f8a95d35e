"""Reading back what the writer wrote: the event files of a directory and their events."""

from __future__ import annotations

from pathlib import Path

from telescope.tfrecord.framing import read_frames
from telescope.tfrecord.proto import event_pb2


def event_files(log_dir: Path) -> list[Path]:
    return sorted(p for p in log_dir.iterdir() if "tfevents" in p.name)


def read_events(path: Path, *, allow_torn_tail: bool = False) -> list[event_pb2.Event]:
    """Every event of one file; the file must frame cleanly (a torn last record only if allowed)."""
    data = path.read_bytes()
    result = read_frames(data)
    assert result.problems == [], result.problems
    if not allow_torn_tail:
        assert result.end == len(data), f"{len(data) - result.end} trailing bytes in {path}"
    return [event_pb2.Event.FromString(bytes(p)) for p in result.payloads]


def scalars(events: list[event_pb2.Event], tag: str) -> list[tuple[int, float]]:
    return [(e.step, v.simple_value) for e in events if e.HasField("summary") for v in e.summary.value if v.tag == tag]
