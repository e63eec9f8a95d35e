"""A disk problem never interrupts training: it is logged, and raised by the next flush() or close()."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from telescope import SummaryWriter
from telescope.writer import WriterError
from tests.unit.writer.events import event_files, read_events, scalars


def _descriptor_of(path: Path) -> int:
    """This process's descriptor open on ``path`` (found through /proc, as any outside cause would find it)."""
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}") == str(path):
                return int(name)
        except OSError:
            continue
    raise AssertionError(f"{path} is not open")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full to simulate a full disk")
def test_disk_full_is_raised_at_flush_and_logging_goes_on_in_a_new_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    w = SummaryWriter(tmp_path, max_queue=3)
    w.add_scalar("x", 1.0, 1)
    w.flush()
    (first,) = event_files(tmp_path)
    # The event file's descriptor now leads to a device where every write fails with ENOSPC.
    full = os.open("/dev/full", os.O_WRONLY)
    os.dup2(full, _descriptor_of(first))
    os.close(full)
    with caplog.at_level(logging.ERROR, logger="telescope.writer"):
        for i in range(2, 10):
            w.add_scalar("x", float(i), i)  # never raises in the training loop
        with pytest.raises(WriterError, match="No space left on device") as info:
            w.flush()
    assert str(first) in str(info.value)
    assert any("could not write" in r.getMessage() for r in caplog.records)
    # The error is reported once; what comes next goes to a new file.
    w.add_scalar("x", 10.0, 10)
    w.close()
    assert scalars(read_events(first), "x") == [(1, 1.0)]
    (second,) = [p for p in event_files(tmp_path) if p != first]
    events = read_events(second)
    assert events[0].file_version == "brain.Event:2"
    assert scalars(events, "x")[-1] == (10, 10.0)


def test_a_run_directory_that_cannot_be_created_is_raised_at_close(tmp_path: Path) -> None:
    (tmp_path / "loss_train").write_text("a file where the writer wants a directory")
    w = SummaryWriter(tmp_path)
    w.add_scalars("loss", {"train": 1.0, "val": 2.0}, 1)  # does not raise here
    w.add_scalar("ok", 3.0, 1)
    with pytest.raises(WriterError, match="loss_train"):
        w.close()
    assert scalars(read_events(event_files(tmp_path)[0]), "ok") == [(1, 3.0)]
    assert scalars(read_events(event_files(tmp_path / "loss_val")[0]), "loss") == [(1, 2.0)]


def test_a_log_dir_that_cannot_be_created_fails_at_once(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    with pytest.raises(OSError):
        SummaryWriter(tmp_path / "taken")
