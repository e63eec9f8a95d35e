"""Finding runs: every directory under the logdir that directly holds an event file is a run.

A file is an event file when its name contains ``tfevents`` (TF profiler placeholders ending in
``.profile-empty`` are skipped). Runs are named by their path relative to the logdir with ``/`` separators,
``.`` for the logdir itself. The walk follows symbolic links to directories but never enters the same
directory twice (so symlink loops end), stops at a depth limit, and records unreadable directories instead
of failing.

Several logdirs are walked as one: given ``(name, root)`` pairs, each root's runs and file paths are prefixed by
its name (``name/relpath``, ``name`` for event files directly in the root), so they never collide and never point
outside the roots. A root named ``""`` is a single logdir with unprefixed names. A missing root among several is
recorded as an error; the others are still walked.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

MAX_DEPTH = 64


@dataclass(frozen=True)
class FoundFile:
    run: str
    path: str  # relative to the logdir, "/"-separated
    abspath: str
    size: int
    mtime: float


@dataclass
class DiscoveryResult:
    files: list[FoundFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # unreadable directories, loops, depth limit

    @property
    def runs(self) -> list[str]:
        return sorted({f.run for f in self.files})


def is_event_file(name: str) -> bool:
    return "tfevents" in name and not name.endswith(".profile-empty")


Roots = Sequence[tuple[str, str | Path]]


def discover(logdir: str | Path | Roots, *, max_depth: int = MAX_DEPTH) -> DiscoveryResult:
    """Walk ``logdir`` (a path, or ``(name, path)`` pairs for several logdirs) and return its event files, sorted
    by run then path (so by creation time in a run)."""
    result = DiscoveryResult()
    if isinstance(logdir, str | Path):
        _walk(logdir, "", result, max_depth)
    else:
        for name, root in logdir:
            if name and not os.path.isdir(os.path.expanduser(str(root))):
                what = "is not a directory" if os.path.exists(os.path.expanduser(str(root))) else "does not exist"
                result.errors.append(f"{name}: the logdir {root} {what}")
                continue
            _walk(root, name, result, max_depth)
    result.files.sort(key=lambda f: (f.run, f.path))
    return result


def _walk(logdir: str | Path, prefix: str, result: DiscoveryResult, max_depth: int) -> None:
    root = os.path.abspath(os.path.expanduser(str(logdir)))
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str, int]] = [(root, prefix, 0)]
    while stack:
        dirpath, rel, depth = stack.pop()
        try:
            st = os.stat(dirpath)
        except OSError as e:
            result.errors.append(f"{rel or '.'}: {e.strerror or e}")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            if rel != prefix:
                result.errors.append(f"{rel}: already visited (symbolic link loop or duplicate link), skipped")
            continue
        seen.add(key)
        try:
            entries = list(os.scandir(dirpath))
        except OSError as e:
            result.errors.append(f"{rel or '.'}: cannot list directory ({e.strerror or e})")
            continue
        subdirs: list[tuple[str, str, int]] = []
        for entry in entries:
            name = entry.name
            child_rel = f"{rel}/{name}" if rel else name
            try:
                entry_stat = entry.stat(follow_symlinks=True)
            except OSError:
                continue  # dangling link or vanished file
            if stat.S_ISDIR(entry_stat.st_mode):
                if depth + 1 > max_depth:
                    result.errors.append(f"{child_rel}: deeper than {max_depth} levels, not searched")
                else:
                    subdirs.append((entry.path, child_rel, depth + 1))
            elif stat.S_ISREG(entry_stat.st_mode) and is_event_file(name):
                result.files.append(
                    FoundFile(
                        run=rel or ".",
                        path=child_rel,
                        abspath=entry.path,
                        size=entry_stat.st_size,
                        mtime=entry_stat.st_mtime,
                    )
                )
        stack.extend(sorted(subdirs, reverse=True))
