"""Where the index lives and what state it is in: a per-user cache directory keyed by the logdir (or by the whole
set when several logdirs are served together), never inside a logdir.

Several logdirs also get a *view* in the cache: a directory holding one link per logdir, named by its name
(``<view>/baseline -> /data/logs/a``), and a record of the set (``.telescope-logdirs.json``). Files of several
logdirs are indexed under ``name/relpath``, so the view is the one directory under which every indexed path and
run name resolves, as the logdir is for a single one: code that reads event files or projector files by their
indexed path (blob bytes, embeddings) works on a set unchanged. Where links cannot be made (Windows without the
right to make symbolic links nor junctions), the view has the record only; the event files are still indexed
from the logdirs themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

logger = logging.getLogger(__name__)

VIEW_RECORD = ".telescope-logdirs.json"

LogdirSet = Sequence[tuple[str, str | Path]]


def _cache() -> Path:
    return Path(platformdirs.user_cache_dir("telescope"))


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:40]


def _is_single(logdir: str | Path | LogdirSet) -> bool:
    return isinstance(logdir, str | Path) or (len(logdir) == 1 and logdir[0][0] == "")


def _single_path(logdir: str | Path | LogdirSet) -> Path:
    raw = logdir if isinstance(logdir, str | Path) else logdir[0][1]
    return Path(raw).expanduser().resolve()


def set_key(logdirs: LogdirSet) -> str:
    """The text that identifies a set of named logdirs, whatever the order they were given in."""
    return "\n".join(f"{name}\t{Path(path).expanduser().resolve()}" for name, path in sorted(logdirs))


def _set_stem(logdirs: LogdirSet) -> str:
    digest = hashlib.sha256(set_key(logdirs).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{_safe('+'.join(sorted(name for name, _ in logdirs)))}-{digest}"


def default_db_path(logdir: str | Path | LogdirSet) -> Path:
    """The index path for ``logdir``: ``<user cache>/telescope/index/<name>-<hash>.sqlite``. ``logdir`` is a path,
    or ``(name, path)`` pairs for several logdirs (keyed by the whole set; ``[("", path)]`` is the single path)."""
    if _is_single(logdir):
        key = str(_single_path(logdir))
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        name = _safe(Path(key).name or "root")
        return _cache() / "index" / f"{name}-{digest}.sqlite"
    assert not isinstance(logdir, str | Path)
    return _cache() / "index" / f"{_set_stem(logdir)}.sqlite"


def view_path(logdirs: LogdirSet) -> Path:
    """Where the view directory of several logdirs is (see the module docstring); nothing is made."""
    return _cache() / "logdirs" / _set_stem(logdirs)


def logdir_view(logdirs: LogdirSet) -> Path:
    """The view directory of several logdirs (see the module docstring), made or brought up to date."""
    view = view_path(logdirs)
    view.mkdir(parents=True, exist_ok=True)
    record = {"logdirs": [[name, str(Path(path).expanduser().resolve())] for name, path in logdirs]}
    tmp = view / f"{VIEW_RECORD}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(tmp, view / VIEW_RECORD)
    for name, target in record["logdirs"]:
        _link(view / name, Path(target))
    return view


def _link(link: Path, target: Path) -> None:
    with contextlib.suppress(OSError):
        if os.readlink(link) == str(target):
            return
    with contextlib.suppress(OSError):
        link.unlink()
    try:
        os.symlink(target, link, target_is_directory=True)
        return
    except FileExistsError:
        return  # another Telescope on the same set made it just now
    except OSError as e:
        error = e
    if sys.platform == "win32":
        import _winapi

        try:
            _winapi.CreateJunction(str(target), str(link))
            return
        except OSError as e:
            error = e
    logger.warning(
        "cannot link %s to %s (%s): images, audio and embeddings of that logdir cannot be read", link, target, error
    )


def read_logdir_view(path: str | Path) -> list[tuple[str, Path]] | None:
    """The ``(name, path)`` logdirs of a view directory, or None when ``path`` is not one."""
    try:
        record = json.loads((Path(path) / VIEW_RECORD).read_text(encoding="utf-8"))
        return [(str(name), Path(target)) for name, target in record["logdirs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


# -- the state of an index, for `telescope diagnose` ---------------------------------------------------------


@dataclass(frozen=True)
class IndexInfo:
    """What an index file holds, read without changing it. ``error`` says why it could not be read."""

    path: Path
    exists: bool
    schema_version: str | None = None
    expected_version: str = ""
    logdir: str | None = None
    runs: int = 0
    files: int = 0
    records: int = 0
    skipped: int = 0
    points: int = 0
    problems: int = 0
    last_update: float | None = None
    locked: bool = False  # a running Telescope is indexing into it
    error: str | None = None

    @property
    def schema_ok(self) -> bool:
        return self.schema_version == self.expected_version


def index_locked(path: str | Path) -> bool:
    """Whether a running Telescope holds the writer lock of the index at ``path`` (checked by taking it an instant)."""
    from telescope.store.lock import WriterLock

    if not Path(f"{path}.lock").exists():
        return False
    lock = WriterLock(path)
    if lock.acquire():
        lock.release()
        return False
    return True


def inspect_index(path: str | Path) -> IndexInfo:
    """The state of the index at ``path``, opened read-only (nothing is created or changed)."""
    from telescope.store.sqlite import SCHEMA_VERSION

    p = Path(path).expanduser().absolute()
    expected = str(SCHEMA_VERSION)
    if not p.is_file():
        return IndexInfo(p, exists=False, expected_version=expected)
    locked = index_locked(p)
    try:
        conn = sqlite3.connect(f"{p.as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error as e:
        return IndexInfo(p, exists=True, expected_version=expected, locked=locked, error=str(e))
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        version = meta.get("schema_version")
        last = meta.get("last_update")
        base = IndexInfo(
            p,
            exists=True,
            schema_version=None if version is None else str(version),
            expected_version=expected,
            logdir=meta.get("logdir"),
            last_update=None if last is None else float(last),
            locked=locked,
        )
        if base.schema_version != expected:
            return base
        files, records, skipped = conn.execute(
            "SELECT count(*), coalesce(sum(records), 0), coalesce(sum(skipped), 0) FROM files"
        ).fetchone()
        (runs,) = conn.execute("SELECT count(*) FROM runs").fetchone()
        (points,) = conn.execute("SELECT coalesce(sum(count), 0) FROM series").fetchone()
        (problems,) = conn.execute("SELECT count(*) FROM problems").fetchone()
        return IndexInfo(
            p,
            exists=True,
            schema_version=base.schema_version,
            expected_version=expected,
            logdir=base.logdir,
            runs=int(runs),
            files=int(files),
            records=int(records),
            skipped=int(skipped),
            points=int(points),
            problems=int(problems),
            last_update=base.last_update,
            locked=locked,
        )
    except (sqlite3.Error, ValueError) as e:
        return IndexInfo(p, exists=True, expected_version=expected, locked=locked, error=str(e))
    finally:
        conn.close()
