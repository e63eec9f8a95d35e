"""`telescope diagnose` on logdirs crafted to be wrong in one way each, and on a healthy one: what it says, the
fix it gives, and its exit code."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import records, scalar_event, version_event, write_events

Diagnose = Callable[..., subprocess.CompletedProcess[str]]
OLD = 1_700_000_000  # an mtime long past: a cut-off record in such a file is not being written any more


@pytest.fixture
def diagnose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Diagnose:
    """``telescope diagnose ARGS`` in a subprocess, with a cache and instance registry of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TELESCOPE_STATE_DIR", str(tmp_path / "state"))

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "telescope", "diagnose", *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=cwd,
        )

    return run


def scalars(n: int) -> bytes:
    return records(version_event(), *[scalar_event("loss", s, 1.0 / (s + 1)) for s in range(n)])


def test_missing_path(tmp_path: Path, diagnose: Diagnose) -> None:
    (tmp_path / "logs").mkdir()
    r = diagnose("--logdir", str(tmp_path / "logs" / "nope"))
    assert r.returncode == 1
    assert f"PROBLEM  {tmp_path / 'logs' / 'nope'} does not exist" in r.stdout
    assert f"fix: check the path: the nearest existing directory is {tmp_path / 'logs'} (it holds: nothing)" in r.stdout
    assert r.stdout.rstrip().endswith("1 problem found.")


@pytest.mark.skipif(sys.platform == "win32", reason="D:/runs is a real drive there")
def test_missing_drive_path_says_how_to_name_the_logdir(tmp_path: Path, diagnose: Diagnose) -> None:
    # Typed as TensorBoard on Linux would read it (the logdir /runs named D): here it is a path, D:/runs.
    r = diagnose("--logdir", "D:/runs", cwd=tmp_path)
    assert r.returncode == 1
    assert "is read as a path on the Windows drive D:" in r.stdout
    assert "DD:/runs" in r.stdout


def test_event_files_one_level_deeper(tmp_path: Path, diagnose: Diagnose) -> None:
    project = tmp_path / "project"
    write_events(project / "logs" / "fit" / "run1" / "events.out.tfevents.1.h", version_event())
    r = diagnose("--logdir", "fit", cwd=project)
    assert r.returncode == 1
    assert "event files found one level deeper, in logs/fit: did you mean --logdir logs/fit?" in r.stdout


def test_misspelt_logdir(tmp_path: Path, diagnose: Diagnose) -> None:
    write_events(tmp_path / "logs" / "fit" / "run1" / "events.out.tfevents.1.h", version_event())
    r = diagnose("logs/fti", cwd=tmp_path)
    assert "event files found in a directory of a similar name, in logs/fit: did you mean --logdir logs/fit?" in (
        r.stdout
    )


def test_path_is_a_file(tmp_path: Path, diagnose: Diagnose) -> None:
    f = write_events(tmp_path / "logs" / "run" / "events.out.tfevents.1.h", version_event())
    r = diagnose("--logdir", str(f), cwd=tmp_path)
    assert r.returncode == 1
    assert "PROBLEM  the path is a file, not a directory (an event file)" in r.stdout
    assert "fix: use the directory that holds it: --logdir logs/run" in r.stdout


def test_empty_directory(tmp_path: Path, diagnose: Diagnose) -> None:
    empty = tmp_path / "project" / "logs" / "empty"  # nothing nearby either (the search goes two levels up)
    empty.mkdir(parents=True)
    r = diagnose("--logdir", str(empty))
    assert r.returncode == 1
    assert "ok       exists and is readable" in r.stdout
    assert (
        "PROBLEM  no event files: files named events.out.tfevents.* are what TensorBoard producers write "
        "(it is empty)" in r.stdout
    )
    assert "fix: point --logdir at the directory your training script writes to" in r.stdout


def test_other_files_and_runs_nearby(tmp_path: Path, diagnose: Diagnose) -> None:
    write_events(tmp_path / "logs" / "fit" / "run1" / "events.out.tfevents.1.h", version_event())
    notes = tmp_path / "logs" / "notes"
    (notes / "checkpoints").mkdir(parents=True)
    (notes / "metrics.csv").write_text("a,b\n")
    r = diagnose("logs/notes", cwd=tmp_path)
    assert "(it holds: checkpoints/, metrics.csv)" in r.stdout
    assert "fix: event files found in logs/fit/run1: did you mean --logdir logs/fit?" in r.stdout


def test_damaged_files_are_listed_with_offsets(tmp_path: Path, diagnose: Diagnose) -> None:
    logdir = tmp_path / "logs"
    first = records(version_event())
    second = records(scalar_event("loss", 0, 0.5))
    third = records(scalar_event("loss", 1, 0.25))
    bad = bytearray(first + second + third)
    bad[len(first) + 14] ^= 0xFF  # a payload byte of the second record: its CRC no longer holds
    (logdir / "crc").mkdir(parents=True)
    (logdir / "crc" / "events.out.tfevents.1.h").write_bytes(bytes(bad))
    cut = logdir / "cut" / "events.out.tfevents.1.h"
    cut.parent.mkdir()
    cut.write_bytes(first + second + third[:-5])
    os.utime(cut, (OLD, OLD))
    growing = logdir / "growing" / "events.out.tfevents.1.h"
    growing.parent.mkdir()
    growing.write_bytes(first + second + third[:-5])  # just written: the writer is still at it
    (logdir / "garbage").mkdir()
    (logdir / "garbage" / "events.out.tfevents.1.h").write_bytes(b"not an event file at all, " * 20)

    r = diagnose("--logdir", str(logdir))
    assert r.returncode == 1
    out = r.stdout
    assert "ok       4 event files in 4 runs (2 with problems, listed below)" in out
    assert (
        f"PROBLEM  crc/events.out.tfevents.1.h: 1 damaged record(s): bad CRC in the record at byte {len(first)}: "
        "it was skipped" in out
    )
    assert "fix: nothing to do to see the rest: Telescope skips damaged records" in out
    at = len(first) + len(second)
    assert (
        f"PROBLEM  cut/events.out.tfevents.1.h: truncated: the last record ({len(third) - 5} bytes at byte {at}) "
        "is cut off" in out
    )
    assert "fix: the writer stopped mid-record (killed, or the disk was full)" in out
    assert f"note     growing/events.out.tfevents.1.h: its last record ({len(third) - 5} bytes at byte {at})" in out
    assert "PROBLEM  garbage/events.out.tfevents.1.h: not an event file despite its name (no readable record" in out
    # What could be read is still described: the CRC run kept one of its two points.
    assert "crc      1 file, step 1: scalars (1 tag)" in out
    assert out.rstrip().endswith("3 problems found.")


def test_healthy_fixture_logdir(fixture_logdir: Callable[[str], Path], diagnose: Diagnose) -> None:
    logdir = fixture_logdir("keras_dev")
    r = diagnose("--logdir", str(logdir), "--port", "0")
    assert r.returncode == 0, r.stdout
    out = r.stdout
    assert "ok       7 event files in 7 runs" in out
    train = next(line for line in out.splitlines() if line.strip().startswith("logs/fit/") and "/train" in line)
    assert "scalars (3 tags)" in train and "histograms" in train and "images" in train and "graphs" in train
    assert "hparams" in next(line for line in out.splitlines() if "logs/hparam_tuning/run-0" in line)
    assert "note     every run is under logs/" in out
    assert "note     no index yet" in out
    assert "Running Telescopes\n  none" in out
    assert out.rstrip().endswith("No problems found.")


def test_several_logdirs(tmp_path: Path, diagnose: Diagnose) -> None:
    (tmp_path / "a" / "r").mkdir(parents=True)
    (tmp_path / "a" / "r" / "events.out.tfevents.1.h").write_bytes(scalars(3))
    r = diagnose("--logdir_spec", f"base:{tmp_path / 'a'},inner:{tmp_path / 'a' / 'r'},gone:{tmp_path / 'b'}")
    assert r.returncode == 1
    out = r.stdout
    assert f"Logdir base ({tmp_path / 'a'})\n  ok       exists and is readable" in out
    assert f"Logdir gone ({tmp_path / 'b'})\n  PROBLEM  {tmp_path / 'b'} does not exist" in out
    assert (
        f"PROBLEM  the logdir inner ({tmp_path / 'a' / 'r'}) is inside the logdir base ({tmp_path / 'a'}): "
        "its runs appear twice" in out
    )
    assert "fix: give only base: its runs already include inner's." in out


def test_index_state(tmp_path: Path, diagnose: Diagnose) -> None:
    from telescope.server import ServerContext
    from telescope.settings import Settings

    logdir = tmp_path / "logs"
    (logdir / "r").mkdir(parents=True)
    (logdir / "r" / "events.out.tfevents.1.h").write_bytes(scalars(20))
    ctx = ServerContext.open(Settings(logdir=str(logdir)))  # the default index, in this test's cache
    assert ctx.ingester is not None
    ctx.ingester.poll_once()
    try:
        out = diagnose("--logdir", str(logdir)).stdout
        assert f"Index {ctx.store.path}" in out
        assert "ok       schema version" in out and "(this Telescope's)" in out
        assert "ok       1 file of 1 found, 1 run, 20 points indexed, last updated" in out
        assert "note     in use: a running Telescope is indexing into it" in out
    finally:
        ctx.stop()
    assert "ok       not in use by a running Telescope" in diagnose("--logdir", str(logdir)).stdout
    ctx.store.path.write_bytes(b"this is not a database" * 100)
    r = diagnose("--logdir", str(logdir))
    assert "PROBLEM  the index cannot be read" in r.stdout
    assert "fix: start Telescope with --reindex to rebuild it." in r.stdout
    assert r.returncode == 1


def test_port_free_and_taken(tmp_path: Path, diagnose: Diagnose) -> None:
    (tmp_path / "logs").mkdir()
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    taken = blocker.getsockname()[1]
    try:
        out = diagnose(str(tmp_path / "logs"), "--port", str(taken)).stdout
        assert (
            f"Port {taken}\n  note     taken by another program; a new Telescope would take the next free port" in out
        )
    finally:
        blocker.close()
    out = diagnose(str(tmp_path / "logs"), "--port", str(taken)).stdout
    assert f"Port {taken}\n  ok       free: a new Telescope would listen on http://localhost:{taken}/" in out


def test_a_running_telescope_is_named(tmp_path: Path, diagnose: Diagnose) -> None:
    from tests.helpers import ServerProcess

    logdir = tmp_path / "logs"
    (logdir / "r").mkdir(parents=True)
    (logdir / "r" / "events.out.tfevents.1.h").write_bytes(scalars(5))
    with ServerProcess("--logdir", str(logdir), "--port", "0") as server:
        assert server.url is not None
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        out = diagnose("--logdir", str(logdir), "--port", str(port)).stdout
    assert f"port {port}, pid {server.proc.pid}: " in out
    assert f"logdir {logdir}  <- these logdirs" in out
    assert f"taken by the Telescope serving {logdir} (pid {server.proc.pid})" in out
    assert f"`telescope stop {port}`" in out


def test_mistyped_flag(tmp_path: Path, diagnose: Diagnose) -> None:
    r = diagnose("\u2014logdir", "logs")
    assert r.returncode == 2
    assert "did you mean --logdir?" in r.stderr
    assert "telescope diagnose --logdir logs" in r.stderr
    r = diagnose()
    assert r.returncode == 2 and "which logdir?" in r.stderr
