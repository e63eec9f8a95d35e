"""Run discovery: naming, symlink loops, unreadable and deep directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from telescope.ingest.discovery import discover, is_event_file


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_runs_are_relative_directories(tmp_path: Path) -> None:
    touch(tmp_path / "events.out.tfevents.1.h")
    touch(tmp_path / "a" / "events.out.tfevents.1.h")
    touch(tmp_path / "a" / "b c" / "events.out.tfevents.2.h.v2")
    touch(tmp_path / "a" / "notes.txt")
    touch(tmp_path / "empty" / "x.csv")
    found = discover(tmp_path)
    assert found.runs == [".", "a", "a/b c"]
    assert [f.path for f in found.files] == [
        "events.out.tfevents.1.h",
        "a/events.out.tfevents.1.h",
        "a/b c/events.out.tfevents.2.h.v2",
    ]


def test_event_file_names() -> None:
    assert is_event_file("events.out.tfevents.1700000000.host.123.0.v2")
    assert is_event_file("my.tfevents.file")
    assert not is_event_file("events.out.tfevents.1.host.profile-empty")
    assert not is_event_file("events.json")


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    touch(tmp_path / "r" / "events.out.tfevents.1.h")
    os.symlink(tmp_path, tmp_path / "r" / "loop")
    os.symlink(tmp_path / "r", tmp_path / "r2")
    found = discover(tmp_path)
    assert len(found.runs) == 1
    assert any("loop" in e or "r2" in e for e in found.errors)


def test_deep_tree_is_bounded(tmp_path: Path) -> None:
    deep = tmp_path
    for i in range(80):
        deep = deep / f"d{i}"
    touch(deep / "events.out.tfevents.1.h")
    touch(tmp_path / "shallow" / "events.out.tfevents.1.h")
    found = discover(tmp_path, max_depth=64)
    assert found.runs == ["shallow"]
    assert any("deeper than" in e for e in found.errors)


def test_unreadable_directory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Permission bits do not stop root (CI runs as root), so make the listing itself fail.
    locked = tmp_path / "locked"
    touch(locked / "events.out.tfevents.1.h")
    touch(tmp_path / "ok" / "events.out.tfevents.1.h")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover(tmp_path)
    assert found.runs == ["ok"]
    assert any(e.startswith("locked: cannot list directory") for e in found.errors)


def test_missing_logdir(tmp_path: Path) -> None:
    found = discover(tmp_path / "nope")
    assert found.files == []
    assert found.errors


def test_several_logdirs_prefix_runs_and_paths_with_their_names(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "events.out.tfevents.1.h")
    touch(tmp_path / "a" / "r1" / "events.out.tfevents.1.h")
    touch(tmp_path / "b" / "fit" / "train" / "events.out.tfevents.1.h")
    found = discover([("base", tmp_path / "a"), ("new", str(tmp_path / "b" / "fit"))])
    assert found.runs == ["base", "base/r1", "new/train"]
    assert [f.path for f in found.files] == [
        "base/events.out.tfevents.1.h",
        "base/r1/events.out.tfevents.1.h",
        "new/train/events.out.tfevents.1.h",
    ]
    assert found.files[-1].abspath == str(tmp_path / "b" / "fit" / "train" / "events.out.tfevents.1.h")
    assert found.errors == []


def test_a_missing_logdir_among_several_is_reported_and_the_others_walked(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "r" / "events.out.tfevents.1.h")
    touch(tmp_path / "file.txt")
    found = discover([("a", tmp_path / "a"), ("gone", tmp_path / "nope"), ("f", tmp_path / "file.txt")])
    assert found.runs == ["a/r"]
    assert found.errors == [
        f"gone: the logdir {tmp_path / 'nope'} does not exist",
        f"f: the logdir {tmp_path / 'file.txt'} is not a directory",
    ]


def test_one_unnamed_root_is_a_single_logdir(tmp_path: Path) -> None:
    touch(tmp_path / "r" / "events.out.tfevents.1.h")
    assert discover([("", tmp_path)]).runs == discover(tmp_path).runs == ["r"]
