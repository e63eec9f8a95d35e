"""The telescope command as a user runs it."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx

from telescope import __version__
from tests.helpers import ServerProcess


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "telescope", *args], capture_output=True, text=True, timeout=60)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"telescope {__version__}"
    help_text = run("--help").stdout
    assert "--logdir" in help_text and "examples:" in help_text and "telescope demo" in help_text


def test_missing_logdir_flag_is_a_clear_error() -> None:
    r = run()
    assert r.returncode == 2
    assert "--logdir is required" in r.stderr
    assert "Traceback" not in r.stderr


def test_logdir_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "events.out.tfevents.1.h"
    f.write_bytes(b"")
    r = run("--logdir", str(f))
    assert r.returncode == 2
    assert "is a file, not a directory" in r.stderr


def test_taken_port_moves_to_the_next_free_one(tmp_path: Path) -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    taken = blocker.getsockname()[1]
    try:
        with ServerProcess("--logdir", str(tmp_path), "--port", str(taken), "--db", str(tmp_path / "i.db")) as s:
            assert f"Port {taken} is in use; using port" in s.output
            assert s.url is not None and f":{taken}/" not in s.url
            assert httpx.get(s.url + "api/status").status_code == 200
    finally:
        blocker.close()


def test_serve_subcommand_and_missing_logdir_warning(tmp_path: Path) -> None:
    with ServerProcess("serve", str(tmp_path / "later"), "--port", "0", "--db", str(tmp_path / "i.db")) as s:
        assert "does not exist yet" in s.output
        status = httpx.get(s.url + "api/status").json()
        assert status["empty_reason"]["code"] == "logdir_missing"
        assert s.url.startswith("http://localhost:")


def test_demo_writes_runs_and_serves_them(tmp_path: Path) -> None:
    logdir = tmp_path / "demo"
    with ServerProcess("demo", "--logdir", str(logdir), "--port", "0", "--db", str(tmp_path / "i.db")) as s:
        import time

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            runs = [r["name"] for r in httpx.get(s.url + "api/runs").json()["runs"]]
            if "live/train" in runs and len(runs) >= 7:
                break
            time.sleep(0.2)
        assert {"cnn/lr=1e-3/train", "cnn/lr=1e-3/validation", "live/train"} <= set(runs)
        tags = {t["tag"] for t in httpx.get(s.url + "api/tags", params={"kind": "scalars"}).json()["tags"]}
        assert {"epoch_loss", "epoch_accuracy", "batch/loss"} <= tags
        # A tab of every kind a newcomer should see.
        kinds = httpx.get(s.url + "api/status").json()["kinds"]
        assert {"histograms", "images", "audio", "text", "pr_curves", "hparams"} <= set(kinds)


def test_second_server_on_one_index_only_reads(tmp_path: Path) -> None:
    from tests.helpers import scalar_event, write_events

    logdir = tmp_path / "logs"
    write_events(logdir / "r" / "events.out.tfevents.1.h", *[scalar_event("x", s, 1.0) for s in range(20)])
    db = str(tmp_path / "shared.sqlite")
    with (
        ServerProcess("--logdir", str(logdir), "--port", "0", "--db", db, "--reload-interval", "0.2") as first,
        ServerProcess("--logdir", str(logdir), "--port", "0", "--db", db, "--reload-interval", "0.2") as second,
    ):
        import time

        time.sleep(1.0)
        a = httpx.get(first.url + "api/status").json()["ingest"]
        b = httpx.get(second.url + "api/status").json()["ingest"]
        assert {a["state"], b["state"]} == {"live", "read-only"}
        for server in (first, second):
            (series,) = httpx.get(server.url + "api/scalars", params={"tag": "x"}).json()["series"]
            assert series["total"] == 20  # indexed once, not twice
        r = run("--logdir", str(logdir), "--db", db, "--reindex", "--port", "0")
        assert r.returncode == 1 and "stop it before --reindex" in r.stderr
