"""``telescope diagnose``: what Telescope sees in one or several logdirs, without starting a server.

Entry-point side of the pipeline: for each logdir, :func:`telescope.ingest.diagnose.inspect_logdir` reads the
event files (runs, kinds of data, damaged records); then the index (:func:`telescope.store.location.inspect_index`,
read-only), the running Telescopes (``telescope.cli.instances``) and the port. Each problem is printed with its
fix in one sentence. Exit code 0 when nothing is wrong, 1 otherwise, 2 for a command line that cannot be used.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telescope import __version__
from telescope.cli.argv import correct_argv
from telescope.ingest.diagnose import Finding, LogdirReport, RunReport, inspect_logdir, overlapping
from telescope.logdirs import LogdirError
from telescope.settings import Settings, env_defaults, make_settings
from telescope.store.location import default_db_path, inspect_index, view_path

MAX_RUNS_LISTED = 50
PROBE_TIMEOUT = 1.0


@dataclass
class Section:
    title: str
    findings: list[Finding] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # details printed under the title, before the findings

    def ok(self, text: str) -> None:
        self.lines.append(f"  ok       {text}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telescope diagnose",
        description="Say what Telescope sees in a logdir (or several): runs, kinds of data, damaged files, the "
        "index, running Telescopes and the port. Reads the files; starts no server. Exit code 0 when nothing is "
        "wrong, 1 otherwise.",
        epilog="examples:\n"
        "  telescope diagnose --logdir logs/fit\n"
        "  telescope diagnose logs/a logs/b\n"
        "  telescope diagnose --logdir_spec base:logs/a,new:logs/b --port 6007",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("dirs", metavar="DIR", nargs="*", help="logdirs (the same as --logdir DIR)")
    parser.add_argument(
        "--logdir", action="append", metavar="DIR", default=None, help="a logdir; give it several times for several"
    )
    parser.add_argument("--logdir-spec", metavar="SPEC", default=None, help="several logdirs: name1:path1,name2:path2")
    parser.add_argument("--logdir_spec", dest="logdir_spec", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--db", metavar="PATH", default=None, help="the index to inspect (default: the logdirs' own)")
    parser.add_argument("--port", type=int, default=None, help="the port to check (default: 6006)")
    parser.add_argument("--host", default=None, help="the interface to check the port on (default: localhost)")
    parser.add_argument(
        "--quick", action="store_true", help="find event files and runs without reading them (for very large logdirs)"
    )
    return parser


def diagnose_main(argv: Sequence[str]) -> int:
    from telescope.cli.main import flags_of

    parser = build_parser()
    fix = correct_argv(argv, flags_of(parser), positionals=True)
    if fix is not None:
        print(fix.message(prog="telescope diagnose"), file=sys.stderr)
        return 2
    ns = parser.parse_args(list(argv))
    values: dict[str, object] = {"port": 6006, "host": "localhost"}
    values.update(env_defaults())
    given = [*(ns.logdir or []), *ns.dirs]
    if given:
        values["logdir"] = given
    for key in ("logdir_spec", "db", "port", "host"):
        if getattr(ns, key) is not None:
            values[key] = getattr(ns, key)
    settings = make_settings(values)
    try:
        logdirs = settings.logdirs()
    except LogdirError as e:
        print(f"telescope: error: {e}", file=sys.stderr)
        return 2
    if not logdirs:
        parser.print_usage(sys.stderr)
        print("telescope: error: which logdir? For example: telescope diagnose --logdir logs/fit", file=sys.stderr)
        return 2
    sections = diagnose(settings, logdirs, read_files=not ns.quick)
    try:
        print(render(sections, version=__version__), flush=True)
    except BrokenPipeError:  # `telescope diagnose ... | head`: the reader has seen enough
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
    return 1 if any(f.problem for s in sections for f in s.findings) else 0


def diagnose(settings: Settings, logdirs: list[tuple[str, Path]], *, read_files: bool = True) -> list[Section]:
    """Every section of the report, in the order printed."""
    reports = [inspect_logdir(name, path, read_files=read_files) for name, path in logdirs]
    sections = [_logdir_section(r, read_files=read_files) for r in reports]
    if len(logdirs) > 1:
        together = Section(f"The {len(logdirs)} logdirs together")
        together.findings = overlapping(logdirs)
        if not together.findings:
            together.ok("no logdir is inside another; runs are named NAME/... after their logdir")
        sections.append(together)
    instances = _read_instances()
    sections.append(_index_section(settings, logdirs, reports, instances))
    sections.append(_instances_section(instances, settings, logdirs))
    sections.append(_port_section(settings, instances))
    return sections


# -- logdirs --------------------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _describe_run(run: RunReport, width: int) -> str:
    kinds = ", ".join(f"{kind} ({_plural(len(tags), 'tag')})" for kind, tags in sorted(run.kinds.items()))
    steps = ""
    if run.first_step is not None:
        steps = (
            f", step {run.first_step}"
            if run.first_step == run.last_step
            else (f", steps {run.first_step}..{run.last_step}")
        )
    return f"{run.name:<{width}}  {_plural(len(run.files), 'file')}{steps}: {kinds or 'no data yet'}"


def _logdir_section(report: LogdirReport, *, read_files: bool) -> Section:
    title = f"Logdir {report.name} ({report.path})" if report.name else f"Logdir {report.path}"
    section = Section(title)
    if report.readable:
        section.ok("exists and is readable")
    if report.runs:
        files = report.event_files
        damaged = sum(1 for r in report.runs for f in r.files if f.problems or f.unreadable)
        section.ok(
            f"{_plural(files, 'event file')} in {_plural(len(report.runs), 'run')}"
            + (f" ({damaged} with problems, listed below)" if damaged else "")
        )
        width = min(48, max(len(r.name) for r in report.runs))
        for run in report.runs[:MAX_RUNS_LISTED]:
            if read_files:
                section.lines.append(f"             {_describe_run(run, width)}")
            else:
                section.lines.append(f"             {run.name:<{width}}  {_plural(len(run.files), 'file')}")
        if len(report.runs) > MAX_RUNS_LISTED:
            section.lines.append(f"             ... and {len(report.runs) - MAX_RUNS_LISTED} more runs")
    section.findings = list(report.findings)
    return section


# -- index ----------------------------------------------------------------------------------------------------


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def _index_section(
    settings: Settings, logdirs: list[tuple[str, Path]], reports: list[LogdirReport], instances: list[Any] | None
) -> Section:
    single = len(logdirs) == 1 and logdirs[0][0] == ""
    db = Path(settings.db).expanduser() if settings.db else default_db_path(logdirs)
    info = inspect_index(db)
    section = Section(f"Index {info.path}")
    if not info.exists:
        section.findings.append(
            Finding(False, "no index yet: Telescope builds it the first time it serves these logdirs")
        )
        return section
    if info.error is not None:
        section.findings.append(
            Finding(True, f"the index cannot be read ({info.error})", "start Telescope with --reindex to rebuild it.")
        )
        return section
    if not info.schema_ok:
        section.findings.append(
            Finding(
                False,
                f"written by another version of Telescope (schema {info.schema_version}, this one reads "
                f"{info.expected_version}): it is rebuilt at the next start",
            )
        )
        return section
    section.ok(f"schema version {info.schema_version} (this Telescope's)")
    expected = str(logdirs[0][1]) if single else str(view_path(logdirs))
    if info.logdir is not None and info.logdir != expected:
        section.findings.append(
            Finding(
                True,
                f"the index belongs to another logdir ({info.logdir})",
                "choose another --db, or start with --reindex to rebuild it for these logdirs.",
            )
        )
        return section
    found = sum(r.event_files for r in reports)
    updated = "" if info.last_update is None else f", last updated {_age(max(0.0, time.time() - info.last_update))}"
    section.ok(
        f"{_plural(info.files, 'file')} of {found} found, {_plural(info.runs, 'run')}, "
        f"{_plural(info.points, 'point')} indexed{updated}"
    )
    if info.files < found:
        section.findings.append(
            Finding(False, f"{found - info.files} event file(s) not indexed yet: they are read at the next start")
        )
    if info.skipped:
        section.findings.append(
            Finding(False, f"{_plural(info.skipped, 'damaged record')} skipped while indexing (see the logdir above)")
        )
    if info.locked:
        owner = [i for i in instances or [] if getattr(i, "logdir", None) == settings.logdir_text()]
        who = f" (port {owner[0].port}, pid {owner[0].pid})" if owner else ""
        section.findings.append(Finding(False, f"in use: a running Telescope{who} is indexing into it"))
    else:
        section.ok("not in use by a running Telescope")
    return section


# -- running Telescopes and the port --------------------------------------------------------------------------


def _read_instances() -> list[Any] | None:
    """The running Telescopes, or None when this version cannot tell (the registry module is missing)."""
    try:
        from telescope.cli import instances
    except ImportError:
        return None
    read = getattr(instances, "read_instances", None)
    if read is None:
        return None
    try:
        return list(read())
    except Exception as e:  # a broken registry must not hide the rest of the diagnosis
        print(f"(could not read the running Telescopes: {e})", file=sys.stderr)
        return None


def _instances_section(instances: list[Any] | None, settings: Settings, logdirs: list[tuple[str, Path]]) -> Section:
    section = Section("Running Telescopes")
    if instances is None:
        section.lines.append("  (this version of Telescope does not record running instances)")
        return section
    if not instances:
        section.lines.append("  none")
        return section
    ours = settings.logdir_text()
    for i in instances:
        mark = "  <- these logdirs" if getattr(i, "logdir", None) == ours else ""
        section.lines.append(
            f"  port {getattr(i, 'port', '?')}, pid {getattr(i, 'pid', '?')}: {getattr(i, 'url', '')}  "
            f"logdir {getattr(i, 'logdir', '?')}{mark}"
        )
    return section


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now (as ``telescope`` would bind it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def _get_json(url: str) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never route localhost via a proxy
    with opener.open(url, timeout=PROBE_TIMEOUT) as response:
        return json.loads(response.read(256 * 1024))


def who_listens(host: str, port: int) -> str:
    """What answers on ``host:port``: "telescope", "tensorboard" or "" (another program, or no answer)."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    for path, kind in (("/api/status", "telescope"), ("/data/environment", "tensorboard")):
        try:
            data = _get_json(base + path)
        except (OSError, ValueError, urllib.error.URLError):
            continue
        if not isinstance(data, dict):
            continue
        if kind == "telescope" and "version" in data and "ingest" in data:
            return kind
        if kind == "tensorboard" and "data_location" in data:
            return kind
    return ""


def _port_section(settings: Settings, instances: list[Any] | None) -> Section:
    host = "127.0.0.1" if settings.listen_host == "localhost" else settings.listen_host
    port = settings.port
    section = Section(f"Port {port}")
    try:
        free = port_free(host, port)
    except OSError as e:
        section.findings.append(
            Finding(True, f"cannot listen on {host}: {e.strerror or e}", "choose another --host (or leave it out).")
        )
        return section
    if free:
        section.ok(f"free: a new Telescope would listen on http://localhost:{port}/")
        return section
    owners = [i for i in instances or [] if getattr(i, "port", None) == port]
    later = "a new Telescope would take the next free port (or choose one with --port)"
    if owners:
        i = owners[0]
        section.findings.append(
            Finding(
                False,
                f"taken by the Telescope serving {getattr(i, 'logdir', '?')} (pid {getattr(i, 'pid', '?')}): open "
                f"{getattr(i, 'url', '')} or stop it with `telescope stop {port}`; {later}",
            )
        )
        return section
    kind = who_listens(host, port)
    who = {"telescope": "a Telescope", "tensorboard": "TensorBoard"}.get(kind, "another program")
    section.findings.append(Finding(False, f"taken by {who}; {later}"))
    return section


# -- printing -------------------------------------------------------------------------------------------------


def render(sections: list[Section], *, version: str) -> str:
    """The report as printed: plain ASCII so that every console shows it."""
    out = [f"Telescope {version}: diagnosis", ""]
    problems = 0
    for s in sections:
        out.append(s.title)
        out.extend(s.lines)
        for f in s.findings:
            if f.problem:
                problems += 1
                out.append(f"  PROBLEM  {f.text}")
                if f.fix:
                    out.append(f"           fix: {f.fix}")
            else:
                out.append(f"  note     {f.text}")
        out.append("")
    out.append(f"{_plural(problems, 'problem')} found." if problems else "No problems found.")
    return "\n".join(out)
