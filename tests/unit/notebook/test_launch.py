"""Finding a server to reuse, and starting one: its output reaches the user when it fails."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from telescope.cli import instances
from telescope.cli.instances import Instance
from telescope.notebook import launch


def instance(args: tuple[str, ...], *, cwd: str = "/work", started: float = 0.0, answering: bool = True) -> Instance:
    return Instance(
        id=f"id{started}",
        pid=1,
        create_time=0.0,
        port=6006 + int(started),
        host="localhost",
        url="http://localhost:6006/",
        logdir="/work/logs",
        args=args,
        cwd=cwd,
        started=started,
        version="0.1.0",
        answering=answering,
    )


def test_split_args_takes_shell_quoting() -> None:
    assert launch.split_args('--logdir "my runs/fit" --port 0') == ["--logdir", "my runs/fit", "--port", "0"]
    assert launch.split_args(["--logdir", "a b", 6006]) == ["--logdir", "a b", "6006"]  # type: ignore[list-item]


def test_reuse_needs_the_same_arguments_and_directory(tmp_path: Path) -> None:
    a = instance(("--logdir", "logs"), cwd=str(tmp_path), started=1)
    other_dir = instance(("--logdir", "logs"), cwd=str(tmp_path / "elsewhere"), started=2)
    other_flags = instance(("--logdir", "logs", "--reload-interval", "5"), cwd=str(tmp_path), started=3)
    running = [a, other_dir, other_flags]
    assert launch.find_reusable(["--logdir", "logs"], str(tmp_path), running) == a
    assert launch.find_reusable(["--logdir", "logs", "--reload-interval", "5"], str(tmp_path), running) == other_flags
    assert launch.find_reusable(["--logdir", "logs", "--port", "0"], str(tmp_path), running) is None
    assert launch.find_reusable(["--logdir", "logs"], str(tmp_path / "nowhere"), running) is None


def test_reuse_prefers_an_answering_then_the_newest_server(tmp_path: Path) -> None:
    args = ("--logdir", "logs")
    old = instance(args, cwd=str(tmp_path), started=1)
    new = instance(args, cwd=str(tmp_path), started=2)
    busy = instance(args, cwd=str(tmp_path), started=3, answering=False)
    assert launch.find_reusable(list(args), str(tmp_path), [old, new, busy]) == new
    assert launch.find_reusable(list(args), str(tmp_path), [replace(busy)]) == busy


def test_a_server_that_exits_reports_its_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(instances.STATE_DIR_ENV, str(tmp_path / "state"))
    monkeypatch.setattr(
        launch,
        "server_command",
        lambda argv: [sys.executable, "-c", "import sys; print('bad flag: --nope'); sys.exit(2)"],
    )
    with pytest.raises(launch.StartError) as info:
        launch.launch(["--nope"], cwd=str(tmp_path))
    assert info.value.exit_code == 2
    assert "bad flag: --nope" in info.value.output
    assert "exit code 2" in str(info.value) and "bad flag: --nope" in str(info.value)


def test_a_server_that_never_answers_is_stopped_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(instances.STATE_DIR_ENV, str(tmp_path / "state"))
    started: list[Any] = []
    real_popen = launch.subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(launch.subprocess, "Popen", popen)
    monkeypatch.setattr(
        launch,
        "server_command",
        lambda argv: [sys.executable, "-c", "import time; print('loading...'); time.sleep(60)"],
    )
    t0 = time.monotonic()
    with pytest.raises(launch.StartError) as info:
        launch.launch(["--logdir", "x"], cwd=str(tmp_path), timeout=1.0)
    assert time.monotonic() - t0 < 15
    assert info.value.exit_code is None
    assert "did not answer within 1 s" in info.value.message and "loading..." in info.value.output
    assert started[0].poll() is not None  # not left running
