"""Starting, watching and stopping the servers under test.

Each server runs in its own process group (``start_new_session``), so stopping it ends its children too
(TensorBoard's Rust data server is one); every server started is also stopped at interpreter exit and on
SIGINT/SIGTERM. A sampler thread sums the resident memory of the whole process tree every ~50 ms.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

_LIVE: dict[int, Server] = {}


class ServerError(RuntimeError):
    """A server did not start, died, or did not reach the expected state in time."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class MemorySampler:
    """Peak RSS of a process and all its descendants, sampled every ``interval`` seconds."""

    pid: int
    interval: float = 0.05
    samples: list[tuple[float, int]] = field(default_factory=list)  # (perf_counter, bytes)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"rss-{self.pid}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        known: dict[int, psutil.Process] = {self.pid: root}
        while not self._stop.is_set():
            total = 0
            try:
                children = root.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            for c in children:
                known.setdefault(c.pid, c)  # reuse Process objects (cheaper, and safe against pid reuse)
            for pid in [self.pid, *(c.pid for c in children)]:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    total += known[pid].memory_info().rss
            self.samples.append((time.perf_counter(), total))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def peak(self, start: float | None = None, end: float | None = None) -> int:
        values = [b for t, b in self.samples if (start is None or t >= start) and (end is None or t <= end)]
        return max(values, default=0)


@dataclass
class Server:
    """One running server: its process, port, log and memory sampler."""

    label: str
    argv: list[str]
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes]
    started: float  # perf_counter just before the process was created
    sampler: MemorySampler
    client: httpx.Client

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def check_alive(self) -> None:
        code = self.proc.poll()
        if code is not None:
            raise ServerError(f"{self.label} exited with code {code} before it was done; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join("    " + ln for ln in text[-lines:])

    def get(self, path: str, **kw: object) -> httpx.Response:
        return self.client.get(self.base + path, **kw)  # type: ignore[arg-type]

    def post(self, path: str, **kw: object) -> httpx.Response:
        return self.client.post(self.base + path, **kw)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.sampler.stop()
        self.client.close()
        stop_process_group(self.proc)
        _LIVE.pop(self.proc.pid, None)


def stop_process_group(proc: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it (and of the tree) after ``grace``."""
    if proc.poll() is not None and not _group_alive(proc.pid):
        return
    try:
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for p in tree:  # a child that left the group (setsid) is still ours
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def start_server(
    label: str, argv: list[str], *, port: int, log_path: Path, env: dict[str, str] | None = None
) -> Server:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "wb")  # noqa: SIM115 - handed to the child, closed below
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
    except OSError as e:
        log.close()
        raise ServerError(f"cannot start {label}: {argv[0]}: {e}") from e
    log.close()
    sampler = MemorySampler(proc.pid)
    sampler.start()
    server = Server(
        label=label,
        argv=argv,
        port=port,
        log_path=log_path,
        proc=proc,
        started=started,
        sampler=sampler,
        client=httpx.Client(timeout=httpx.Timeout(120.0, connect=2.0)),
    )
    _LIVE[proc.pid] = server
    return server


def stop_all() -> None:
    for server in list(_LIVE.values()):
        with contextlib.suppress(Exception):
            server.stop()


def _on_signal(signum: int, frame: object) -> None:
    stop_all()
    raise SystemExit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
