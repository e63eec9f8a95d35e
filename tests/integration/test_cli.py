"""The telescope command as a user runs it."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

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


def _wait_for_runs(url: str, n: int) -> list[str]:
    import time

    deadline = time.monotonic() + 20
    runs: list[str] = []
    while time.monotonic() < deadline:
        runs = [r["name"] for r in httpx.get(url + "api/runs").json()["runs"]]
        if len(runs) >= n:
            break
        time.sleep(0.1)
    return runs


def test_two_logdirs_served_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from telescope.writer import SummaryWriter
    from tests.helpers import scalar_event, write_events

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    a = tmp_path / "exp_a" / "fit"
    b = tmp_path / "exp_b" / "fit"
    write_events(a / "train" / "events.out.tfevents.1.h", *[scalar_event("loss", s, 1.0) for s in range(10)])
    write_events(b / "events.out.tfevents.1.h", *[scalar_event("loss", s, 2.0) for s in range(5)])
    with SummaryWriter(str(b / "imgs")) as w:
        w.add_image("sample", np.full((3, 4, 5), 0.5, dtype=np.float32), 0)
    with ServerProcess("--logdir", str(a), "--logdir", str(b), "--port", "0") as s:
        assert s.url is not None
        runs = _wait_for_runs(s.url, 3)
        # Both logdirs are called fit: the parent directory's name tells them apart.
        assert sorted(runs) == ["exp_a-fit/train", "exp_b-fit", "exp_b-fit/imgs"]
        series = httpx.get(s.url + "api/scalars", params={"tag": "loss"}).json()["series"]
        assert {x["run"]: x["total"] for x in series} == {"exp_a-fit/train": 10, "exp_b-fit": 5}
        # Image bytes are read from the event file in the second logdir.
        (item,) = httpx.get(
            s.url + "data/plugin/images/images", params={"run": "exp_b-fit/imgs", "tag": "sample"}
        ).json()
        png = httpx.get(s.url + "data/plugin/images/individualImage?" + item["query"])
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert f"exp_a-fit:{a},exp_b-fit:{b}" in s.output  # what it serves, as --logdir_spec takes it back


def test_logdir_spec_names_the_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import scalar_event, write_events

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_events(tmp_path / "a" / "r" / "events.out.tfevents.1.h", scalar_event("x", 0, 1.0))
    write_events(tmp_path / "my runs" / "events.out.tfevents.1.h", scalar_event("x", 0, 1.0))
    spec = f"base:{tmp_path / 'a'},'new:{tmp_path / 'my runs'}'"
    with ServerProcess("--logdir_spec", spec, "--port", "0", "--reload_interval", "0.2") as s:
        assert s.url is not None
        assert sorted(_wait_for_runs(s.url, 2)) == ["base/r", "new"]


def test_one_logdir_keeps_unprefixed_run_names_and_its_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from telescope.settings import Settings
    from telescope.store import default_db_path
    from tests.helpers import scalar_event, write_events

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    logdir = tmp_path / "logs"
    write_events(logdir / "r" / "events.out.tfevents.1.h", scalar_event("x", 0, 1.0))
    with ServerProcess("--logdir", f"'{logdir}'", "--port", "0") as s:
        assert s.url is not None
        assert _wait_for_runs(s.url, 1) == ["r"]
    assert f"serving {logdir} at" in s.output
    index = default_db_path(logdir)
    assert index.exists() and f"(index: {index})" in s.output
    assert Settings(logdir=str(logdir)).logdirs() == [("", logdir)]


def test_logdir_errors_are_said(tmp_path: Path) -> None:
    r = run("--logdir", f"base:{tmp_path}", "--logdir", f"base:{tmp_path / 'x'}")
    assert r.returncode == 2
    assert "two logdirs are named 'base'" in r.stderr and "Traceback" not in r.stderr
    f = tmp_path / "file.txt"
    f.write_text("x")
    r = run("--logdir", str(tmp_path), "--logdir", f"notes:{f}")
    assert r.returncode == 2
    assert f"the logdir 'notes' ({f}) is a file, not a directory" in r.stderr


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["\u2014logdir", "logs"], "telescope --logdir logs"),
        (["\u2013", "logdir", "logs"], "telescope --logdir logs"),
        (["logdir=logs"], "telescope --logdir=logs"),
        (["-logdir", "logs", "-port", "7000"], "telescope --logdir logs -port 7000"),
    ],
)
def test_mangled_flags_get_the_command_line_meant(argv: list[str], meant: str) -> None:
    r = run(*argv)
    assert r.returncode == 2
    assert "did you mean --logdir?" in r.stderr
    assert r.stderr.rstrip().endswith(meant)
    assert "Traceback" not in r.stderr
