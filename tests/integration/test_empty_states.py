"""When there is nothing to show, the status says exactly why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import version_event, write_events


def test_missing_logdir(tmp_path: Path, app_client: Any) -> None:
    status = app_client(tmp_path / "nope").get("/api/status").json()
    reason = status["empty_reason"]
    assert status["logdir_exists"] is False
    assert reason["code"] == "logdir_missing"
    assert "does not exist" in reason["message"]


def test_no_event_files_lists_contents(tmp_path: Path, app_client: Any) -> None:
    logdir = tmp_path / "logs"
    (logdir / "checkpoints").mkdir(parents=True)
    (logdir / "metrics.csv").write_text("a,b\n")
    reason = app_client(logdir).get("/api/status").json()["empty_reason"]
    assert reason["code"] == "no_event_files"
    assert reason["contents"] == ["checkpoints/", "metrics.csv"]
    assert "tfevents" in reason["message"]


def test_suggests_where_the_runs_are(tmp_path: Path, app_client: Any) -> None:
    write_events(tmp_path / "project" / "logs" / "fit" / "run1" / "events.out.tfevents.1.h", version_event())
    (tmp_path / "project" / "logs" / "notes").mkdir()
    reason = app_client(tmp_path / "project" / "logs" / "notes").get("/api/status").json()["empty_reason"]
    assert reason["code"] == "no_event_files"
    assert reason["suggestion"] is not None and "fit" in reason["suggestion"]


def test_event_files_without_scalars(tmp_path: Path, app_client: Any) -> None:
    write_events(tmp_path / "logs" / "run" / "events.out.tfevents.1.h", version_event())
    reason = app_client(tmp_path / "logs").get("/api/status").json()["empty_reason"]
    assert reason["code"] == "no_scalars"
    assert "1 event file" in reason["message"]
