"""Explaining what Telescope sees in a logdir: why it looks empty (for the UI's empty states), and a full
inspection of its runs, kinds of data and damaged files (for ``telescope diagnose``).

Ingest side of the pipeline: it uses discovery and the ingester's classification of series, reads event files
itself without an index, and says each problem in one sentence with its fix. Nothing here prints; the server puts
:class:`EmptyReason` in ``/api/status`` and ``telescope.cli.diagnose`` formats :class:`LogdirReport`.
"""

from __future__ import annotations

import difflib
import os
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf.message import DecodeError

from telescope.ingest.classify import classify
from telescope.ingest.discovery import discover, is_event_file
from telescope.ingest.payloads import event_values
from telescope.logdirs import drive_note
from telescope.plugins import kind_of
from telescope.store.location import read_logdir_view
from telescope.tfrecord.framing import read_frames
from telescope.tfrecord.proto import event_pb2

MAX_LISTED = 40
_SEARCH_BUDGET = 5000  # directory entries looked at when searching for event files nearby
_READ_BLOCK = 16 << 20
_WRITING_SECONDS = 120.0  # a file changed more recently than this may be being written
EVENT_FILE_HINT = "files named events.out.tfevents.* are what TensorBoard producers write"


@dataclass(frozen=True)
class LogdirState:
    """One logdir of several, in an empty state: what is wrong with it and the path that would do."""

    name: str
    path: str
    code: str  # "logdir_missing" | "not_a_directory" | "no_event_files" | "ok"
    message: str
    contents: list[str] = field(default_factory=list)
    suggestion: str | None = None


@dataclass(frozen=True)
class EmptyReason:
    code: str  # "logdir_missing" | "not_a_directory" | "no_event_files" | "no_readable_events" | "no_data"
    message: str
    contents: list[str] = field(default_factory=list)
    contents_of: str | None = None  # the directory ``contents`` lists (for a missing logdir, its nearest parent)
    suggestion: str | None = None
    logdirs: list[LogdirState] = field(default_factory=list)  # several logdirs: each one's state
    command: str | None = None  # several logdirs: the command line with the suggested paths


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
    """``path`` as the user would type it where Telescope was started."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive than the current directory's
        return str(path)


def _subdirs(path: Path) -> list[Path]:
    try:
        return sorted(Path(e.path) for e in os.scandir(path) if e.is_dir())
    except OSError:
        return []


def _nearest_existing(path: Path) -> Path:
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def find_missing_logdir(logdir: Path) -> tuple[Path, str] | None:
    """Where a logdir that does not exist probably is: a directory of the same name one or two levels deeper
    than where it was looked for (``fit`` typed for ``logs/fit``), or a similarly named one (``logs/fti``),
    holding event files. Returns the directory and how it was found ("deeper" or "similar")."""
    base = _nearest_existing(logdir)
    try:
        missing = logdir.relative_to(base).parts
    except ValueError:
        return None
    if not missing:
        return None
    # One or two levels deeper: <base>/<x>/<missing...> or <base>/<x>/<y>/<missing...>.
    level = [base]
    for _ in range(2):
        level = [d for parent in level for d in _subdirs(parent)][:200]
        for d in level:
            candidate = d.joinpath(*missing)
            if candidate.is_dir() and _find_event_dir(candidate, max_depth=3) is not None:
                return candidate, "deeper"
    # A misspelt name at the first missing level.
    names = [d.name for d in _subdirs(base)]
    for close in difflib.get_close_matches(missing[0], names, n=3, cutoff=0.6):
        candidate = base.joinpath(close, *missing[1:])
        if candidate.is_dir() and _find_event_dir(candidate, max_depth=3) is not None:
            return candidate, "similar"
    return None


def explain_missing(logdir: Path) -> EmptyReason:
    if logdir.exists() and not logdir.is_dir():
        return EmptyReason(
            "not_a_directory",
            f"The logdir {logdir} is a file, not a directory. Point --logdir at "
            f"the directory that holds it: {logdir.parent}.",
            suggestion=_display(logdir.parent),
        )
    parent = _nearest_existing(logdir)
    found = find_missing_logdir(logdir)
    message = f"The logdir {logdir} does not exist. Telescope will show runs as soon as it appears; "
    if found is not None:
        where, how = found
        said = "one level deeper" if how == "deeper" else "in a directory of a similar name"
        message += f"event files were found {said}, in {_display(where)}: did you mean --logdir {_display(where)}?"
    else:
        message += f"check the path (the nearest existing directory is {parent}).{drive_note(logdir)}"
    return EmptyReason(
        "logdir_missing",
        message,
        contents=list_contents(parent),
        contents_of=str(parent),
        suggestion=None if found is None else _display(found[0]),
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


def find_nearby_events(logdir: Path) -> tuple[Path, Path] | None:
    """Event files near an existing logdir that holds none (in a sibling, or a sibling of its parent): the
    directory holding them and the logdir to suggest."""
    up = logdir.parent
    for _ in range(2):
        nearby = _find_event_dir(up, skip=logdir, max_depth=5)
        if nearby is not None:
            return nearby, _suggested_logdir(nearby, up)
        if up == up.parent:
            break
        up = up.parent
    return None


def explain_no_event_files(logdir: Path, discovery_errors: list[str]) -> EmptyReason:
    several = read_logdir_view(logdir)
    if several is not None:
        return explain_logdirs(several, discovery_errors)
    contents = list_contents(logdir)
    nearby = find_nearby_events(logdir)
    suggestion = None if nearby is None else _display(nearby[1])
    message = f"No event files in {logdir}: no file under it has 'tfevents' in its name" + (
        " (it is empty)." if not contents else "."
    )
    if discovery_errors:
        message += " Some directories could not be searched: " + "; ".join(discovery_errors[:3]) + "."
    if nearby is not None:
        message += f" Event files were found in {_display(nearby[0])}: did you mean --logdir {suggestion}?"
    else:
        message += " Point --logdir at the directory your training script writes to (e.g. logs/fit)."
    return EmptyReason("no_event_files", message, contents=contents, contents_of=str(logdir), suggestion=suggestion)


def _logdir_state(name: str, path: Path, *, avoid: set[str]) -> LogdirState:
    """The state of one logdir of several; a suggestion in ``avoid`` is not made."""
    label = f"{name} ({path})"
    if not path.exists():
        found = find_missing_logdir(path)
        suggestion = None if found is None else _display(found[0])
        if suggestion is None or suggestion in avoid:
            note = drive_note(path)
            message = f"{label} does not exist;{note}" if note else f"{label} does not exist"
            return LogdirState(name, str(path), "logdir_missing", message)
        return LogdirState(
            name, str(path), "logdir_missing", f"{label} does not exist; did you mean {suggestion}?", [], suggestion
        )
    if not path.is_dir():
        return LogdirState(
            name, str(path), "not_a_directory", f"{label} is a file, not a directory", [], _display(path.parent)
        )
    if discover(path, max_depth=8).files:
        return LogdirState(name, str(path), "ok", f"{label} holds event files", [])
    contents = list_contents(path)
    message = f"{label} holds no event files" + (" (it is empty)" if not contents else "")
    nearby = find_nearby_events(path)
    if nearby is None or _display(nearby[1]) in avoid:
        return LogdirState(name, str(path), "no_event_files", message, contents)
    suggestion = _display(nearby[1])
    message += f"; event files were found in {_display(nearby[0])}: did you mean {suggestion}?"
    return LogdirState(name, str(path), "no_event_files", message, contents, suggestion)


def _quote(text: str) -> str:
    return shlex.quote(text) if os.name != "nt" else (f'"{text}"' if " " in text else text)


def explain_logdirs(logdirs: Sequence[tuple[str, Path]], discovery_errors: list[str]) -> EmptyReason:
    """Why several logdirs show nothing: each one's state, and the command line with the paths suggested."""
    # A directory that another logdir of the set already is, or is pointed at, is no use suggesting twice; a
    # missing logdir's suggestion (its own name found deeper) is surer than an empty one's (event files nearby).
    order = sorted(range(len(logdirs)), key=lambda i: Path(logdirs[i][1]).exists())
    taken = {_display(Path(p)) for _, p in logdirs}
    by_index: dict[int, LogdirState] = {}
    for i in order:
        name, path = logdirs[i]
        by_index[i] = state = _logdir_state(name, Path(path), avoid=taken)
        if state.suggestion:
            taken.add(state.suggestion)
    states = [by_index[i] for i in range(len(logdirs))]
    all_missing = all(s.code == "logdir_missing" for s in states)
    code = "logdir_missing" if all_missing else "no_event_files"
    n = len(states)
    head = f"None of the {n} logdirs exists." if all_missing else f"None of the {n} logdirs holds event files yet."
    message = head + " " + "; ".join(s.message for s in states) + "."
    if discovery_errors:
        message += " Some directories could not be searched: " + "; ".join(discovery_errors[:3]) + "."
    command = None
    if any(s.suggestion for s in states):
        paths = [(s.name, s.suggestion or _display(Path(s.path))) for s in states]
        command = "telescope " + " ".join(f"--logdir {_quote(f'{name}:{p}')}" for name, p in paths)
    return EmptyReason(code, message, logdirs=states, command=command)


# -- `telescope diagnose`: everything about a logdir, read from its files -----------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing found: a problem (with its fix in one sentence) or a note."""

    problem: bool
    text: str
    fix: str | None = None


@dataclass
class FileReport:
    path: str  # relative to the logdir ("name/..." for one of several)
    abspath: str
    size: int
    records: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)  # each with its byte offset
    cut_off_at: int | None = None  # a record that does not end before the end of the file
    being_written: bool = False  # changed in the last minutes: a cut-off last record is still being written
    unreadable: str | None = None


@dataclass
class RunReport:
    name: str
    files: list[FileReport] = field(default_factory=list)
    kinds: dict[str, set[str]] = field(default_factory=dict)  # kind -> tags
    first_step: int | None = None
    last_step: int | None = None

    @property
    def events(self) -> int:
        return sum(f.events for f in self.files)


@dataclass
class LogdirReport:
    name: str
    path: Path
    exists: bool = False
    is_dir: bool = False
    readable: bool = False
    runs: list[RunReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def event_files(self) -> int:
        return sum(len(r.files) for r in self.runs)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.problem]


def inspect_file(abspath: str, rel: str, size: int, mtime: float, run: RunReport) -> FileReport:
    """Read one event file from start to end: count its records and events, classify its tags into ``run``,
    and note every damaged record with its offset."""
    report = FileReport(rel, abspath, size, being_written=time.time() - mtime < _WRITING_SECONDS)
    if size == 0:
        return report
    tags: dict[str, str] = {}
    offset = 0
    carry = b""
    try:
        with open(abspath, "rb") as fh:
            while True:
                chunk = fh.read(_READ_BLOCK)
                at_end = len(chunk) < _READ_BLOCK
                buf = carry + chunk
                frames = read_frames(buf, offset)
                stalled = frames.stalled_at is not None
                for p in frames.problems:
                    if p.kind == "length_crc" and stalled and p.offset == frames.stalled_at and not at_end:
                        continue  # more bytes may hold the next good record: read them first
                    if p.kind == "data_crc":
                        report.problems.append(f"bad CRC in the record at byte {p.offset}: it was skipped")
                    elif p.offset == frames.stalled_at:
                        report.problems.append(
                            f"damaged record header at byte {p.offset}: the last {p.gap} bytes cannot be read"
                        )
                    else:
                        report.problems.append(
                            f"damaged record header at byte {p.offset}: {p.gap} bytes skipped to the next good record"
                        )
                for payload, at in zip(frames.payloads, frames.offsets, strict=True):
                    report.records += 1
                    _read_event(bytes(payload), at, report, run, tags)
                if at_end:
                    if not stalled and frames.end < offset + len(buf):
                        report.cut_off_at = frames.end
                    break
                resume = frames.stalled_at if stalled else frames.end
                assert resume is not None
                carry = buf[resume - offset :]
                offset = resume
                if stalled and len(carry) > 4 * _READ_BLOCK:
                    # No good record in 64 MB after a damaged header: the rest is not readable.
                    report.problems.append(
                        f"damaged record header at byte {offset}: no readable record in the {len(carry)} bytes after it"
                    )
                    break
    except OSError as e:
        report.unreadable = e.strerror or str(e)
    return report


def _read_event(payload: bytes, at: int, report: FileReport, run: RunReport, tags: dict[str, str]) -> None:
    try:
        event = event_pb2.Event.FromString(payload)
    except DecodeError:
        report.problems.append(f"the record at byte {at} is not an Event (its bytes do not decode): it was skipped")
        return
    report.events += 1
    values = event_values(event)
    if values and event.WhichOneof("what") != "file_version":
        step = int(event.step)
        run.first_step = step if run.first_step is None else min(run.first_step, step)
        run.last_step = step if run.last_step is None else max(run.last_step, step)
    for value in values:
        tag = value.tag or value.node_name
        kind = tags.get(tag)
        if kind is None:
            plugin = classify(value, tag).plugin
            kind = tags[tag] = kind_of(plugin) if plugin else "unknown"
        run.kinds.setdefault(kind, set()).add(tag)


def _file_findings(f: FileReport) -> list[Finding]:
    out: list[Finding] = []
    if f.unreadable is not None:
        out.append(Finding(True, f"{f.path}: cannot be read ({f.unreadable})", "give your user read access to it."))
        return out
    if f.size == 0:
        out.append(Finding(False, f"{f.path}: empty (0 bytes); its writer has not written anything yet"))
    if f.records == 0 and f.size > 0 and f.cut_off_at is None and f.problems:
        out.append(
            Finding(
                True,
                f"{f.path}: not an event file despite its name (no readable record in its {f.size} bytes)",
                "move or rename it: Telescope skips it, but every file named *tfevents* is read as an event file.",
            )
        )
        return out
    if f.problems:
        shown = "; ".join(f.problems[:5]) + (f"; and {len(f.problems) - 5} more" if len(f.problems) > 5 else "")
        out.append(
            Finding(
                True,
                f"{f.path}: {len(f.problems)} damaged record(s): {shown}",
                "nothing to do to see the rest: Telescope skips damaged records; only rerunning the training "
                "recovers what they held.",
            )
        )
    if f.cut_off_at is not None:
        tail = f.size - f.cut_off_at
        if f.being_written:
            out.append(
                Finding(
                    False, f"{f.path}: its last record ({tail} bytes at byte {f.cut_off_at}) is still being written"
                )
            )
        else:
            out.append(
                Finding(
                    True,
                    f"{f.path}: truncated: the last record ({tail} bytes at byte {f.cut_off_at}) is cut off",
                    "the writer stopped mid-record (killed, or the disk was full); the records before it are shown.",
                )
            )
    return out


def inspect_logdir(name: str, path: Path, *, read_files: bool = True) -> LogdirReport:
    """Everything ``telescope diagnose`` says about one logdir (``name`` is "" for a single one)."""
    report = LogdirReport(name, path)
    fix_hint = f"--logdir {name}:" if name else "--logdir "
    report.exists = path.exists()
    if not report.exists:
        found = find_missing_logdir(path)
        if found is not None:
            where, how = found
            said = "one level deeper" if how == "deeper" else "in a directory of a similar name"
            fix = f"event files found {said}, in {_display(where)}: did you mean {fix_hint}{_display(where)}?"
        else:
            parent = _nearest_existing(path)
            held = ", ".join(list_contents(parent)[:8]) or "nothing"
            fix = f"check the path: the nearest existing directory is {parent} (it holds: {held}).{drive_note(path)}"
        report.findings.append(Finding(True, f"{path} does not exist", fix))
        return report
    report.is_dir = path.is_dir()
    if not report.is_dir:
        what = "an event file" if is_event_file(path.name) else "a file"
        report.findings.append(
            Finding(
                True,
                f"the path is a file, not a directory ({what})",
                f"use the directory that holds it: {fix_hint}{_display(path.parent)}",
            )
        )
        return report
    try:
        os.scandir(path).close()
        report.readable = True
    except OSError as e:
        report.findings.append(
            Finding(
                True,
                f"the directory cannot be read ({e.strerror or e})",
                "give your user read access to it (or run Telescope as a user who has it).",
            )
        )
        return report
    discovered = discover(path)
    runs: dict[str, RunReport] = {}
    for f in discovered.files:
        run = runs.setdefault(f.run, RunReport(f.run))
        if read_files:
            run.files.append(inspect_file(f.abspath, f.path, f.size, f.mtime, run))
        else:
            run.files.append(FileReport(f.path, f.abspath, f.size))
    report.runs = [runs[k] for k in sorted(runs)]
    for error in discovered.errors:
        loop = "already visited" in error
        report.findings.append(
            Finding(
                not loop,
                f"not searched: {error}",
                None if loop else "give your user read access to it, or point --logdir at a directory below it.",
            )
        )
    if not discovered.files:
        contents = list_contents(path)
        held = f" (it holds: {', '.join(contents[:8])})" if contents else " (it is empty)"
        nearby = find_nearby_events(path)
        if nearby is not None:
            fix = f"event files found in {_display(nearby[0])}: did you mean {fix_hint}{_display(nearby[1])}?"
        else:
            fix = (
                "point --logdir at the directory your training script writes to (the log_dir of SummaryWriter or "
                "of tf.keras.callbacks.TensorBoard)."
            )
        report.findings.append(Finding(True, f"no event files: {EVENT_FILE_HINT}{held}", fix))
        return report
    for run in report.runs:
        for fr in run.files:
            report.findings.extend(_file_findings(fr))
        if read_files and not run.kinds and all(fr.unreadable is None and fr.records for fr in run.files):
            report.findings.append(
                Finding(False, f"run {run.name}: no data yet (only file headers); it appears once it logs something")
            )
    common = _common_dir([r.name for r in report.runs])
    if common:
        report.findings.append(
            Finding(
                False,
                f"every run is under {common}/: {fix_hint}{_display(path.joinpath(*common.split('/')))} "
                "would give shorter run names",
            )
        )
    return report


def _common_dir(runs: list[str]) -> str:
    """The directory every run is inside (not a run itself), or ""."""
    if not runs or "." in runs:
        return ""
    parts = [r.split("/") for r in runs]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    if any(len(p) == len(common) for p in parts):
        common = common[:-1]  # a run cannot be cut off its own name
    return "/".join(common)


def overlapping(logdirs: Sequence[tuple[str, Path]]) -> list[Finding]:
    """Problems of a set of logdirs as a whole: one inside another (its runs appear twice)."""
    out = []
    for name, path in logdirs:
        for other, other_path in logdirs:
            if other != name and path != other_path and other_path in path.parents:
                out.append(
                    Finding(
                        True,
                        f"the logdir {name} ({path}) is inside the logdir {other} ({other_path}): "
                        "its runs appear twice",
                        f"give only {other}: its runs already include {name}'s.",
                    )
                )
            elif other < name and path == other_path:
                out.append(
                    Finding(
                        True,
                        f"the logdirs {other} and {name} are the same directory ({path}): its runs appear twice",
                        "give it once.",
                    )
                )
    return out
