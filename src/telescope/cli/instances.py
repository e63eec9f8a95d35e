"""Running Telescope servers: the per-user registry of instances and the ``telescope list`` / ``telescope stop``
commands.

Entry point side of the pipeline: a server (``cli/serve.py``) records itself here once it listens and removes its
record when it exits cleanly; ``telescope list``, ``telescope stop`` and notebooks (``telescope.notebook``) read it.
There is one JSON file per instance in ``<user state dir>/instances/`` (``TELESCOPE_STATE_DIR`` overrides the state
dir). The files are only hints: every read checks each record (the process with that pid and start time is alive,
and the server on that port says it is that instance through ``GET /api/instance``) and deletes the records that
fail, so those of crashed or killed servers disappear without anyone deleting them by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import urllib.request

logger = logging.getLogger(__name__)

STATE_DIR_ENV = "TELESCOPE_STATE_DIR"
INSTANCE_ENDPOINT = "api/instance"
# A record's start time and the process's may differ a little: both are derived from the boot time, which the
# kernel recomputes from the wall clock.
START_TIME_TOLERANCE = 1.0
PROBE_TIMEOUT = 2.0
STOP_TIMEOUT = 10.0


def state_dir() -> Path:
    """The per-user folder for Telescope's state (read at call time, never at import)."""
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir("telescope", appauthor=False))


def instances_dir() -> Path:
    return state_dir() / "instances"


def new_instance_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Instance:
    """One running server, as it recorded itself."""

    id: str
    pid: int
    create_time: float  # the process's start time (psutil), to tell it from a later process given the same pid
    port: int
    host: str  # the interface it listens on
    url: str  # what a browser on this machine opens, path prefix included
    logdir: str
    args: tuple[str, ...]  # the command-line arguments it was started with
    cwd: str  # where it was started (relative logdirs in args are relative to it)
    started: float  # wall_time when it started listening
    version: str
    path_prefix: str = ""
    # Filled by read_instances: whether it answered its port in time (False only for a live but busy server).
    answering: bool = field(default=True, compare=False)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["args"] = list(self.args)
        del out["answering"]
        return out

    @classmethod
    def from_json(cls, data: Any) -> Instance:
        """Raises ``ValueError`` for anything that is not a record we wrote."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        try:
            args = data["args"]
            if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
                raise ValueError("bad args")
            return cls(
                id=_typed(data["id"], str),
                pid=_typed(data["pid"], int),
                create_time=float(_typed(data["create_time"], (int, float))),
                port=_typed(data["port"], int),
                host=_typed(data["host"], str),
                url=_typed(data["url"], str),
                logdir=_typed(data["logdir"], str),
                args=tuple(args),
                cwd=_typed(data["cwd"], str),
                started=float(_typed(data["started"], (int, float))),
                version=_typed(data["version"], str),
                path_prefix=_typed(data.get("path_prefix", ""), str),
            )
        except KeyError as e:
            raise ValueError(f"missing {e}") from e

    @property
    def probe_url(self) -> str:
        """Where this machine reaches the server's instance endpoint (a wildcard address is reached locally)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "localhost": "127.0.0.1", "": "127.0.0.1"}.get(
            self.host, self.host
        )
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}{self.path_prefix}/{INSTANCE_ENDPOINT}"


def _typed(value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"unexpected value {value!r}")
    return value


def process_create_time(pid: int) -> float | None:
    """The start time of the live process ``pid``, or None if there is none (a zombie counts as gone)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return None
    except psutil.AccessDenied:
        return None


# ---- writing ---------------------------------------------------------------------------------------------------


def register(instance: Instance) -> Path:
    """Write ``instance``'s record atomically (readers never see half a file); readable by this user only."""
    folder = instances_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{instance.id}.json"
    tmp = folder / f".{instance.id}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(instance.to_json(), f, indent=2)
    os.replace(tmp, path)
    return path


def unregister(instance_id: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (instances_dir() / f"{instance_id}.json").unlink()


# ---- reading and checking --------------------------------------------------------------------------------------


class Probe(Enum):
    SAME = "same"  # it answered as this instance
    OTHER = "other"  # nothing listens there, or something else does
    SILENT = "silent"  # it did not answer in time


def probe(instance: Instance, timeout: float = PROBE_TIMEOUT) -> Probe:
    """Ask the server on the instance's port who it is."""
    # Imported here: only listing and stopping servers probe; a server starting up need not import urllib.
    import urllib.error
    import urllib.request

    request = urllib.request.Request(instance.probe_url, headers={"accept": "application/json"})
    try:
        with _no_proxy_opener().open(request, timeout=timeout) as response:
            data = json.loads(response.read(64 * 1024))
    except TimeoutError:
        return Probe.SILENT
    except urllib.error.URLError as e:
        return Probe.SILENT if isinstance(e.reason, TimeoutError) else Probe.OTHER
    except (OSError, ValueError):
        return Probe.OTHER
    if isinstance(data, dict) and data.get("id") == instance.id and data.get("pid") == instance.pid:
        return Probe.SAME
    return Probe.OTHER


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    # An HTTP(S)_PROXY in the environment must not route a request for our own local port elsewhere.
    import urllib.request

    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def check(instance: Instance, timeout: float = PROBE_TIMEOUT) -> Instance | None:
    """The instance if it is still running (with ``answering`` set), else None.

    Its process must be alive with the recorded start time, and its port must answer as the same instance. A live
    process with the right start time that does not answer in time is kept (a busy server is still running); one
    whose start time differs is kept only if its port positively says it is that instance and pid (the wall clock
    may have been stepped since it started).
    """
    created = process_create_time(instance.pid)
    if created is None:
        return None
    same_start = abs(created - instance.create_time) <= START_TIME_TOLERANCE
    answer = probe(instance, timeout)
    if answer is Probe.SAME:
        return instance
    if answer is Probe.SILENT and same_start:
        return replace(instance, answering=False)
    return None


def read_records() -> list[tuple[Path, Instance]]:
    """The records as they are on disk, unchecked (unreadable ones are deleted)."""
    folder = instances_dir()
    try:
        paths = sorted(folder.glob("*.json"))
    except OSError:
        return []
    records: list[tuple[Path, Instance]] = []
    for path in paths:
        try:
            records.append((path, Instance.from_json(json.loads(path.read_text(encoding="utf-8")))))
        except FileNotFoundError:
            continue  # removed by its server meanwhile
        except (OSError, ValueError) as e:
            logger.info("dropping unreadable instance record %s: %s", path, e)
            _drop(path)
    return records


def read_instances(*, timeout: float = PROBE_TIMEOUT) -> list[Instance]:
    """The instances that are running, oldest first; records of the others are deleted."""
    records = read_records()
    if not records:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(records))) as pool:
        checked = list(pool.map(lambda r: check(r[1], timeout), records))
    alive = []
    for (path, _), result in zip(records, checked, strict=True):
        if result is None:
            _drop(path)
        else:
            alive.append(result)
    alive.sort(key=lambda i: (i.started, i.port))
    return alive


def _drop(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, PermissionError):
        path.unlink()


def find(instances: Iterable[Instance], *, port: int) -> list[Instance]:
    return [i for i in instances if i.port == port]


# ---- stopping --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stopped:
    instance: Instance
    killed: bool  # it did not stop within the timeout and was killed
    already_gone: bool = False


def stop(instance: Instance, *, timeout: float = STOP_TIMEOUT) -> Stopped:
    """SIGTERM the instance's process, wait up to ``timeout`` seconds, then SIGKILL it and what it started.

    Only a process with the recorded pid and start time is signalled; the record is removed afterwards.
    """
    import psutil

    try:
        proc = psutil.Process(instance.pid)
        # psutil refuses to signal a Process object whose pid was reused since it was made, so checking the start
        # time once here covers the whole function.
        if abs(proc.create_time() - instance.create_time) > START_TIME_TOLERANCE and check(instance) is None:
            unregister(instance.id)
            return Stopped(instance, killed=False, already_gone=True)
        children = proc.children(recursive=True)
        proc.terminate()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        unregister(instance.id)
        return Stopped(instance, killed=False, already_gone=True)
    killed = False
    if not _wait_gone(proc, timeout):
        killed = True
        for p in [proc, *children]:
            with contextlib.suppress(psutil.Error):
                p.kill()
        _wait_gone(proc, 5.0)
    if killed:
        # Worker processes of a killed server may be left behind; they are ours too.
        _, alive = psutil.wait_procs(children, timeout=2.0)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
    unregister(instance.id)
    return Stopped(instance, killed=killed)


def _wait_gone(proc: Any, timeout: float) -> bool:
    """Whether the process ended within ``timeout`` (a zombie has ended: only its parent can reap it)."""
    import psutil

    deadline = time.monotonic() + timeout
    while True:
        try:
            if not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE:
                return True
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


# ---- the commands ----------------------------------------------------------------------------------------------


def describe_age(started: float, now: float | None = None) -> str:
    seconds = max(0, int((time.time() if now is None else now) - started))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min ago"
    return f"{seconds // 86400} d ago"


def format_table(instances: Sequence[Instance]) -> str:
    rows = [("PORT", "PID", "STARTED", "LOGDIR", "URL")]
    for i in instances:
        started = datetime.fromtimestamp(i.started).strftime("%Y-%m-%d %H:%M:%S")
        url = i.url if i.answering else f"{i.url} (not answering)"
        rows.append((str(i.port), str(i.pid), started, i.logdir, url))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=False)) + "  " + r[-1] for r in rows)


def _out(message: str) -> None:
    print(message, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def list_main(argv: Sequence[str]) -> int:
    """``telescope list``: the running servers of this user."""
    parser = argparse.ArgumentParser(
        prog="telescope list",
        description="List the Telescope servers this user is running (port, pid, start time, logdir, URL).",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array of records instead of a table")
    ns = parser.parse_args(list(argv))
    instances = read_instances()
    if ns.json:
        _out(json.dumps([{**i.to_json(), "answering": i.answering} for i in instances], indent=2))
        return 0
    if not instances:
        _out("No Telescope is running.")
        return 0
    _out(format_table(instances))
    return 0


def stop_main(argv: Sequence[str]) -> int:
    """``telescope stop PORT`` / ``telescope stop --all``: stop servers this user started."""
    parser = argparse.ArgumentParser(
        prog="telescope stop",
        description="Stop a Telescope server this user started (SIGTERM, then SIGKILL after --timeout seconds). "
        "Only Telescope's own processes are stopped, recognised by pid and start time.",
        epilog="examples:\n  telescope stop 6006\n  telescope stop --all",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("port", type=int, nargs="?", metavar="PORT", help="port of the server to stop")
    parser.add_argument("--all", action="store_true", help="stop every Telescope server of this user")
    parser.add_argument(
        "--timeout",
        type=float,
        default=STOP_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for a clean exit before killing (default: {STOP_TIMEOUT:g})",
    )
    ns = parser.parse_args(list(argv))
    if ns.port is None and not ns.all:
        parser.print_usage(sys.stderr)
        _err("telescope stop: error: give the PORT of the server to stop (see `telescope list`), or --all")
        return 2
    if ns.port is not None and ns.all:
        parser.print_usage(sys.stderr)
        _err("telescope stop: error: give a PORT or --all, not both")
        return 2
    instances = read_instances()
    if ns.all:
        targets = instances
        if not targets:
            _out("No Telescope is running.")
            return 0
    else:
        targets = find(instances, port=ns.port)
        if not targets:
            others = ", ".join(str(i.port) for i in instances)
            hint = f" Running on port(s): {others}." if others else " No Telescope is running."
            _err(f"telescope stop: error: no Telescope of yours is running on port {ns.port}.{hint}")
            return 1
    for instance in targets:
        result = stop(instance, timeout=ns.timeout)
        if result.already_gone:
            _out(f"Telescope on port {instance.port} (pid {instance.pid}) had already stopped.")
        elif result.killed:
            _out(
                f"Telescope on port {instance.port} (pid {instance.pid}) did not stop within {ns.timeout:g} s; "
                "killed it."
            )
        else:
            _out(f"Stopped Telescope on port {instance.port} (pid {instance.pid}, logdir {instance.logdir}).")
    return 0
