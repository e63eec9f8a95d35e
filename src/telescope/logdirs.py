"""Reading the logdirs the user typed: one or several (``--logdir`` repeated, TensorBoard's
``--logdir_spec name1:path1,name2:path2``), each maybe named.

Shared by every stage, like :mod:`telescope.settings`, which turns its logdir values into ``(name, path)`` pairs
through :func:`logdir_set` (flags mangled on their way to the terminal are :mod:`telescope.cli.argv`'s).
Everything here works on strings; the current directory, home directory and path flavour are parameters, so
Windows paths (``C:\\logs\\fit``, ``D:/runs``) are tested on any machine with ``pathmod=ntpath``.

Rules:

* ``name:path`` names a logdir when the part before the first colon is a plain name (no ``/``, ``\\`` or
  ``~``). A drive letter (``C:\\logs``, ``D:/runs``, ``E:``) and a URL (``gs://bucket/logs``) are never names, on
  any platform (a logdir list written on Windows means the same on Linux), nor is text that exists as a path as
  typed (a directory called ``logs:2024``). TensorBoard on Linux reads ``a:/data/a`` as the name a and the path
  /data/a; here it is the drive a:, so a name for an absolute path has two letters or more (``ab:/data/a``).
* Surrounding quotes (``'...'``, ``"..."``, and the typographic ones chat apps produce) are stripped, ``~`` is
  expanded, relative paths are resolved against the current directory.
* A single unnamed logdir has the name ``""``: its run names are not prefixed. Otherwise every logdir has a name
  and its runs are ``name/relpath`` (``name`` for event files directly in it). An unnamed logdir among several is
  named after its directory (``logs/fit`` -> ``fit``); when two would share a name, the parent directory is put in
  front (``a-fit``, ``b-fit``), then a number (``fit-2``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType

_DRIVE = re.compile(r"^[A-Za-z]:([\\/]|$)")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u201d": "\u201d", "\u2018": "\u2019", "\u2019": "\u2019"}
_OPENING_QUOTES = "\"'\u201c\u201d\u2018\u2019"
_NAME_FORBIDDEN = "/\\:"


class LogdirError(ValueError):
    """A logdir list that cannot be used; the message says why and what to type instead."""


@dataclass(frozen=True)
class LogdirEntry:
    """One logdir as typed: ``name`` is None when the user gave none."""

    name: str | None
    path: str


def strip_quotes(text: str) -> str:
    """``text`` without surrounding whitespace and matching quotes (several layers: ``"'logs'"`` -> ``logs``)."""
    text = text.strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] == _QUOTES[text[0]]:
        text = text[1:-1].strip()
    return text


def is_url(text: str) -> bool:
    return _URL.match(text) is not None


def split_named(text: str, *, exists: Callable[[str], bool] | None = None) -> LogdirEntry:
    """``name:path`` -> ``LogdirEntry(name, path)``; anything else is an unnamed path (see the module's rules).
    ``exists`` tells whether the text as typed is a path on disk, which wins over a name. ``C:\\logs``,
    ``D:/runs`` and ``C:`` are drives on every platform."""
    text = strip_quotes(text)
    if _DRIVE.match(text) or is_url(text):
        return LogdirEntry(None, text)
    head, sep, tail = text.partition(":")
    name = head.strip()
    if not sep or not name or any(c in name for c in "/\\~") or name in (".", ".."):
        return LogdirEntry(None, text)
    if exists is not None and exists(text):
        return LogdirEntry(None, text)
    path = strip_quotes(tail)
    if not path:
        raise LogdirError(f"{text!r} names a logdir {name!r} but gives no path after the colon (write {name}:PATH)")
    return LogdirEntry(name, path)


def drive_note(path: os.PathLike[str] | str) -> str:
    """A sentence for a missing logdir whose path went through a Windows drive (``x:/data/x`` typed on Linux,
    where TensorBoard would have read the name x): how to name it instead. Empty when nothing looks like one."""
    parts = os.fspath(path).replace("\\", "/").split("/")
    drive = next((p for p in parts if len(p) == 2 and p[1] == ":" and p[0].isalpha()), None)
    if drive is None or os.name == "nt":
        return ""
    rest = "/".join(parts[parts.index(drive) + 1 :])
    return (
        f" {drive}/{rest} is read as a path on the Windows drive {drive}; to name the logdir /{rest} instead, "
        f"give a name of two letters or more: {drive[0] * 2}:/{rest}"
    )


def split_spec(spec: str) -> list[str]:
    """The comma-separated items of a ``--logdir_spec`` value; a comma inside quotes does not separate."""
    items: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for ch in strip_quotes(spec):
        if quote is not None:
            current.append(ch)
            if ch == _QUOTES.get(quote, quote):
                quote = None
        elif ch in _OPENING_QUOTES:
            quote = ch
            current.append(ch)
        elif ch == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [item for item in (i.strip() for i in items) if item]


def parse_spec(spec: str, *, exists: Callable[[str], bool] | None = None) -> list[LogdirEntry]:
    """The logdirs of a ``--logdir_spec`` value: ``name1:path1,name2:path2`` (names optional)."""
    entries = [split_named(item, exists=exists) for item in split_spec(spec)]
    if not entries:
        raise LogdirError(f"--logdir_spec {spec!r} names no logdir (write name1:path1,name2:path2)")
    return entries


def resolve_path(
    text: str,
    *,
    cwd: str | None = None,
    home: str | None = None,
    pathmod: ModuleType = os.path,
) -> str:
    """``text`` as an absolute path: quotes stripped, ``~`` expanded, relative to ``cwd`` (default: the current
    directory), symbolic links resolved when ``pathmod`` is this machine's (as :meth:`pathlib.Path.resolve`). A URL
    is returned as typed."""
    p = strip_quotes(text)
    if is_url(p):
        return p
    if p == "~" or p.startswith(("~/", "~\\")):
        p = (home if home is not None else pathmod.expanduser("~")) + p[1:]
    elif p.startswith("~"):
        p = pathmod.expanduser(p)
    base = os.getcwd() if cwd is None else cwd
    joined = pathmod.join(base, p)  # an absolute p (another drive included) wins over base
    resolved: str = pathmod.realpath(joined) if pathmod is os.path else pathmod.normpath(joined)
    return resolved


def check_name(name: str) -> str:
    """``name`` if it can prefix run names, else LogdirError saying why."""
    if not name or name in (".", ".."):
        raise LogdirError(f"{name!r} cannot name a logdir: choose a word such as train or baseline")
    bad = [c for c in _NAME_FORBIDDEN if c in name]
    if bad:
        raise LogdirError(f"the logdir name {name!r} contains {bad[0]!r}; names are single words such as baseline")
    if name.startswith("."):
        raise LogdirError(f"the logdir name {name!r} starts with a dot; choose a name that does not")
    return name


def auto_name(path: str, *, pathmod: ModuleType = os.path) -> str:
    """The name of an unnamed logdir among several: its directory's name, made safe for a run-name prefix."""
    if is_url(path):
        base = path.rstrip("/").rsplit("/", 1)[-1]
    else:
        drive, rest = pathmod.splitdrive(pathmod.normpath(path))
        base = pathmod.basename(rest.rstrip("\\/")) or drive.rstrip(":\\/")
    safe = re.sub(r"[/\\:]+", "_", base).lstrip(".")
    return safe or "root"


def _parent_name(path: str, pathmod: ModuleType) -> str:
    if is_url(path):
        return auto_name(path.rstrip("/").rsplit("/", 1)[0], pathmod=pathmod)
    return auto_name(pathmod.dirname(pathmod.normpath(path).rstrip("\\/")), pathmod=pathmod)


def logdir_set(
    entries: Sequence[LogdirEntry],
    *,
    cwd: str | None = None,
    home: str | None = None,
    pathmod: ModuleType = os.path,
) -> list[tuple[str, str]]:
    """``(name, absolute path)`` for each logdir, in the order given; ``[("", path)]`` for one unnamed logdir.

    The same path given twice without a name counts once. LogdirError for two logdirs with one name or a name
    that cannot prefix run names."""
    resolved: list[tuple[str | None, str]] = []
    for e in entries:
        item = (e.name, resolve_path(e.path, cwd=cwd, home=home, pathmod=pathmod))
        if item not in resolved:
            resolved.append(item)
    if not resolved:
        return []
    if len(resolved) == 1 and resolved[0][0] is None:
        return [("", resolved[0][1])]
    explicit: dict[str, str] = {}
    for name, path in resolved:
        if name is None:
            continue
        check_name(name)
        if name in explicit:
            raise LogdirError(f"two logdirs are named {name!r} ({explicit[name]} and {path}); give each its own name")
        explicit[name] = path
    taken = set(explicit)
    names: list[str | None] = [name for name, _ in resolved]
    unnamed = [i for i, (name, _) in enumerate(resolved) if name is None]
    proposed = {i: auto_name(resolved[i][1], pathmod=pathmod) for i in unnamed}
    counts: dict[str, int] = {}
    for i in unnamed:
        counts[proposed[i]] = counts.get(proposed[i], 0) + 1
    for i in unnamed:
        candidate = proposed[i]
        if counts[candidate] > 1 or candidate in taken:
            candidate = f"{_parent_name(resolved[i][1], pathmod)}-{candidate}"
        base, n = candidate, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        names[i] = candidate
    return [(str(name), path) for name, (_, path) in zip(names, resolved, strict=True)]


def spec_text(logdirs: Iterable[tuple[str, object]]) -> str:
    """The logdirs as one line: the path of a single unnamed logdir, else a ``--logdir_spec`` value (a path is
    quoted where it would read otherwise: after a one-letter name, which could be a drive, or with a comma)."""
    items = list(logdirs)
    if len(items) == 1 and items[0][0] == "":
        return str(items[0][1])
    return ",".join(
        f'{name}:"{path}"' if len(name) == 1 or "," in str(path) else f"{name}:{path}" for name, path in items
    )
