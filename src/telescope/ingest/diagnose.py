"""Explaining an empty logdir: what was found instead of runs, and where the runs probably are."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from telescope.ingest.discovery import is_event_file

MAX_LISTED = 40
_SEARCH_BUDGET = 5000  # directory entries looked at when searching for event files nearby


@dataclass(frozen=True)
class EmptyReason:
    code: str  # "logdir_missing" | "not_a_directory" | "no_event_files" | "no_readable_events" | "no_data"
    message: str
    contents: list[str] = field(default_factory=list)
    suggestion: str | None = None


def list_contents(path: Path) -> list[str]:
    """Names in ``path`` (directories with a trailing ``/``), sorted, at most ``MAX_LISTED``."""
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return []
    out = []
    for e in entries[:MAX_LISTED]:
        try:
            out.append(e.name + "/" if e.is_dir() else e.name)
        except OSError:
            out.append(e.name)
    if len(entries) > MAX_LISTED:
        out.append(f"… and {len(entries) - MAX_LISTED} more")
    return out


def _find_event_dir(root: Path, *, skip: Path | None = None, max_depth: int = 4) -> Path | None:
    """The shallowest directory under ``root`` (not inside ``skip``) that holds an event file."""
    budget = _SEARCH_BUDGET
    level = [root]
    for _ in range(max_depth + 1):
        nxt: list[Path] = []
        for d in level:
            if skip is not None and (d == skip or skip in d.parents):
                continue
            try:
                entries = sorted(os.scandir(d), key=lambda e: e.name)
            except OSError:
                continue
            for e in entries:
                budget -= 1
                if budget < 0:
                    return None
                try:
                    if e.is_file() and is_event_file(e.name):
                        return d
                    if e.is_dir(follow_symlinks=False):
                        nxt.append(Path(e.path))
                except OSError:
                    continue
        level = nxt
        if not level:
            break
    return None


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def explain_missing(logdir: Path) -> EmptyReason:
    if logdir.exists() and not logdir.is_dir():
        return EmptyReason(
            "not_a_directory",
            f"The logdir {logdir} is a file, not a directory. Point --logdir at "
            f"the directory that holds it: {logdir.parent}.",
            suggestion=_display(logdir.parent),
        )
    parent = logdir.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return EmptyReason(
        "logdir_missing",
        f"The logdir {logdir} does not exist. Telescope will show runs as soon as it appears; check the path "
        f"(the nearest existing directory is {parent}).",
        contents=list_contents(parent),
    )


def _suggested_logdir(run_dir: Path, root: Path) -> Path:
    """A logdir that holds ``run_dir`` and its sibling runs: Keras writes ``<logdir>/<time>/train`` and
    ``/validation``, so a run called train or validation suggests two levels up, anything else one."""
    up = 2 if run_dir.name in ("train", "validation", "eval", "test") else 1
    candidate = run_dir
    for _ in range(up):
        if candidate.parent == root or candidate.parent == candidate:
            break
        candidate = candidate.parent
    return candidate


def explain_no_event_files(logdir: Path, discovery_errors: list[str]) -> EmptyReason:
    contents = list_contents(logdir)
    nearby = None
    up = logdir.parent
    for _ in range(2):
        nearby = _find_event_dir(up, skip=logdir, max_depth=5)
        if nearby is not None or up == up.parent:
            break
        up = up.parent
    suggestion = None if nearby is None else _display(_suggested_logdir(nearby, up))
    message = f"No event files in {logdir}: no file under it has 'tfevents' in its name" + (
        " (it is empty)." if not contents else "."
    )
    if discovery_errors:
        message += " Some directories could not be searched: " + "; ".join(discovery_errors[:3]) + "."
    if nearby is not None:
        message += f" Event files were found in {_display(nearby)}: did you mean --logdir {suggestion}?"
    else:
        message += " Point --logdir at the directory your training script writes to (e.g. logs/fit)."
    return EmptyReason("no_event_files", message, contents=contents, suggestion=suggestion)
