"""Event files as readers expect them: names, the first record, purge_step, sub-runs, reopening after close."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import pytest

from telescope import SummaryWriter
from tests.unit.writer.events import event_files, read_events, scalars

NAME = re.compile(r"^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)(.*)$")


def test_file_is_created_at_once_with_the_version_record(tmp_path: Path) -> None:
    before = time.time()
    w = SummaryWriter(tmp_path / "run", filename_suffix=".mine")
    (path,) = event_files(tmp_path / "run")
    m = NAME.match(path.name)
    assert m is not None, path.name
    created, host, pid, _, suffix = m.groups()
    assert int(before) <= int(created) <= time.time()
    assert (host, int(pid), suffix) == (socket.gethostname(), os.getpid(), ".mine")
    # Readable before any flush: the version record is written by the constructor.
    (first,) = read_events(path)
    assert first.file_version == "brain.Event:2"
    assert first.source_metadata.writer == "telescope"
    assert before <= first.wall_time <= time.time()
    w.close()


def test_two_writers_in_one_directory_write_two_files(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as a, SummaryWriter(tmp_path) as b:
        a.add_scalar("x", 1.0, 1)
        b.add_scalar("x", 2.0, 2)
    files = event_files(tmp_path)
    assert len(files) == 2
    assert sorted(scalars(read_events(f), "x")[0] for f in files) == [(1, 1.0), (2, 2.0)]


def test_scalars_are_written_on_flush_with_steps_wall_times_and_values(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, flush_secs=3600, max_queue=1000)
    w.add_scalar("loss", 0.25, 3, walltime=1_700_000_000.5)
    w.add_scalar("loss", 1e39, 4)  # beyond float32: written as +inf, as protobuf would
    w.add_scalar("loss", 7)  # no step: step 0
    w.flush()
    events = read_events(event_files(tmp_path)[0])
    assert scalars(events, "loss") == [(3, 0.25), (4, float("inf")), (0, 7.0)]
    assert events[1].wall_time == 1_700_000_000.5
    w.close()


def test_purge_step_writes_a_version_record_and_session_start(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path, purge_step=42) as w:
        w.add_scalar("x", 1.0, 42)
    events = read_events(event_files(tmp_path)[0])
    assert events[1].step == 42 and events[1].file_version == "brain.Event:2"
    assert events[2].step == 42 and events[2].session_log.status == events[2].session_log.START
    assert scalars(events, "x") == [(42, 1.0)]


def test_default_log_dir_is_runs_date_host_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1") as w:
        log_dir = Path(w.get_logdir())
    assert log_dir.parent == Path("runs")
    assert re.fullmatch(r"[A-Z][a-z]{2}\d\d_\d\d-\d\d-\d\d_" + re.escape(socket.gethostname()) + "_lr0.1", log_dir.name)
    assert len(event_files(tmp_path / log_dir)) == 1


def test_add_scalars_writes_one_run_per_key(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalars("loss/all", {"train": step, "val": step * 2}, step)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["loss_all_train", "loss_all_val"]
    (val,) = event_files(tmp_path / "loss_all_val")
    assert scalars(read_events(val), "loss/all") == [(0, 0.0), (1, 2.0), (2, 4.0)]


def test_logging_after_close_starts_a_new_file(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    w.add_scalar("x", 1.0, 1)
    w.close()
    w.close()  # closing twice is harmless
    w.add_scalar("x", 2.0, 2)
    w.close()
    # Files of one second and process sort by their counter (as numbers: ".10" comes after ".9").
    files = sorted(event_files(tmp_path), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    assert [scalars(read_events(f), "x") for f in files] == [[(1, 1.0)], [(2, 2.0)]]
