"""Helpers for tests: writing event files with exact contents, stopping servers a test left running, asking
Keras itself."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from telescope.store import Store
from telescope.tfrecord.framing import encode_record
from telescope.tfrecord.proto import event_pb2


def scalar_event(tag: str, step: int, value: float, wall: float | None = None) -> event_pb2.Event:
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step if wall is None else wall, step=step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return ev


def start_event(step: int, wall: float) -> event_pb2.Event:
    return event_pb2.Event(
        wall_time=wall, step=step, session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START)
    )


def version_event(wall: float = 1_700_000_000.0) -> event_pb2.Event:
    return event_pb2.Event(wall_time=wall, file_version="brain.Event:2")


def records(*events: event_pb2.Event) -> bytes:
    return b"".join(encode_record(e.SerializeToString()) for e in events)


def write_events(path: Path, *events: event_pb2.Event, append: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab" if append else "wb") as f:
        f.write(records(*events))
    return path


def visible(store: Store, run: str, tag: str, *, include_hidden: bool = False) -> list[tuple[int, float]]:
    from telescope.query import read_scalar_series

    (row,) = store.list_series(run=run, tag=tag)
    s = read_scalar_series(store, row, include_hidden=include_hidden)
    return list(zip(s.steps.tolist(), s.values.tolist(), strict=True))


class ServerProcess:
    """``python -m telescope ...`` in a subprocess; ``url`` is read from the line it prints when ready."""

    def __init__(self, *args: str, timeout: float = 30.0) -> None:
        import re
        import subprocess
        import sys
        import threading
        import time

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "telescope", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.lines: list[str] = []
        self.url: str | None = None
        ready = threading.Event()

        def pump() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r" at (http://\S+/) ", line)
                if m and self.url is None:
                    self.url = m.group(1)
                    ready.set()
            ready.set()

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.1):
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError("server did not start:\n" + "\n".join(self.lines))
        if self.url is None:
            self.stop()
            raise RuntimeError("server exited:\n" + "\n".join(self.lines))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, sig: int | None = None) -> int:
        import signal

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT if sig is None else sig)
            try:
                self.proc.wait(15)
            except Exception:
                self.proc.kill()
                self.proc.wait(5)
        self._pump.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return self.proc.returncode

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def kill_recorded(state: Path) -> None:
    """Kill whatever a test left running that recorded itself in ``state`` (checked by pid and start time)."""
    for path in (state / "instances").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        try:
            proc = psutil.Process(record["pid"])
            if abs(proc.create_time() - record["create_time"]) < 1.0:
                proc.kill()
                proc.wait(10)
        except psutil.Error:
            pass


def keras_answer(script: str, stdin: str | None = None) -> Any:
    """Run ``script`` in a fresh Python with Keras on its torch backend (skipping the test where either is not
    installed) and return the JSON it prints on its last line."""
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None:
        pytest.skip("keras with the torch backend is not installed")
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=stdin,
        env={**os.environ, "KERAS_BACKEND": "torch"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
