"""Starting a server for a notebook, or finding the one already running with the same arguments.

Entry point side of the pipeline (``telescope.notebook``): the server is ``python -m telescope ARGS`` in a
subprocess of its own session (interrupting or restarting the kernel leaves it running, to be reused), writing its
output to a log file in the state dir. It is ready once it has recorded itself (``cli/instances.py``) and answers
its port as that instance; if it exits first or does not answer in time, :class:`StartError` carries its output.
No IPython here: ``magic.py`` shows what this returns.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from telescope.cli import instances
from telescope.cli.instances import Instance

START_TIMEOUT = 60.0
LOG_MAX_AGE = 7 * 86400.0
OUTPUT_LIMIT = 20_000

# Servers this kernel started, kept so that they are reaped when they end (a finished child that is never waited
# for stays a zombie, and dropping a running Popen warns).
_children: dict[int, subprocess.Popen[bytes]] = {}


class StartError(RuntimeError):
    """The server did not start: ``output`` is what it printed, ``exit_code`` None if it was still running."""

    def __init__(self, message: str, *, output: str, exit_code: int | None, command: Sequence[str]) -> None:
        detail = f"\n{output.rstrip()}" if output.strip() else ""
        super().__init__(message + detail)
        self.message = message
        self.output = output
        self.exit_code = exit_code
        self.command = list(command)


@dataclass(frozen=True)
class Launch:
    instance: Instance
    reused: bool
    output: str  # what the server printed while starting (empty when reused)


def split_args(args: str | Sequence[str]) -> list[str]:
    """Command-line arguments from a magic's line (shell quoting) or a sequence taken as is."""
    if isinstance(args, str):
        return shlex.split(args, posix=os.name != "nt")
    return [str(a) for a in args]


def same_dir(a: str, b: str) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def find_reusable(argv: Sequence[str], cwd: str, running: Sequence[Instance]) -> Instance | None:
    """The running instance started with exactly these arguments from this directory (relative paths in the
    arguments mean the same thing only there), preferring one that answers, then the newest."""
    matches = [i for i in running if i.args == tuple(argv) and same_dir(i.cwd, cwd)]
    if not matches:
        return None
    return max(matches, key=lambda i: (i.answering, i.started))


def launch(argv: Sequence[str], *, timeout: float = START_TIMEOUT, cwd: str | None = None) -> Launch:
    """Reuse the server started with ``argv`` from ``cwd`` if it runs, else start one and wait until it answers."""
    reap()
    cwd = os.getcwd() if cwd is None else cwd
    found = find_reusable(argv, cwd, instances.read_instances())
    if found is not None:
        return Launch(found, reused=True, output="")
    return _start(list(argv), timeout=timeout, cwd=cwd)


def server_command(argv: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "telescope", *argv]


def _start(argv: list[str], *, timeout: float, cwd: str) -> Launch:
    command = server_command(argv)
    log_path = _new_log_path()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
    _children[proc.pid] = proc
    deadline = time.monotonic() + timeout
    try:
        while True:
            code = proc.poll()
            if code is not None:
                output = _read_log(log_path)
                if code == 0:
                    raise StartError("Telescope exited without serving.", output=output, exit_code=0, command=command)
                raise StartError(
                    f"Telescope failed to start (exit code {code}).", output=output, exit_code=code, command=command
                )
            ready = _registered(proc.pid)
            if ready is not None:
                return Launch(ready, reused=False, output=_read_log(log_path))
            if time.monotonic() > deadline:
                _terminate(proc)
                raise StartError(
                    f"Telescope did not answer within {timeout:g} s, so it was stopped "
                    "(a longer timeout: telescope.notebook.start(..., timeout=SECONDS)).",
                    output=_read_log(log_path),
                    exit_code=None,
                    command=command,
                )
            time.sleep(0.1)
    except KeyboardInterrupt:
        # An interrupted start leaves nothing half-started behind.
        _terminate(proc)
        raise


def _registered(pid: int) -> Instance | None:
    for _, record in instances.read_records():
        if record.pid == pid:
            checked = instances.check(record, timeout=1.0)
            if checked is not None and checked.answering:
                return checked
    return None


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    _children.pop(proc.pid, None)


def reap() -> None:
    """Collect the exit status of servers this kernel started that have ended since."""
    for pid, proc in list(_children.items()):
        if proc.poll() is not None:
            del _children[pid]


def _new_log_path() -> Path:
    folder = instances.state_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = time.time()
    for old in folder.glob("*.log"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > LOG_MAX_AGE:
                old.unlink()
    return folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.log"


def _read_log(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if len(text) > OUTPUT_LIMIT:
        text = "…\n" + text[-OUTPUT_LIMIT:]
    return text
