"""When there is nothing to show, the status says exactly why."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import scalar_event, version_event, write_events


def test_missing_logdir(tmp_path: Path, app_client: Any) -> None:
    status = app_client(tmp_path / "nope").get("/api/status").json()
    reason = status["empty_reason"]
    assert status["logdir_exists"] is False
    assert reason["code"] == "logdir_missing"
    assert "does not exist" in reason["message"]


@pytest.mark.skipif(sys.platform == "win32", reason="D:/runs is a real drive there")
def test_missing_drive_path_says_how_to_name_the_logdir(tmp_path: Path, app_client: Any) -> None:
    # ``D:/runs`` given on Linux resolves under the current directory; the page says how to name /runs instead.
    reason = app_client(tmp_path / "D:" / "runs").get("/api/status").json()["empty_reason"]
    assert reason["code"] == "logdir_missing"
    assert "is read as a path on the Windows drive D:" in reason["message"]
    assert "DD:/runs" in reason["message"]


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


def test_logdir_found_one_level_deeper(tmp_path: Path, app_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Started in project/ with --logdir fit, while the runs are in project/logs/fit.
    project = tmp_path / "project"
    write_events(project / "logs" / "fit" / "run1" / "events.out.tfevents.1.h", version_event())
    monkeypatch.chdir(project)
    reason = app_client(project / "fit").get("/api/status").json()["empty_reason"]
    assert reason["code"] == "logdir_missing"
    assert reason["suggestion"] == "logs/fit"
    assert "event files were found one level deeper, in logs/fit: did you mean --logdir logs/fit?" in reason["message"]


def several(tmp_path: Path, spec: str) -> Any:
    from telescope.server import ServerContext, create_app
    from telescope.settings import Settings
    from tests.conftest import ASGIClient

    ctx = ServerContext.open(Settings(logdir_spec=spec, db=str(tmp_path / "several.sqlite")))
    assert ctx.ingester is not None
    ctx.ingester.poll_once()
    return ctx, ASGIClient(create_app(ctx, start_ingest=False))


def test_several_logdirs_each_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = tmp_path / "project"
    write_events(project / "logs" / "fit" / "run1" / "events.out.tfevents.1.h", version_event())
    (project / "empty").mkdir()
    (project / "empty" / "notes.txt").write_text("x")
    monkeypatch.chdir(project)
    ctx, client = several(tmp_path, f"a:'{project / 'fit'}',b:'{project / 'empty'}'")
    try:
        status = client.get("/api/status").json()
    finally:
        ctx.stop()
    reason = status["empty_reason"]
    assert reason["code"] == "no_event_files"
    assert reason["message"].startswith("None of the 2 logdirs holds event files yet.")
    a, b = reason["logdirs"]
    assert (a["name"], a["code"], a["suggestion"]) == ("a", "logdir_missing", "logs/fit")
    assert a["message"] == f"a ({project / 'fit'}) does not exist; did you mean logs/fit?"
    assert (b["name"], b["code"], b["contents"]) == ("b", "no_event_files", ["notes.txt"])
    assert b["message"] == f"b ({project / 'empty'}) holds no event files"  # logs/fit is a's already
    assert reason["command"] == "telescope --logdir a:logs/fit --logdir b:empty"


def test_suggested_command_reads_back_from_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Started elsewhere: the suggested command, typed there, serves the directories meant.
    from telescope.logdirs import split_named

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = tmp_path / "project"
    write_events(project / "logs" / "fit" / "run1" / "events.out.tfevents.1.h", version_event())
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    ctx, client = several(tmp_path, f"a:'{project / 'fit'}',b:'{project / 'empty'}'")
    try:
        command = client.get("/api/status").json()["empty_reason"]["command"]
    finally:
        ctx.stop()
    words = shlex.split(command)
    assert words[0] == "telescope" and words[1::2] == ["--logdir", "--logdir"]
    read_back = [split_named(w) for w in words[2::2]]
    assert [(e.name, Path(e.path).resolve()) for e in read_back] == [
        ("a", (project / "logs" / "fit").resolve()),
        ("b", (project / "empty").resolve()),
    ]


def test_several_logdirs_with_data_are_not_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_events(tmp_path / "a" / "events.out.tfevents.1.h", scalar_event("loss", 0, 1.0))
    ctx, client = several(tmp_path, f"a:'{tmp_path / 'a'}',gone:{tmp_path / 'nope'}")
    try:
        status = client.get("/api/status").json()
        runs = [r["name"] for r in client.get("/api/runs").json()["runs"]]
    finally:
        ctx.stop()
    assert status["empty_reason"] is None
    assert runs == ["a"]
    assert status["ingest"]["discovery_errors"] == [f"gone: the logdir {tmp_path / 'nope'} does not exist"]
