"""The instance registry: records are checked on every read and the ones of servers that are gone disappear."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import pytest

from telescope.cli import instances
from telescope.cli.instances import Instance


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv(instances.STATE_DIR_ENV, str(folder))
    return folder


class FakeServer:
    """An HTTP server on a free port answering ``/api/instance`` with ``answer`` after ``delay`` seconds."""

    def __init__(self, answer: dict[str, Any], delay: float = 0.0) -> None:
        outer = self
        self.answer = answer
        self.delay = delay

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(outer.delay)
                if self.path != "/api/instance":
                    self.send_error(404)
                    return
                body = json.dumps(outer.answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_server() -> Iterator[Any]:
    servers: list[FakeServer] = []

    def make(answer: dict[str, Any], delay: float = 0.0) -> FakeServer:
        servers.append(FakeServer(answer, delay))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def record(port: int, *, id: str = "abc", pid: int | None = None, create_time: float | None = None) -> Instance:
    pid = os.getpid() if pid is None else pid
    if create_time is None:
        create_time = psutil.Process(pid).create_time()
    return Instance(
        id=id,
        pid=pid,
        create_time=create_time,
        port=port,
        host="localhost",
        url=f"http://localhost:{port}/",
        logdir="/data/logs",
        args=("--logdir", "/data/logs"),
        cwd="/data",
        started=time.time(),
        version="0.1.0",
    )


def files(state: Path) -> list[str]:
    return sorted(p.name for p in (state / "instances").glob("*"))


def test_a_live_server_that_answers_as_itself_is_listed(fake_server: Any, state: Path) -> None:
    server = fake_server({"id": "abc", "pid": os.getpid(), "version": "0.1.0"})
    instances.register(record(server.port))
    (found,) = instances.read_instances()
    assert found.port == server.port and found.answering
    assert files(state) == ["abc.json"]


def test_records_are_private_and_written_whole(state: Path) -> None:
    written = record(1)
    path = instances.register(written)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert files(state) == ["abc.json"]  # no temporary file left behind
    assert Instance.from_json(json.loads(path.read_text())) == written


def test_a_dead_process_is_dropped(state: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    created = psutil.Process(proc.pid).create_time()
    proc.wait()
    instances.register(record(1, pid=proc.pid, create_time=created))
    assert instances.read_instances() == []
    assert files(state) == []


def test_an_unreaped_process_counts_as_gone(state: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        created = psutil.Process(proc.pid).create_time()
        deadline = time.monotonic() + 10
        while psutil.Process(proc.pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.02)
        instances.register(record(1, pid=proc.pid, create_time=created))
        assert instances.read_instances() == []
    finally:
        proc.wait()


def test_a_reused_pid_is_dropped(fake_server: Any, state: Path) -> None:
    # The pid is alive but started at another time, and nothing on the port says it is that instance.
    server = fake_server({"id": "someone-else", "pid": os.getpid(), "version": "0.1.0"})
    mine = psutil.Process().create_time()
    instances.register(record(server.port, create_time=mine - 100))
    assert instances.read_instances() == []
    assert files(state) == []


def test_a_port_answering_as_another_instance_is_dropped(fake_server: Any, state: Path) -> None:
    server = fake_server({"id": "another", "pid": os.getpid(), "version": "0.1.0"})
    instances.register(record(server.port))
    assert instances.read_instances() == []


def test_a_closed_port_is_dropped(fake_server: Any, state: Path) -> None:
    server = fake_server({"id": "abc", "pid": os.getpid(), "version": "0.1.0"})
    port = server.port
    server.close()
    instances.register(record(port))
    assert instances.read_instances() == []


def test_a_busy_server_is_kept_but_said_to_be_silent(fake_server: Any, state: Path) -> None:
    server = fake_server({"id": "abc", "pid": os.getpid(), "version": "0.1.0"}, delay=1.0)
    instances.register(record(server.port))
    (found,) = instances.read_instances(timeout=0.2)
    assert not found.answering
    assert "(not answering)" in instances.format_table([found])
    assert files(state) == ["abc.json"]


def test_a_clock_step_does_not_lose_a_server_that_answers(fake_server: Any, state: Path) -> None:
    server = fake_server({"id": "abc", "pid": os.getpid(), "version": "0.1.0"})
    instances.register(record(server.port, create_time=psutil.Process().create_time() + 3600))
    assert [i.id for i in instances.read_instances()] == ["abc"]


def test_unreadable_records_are_dropped(state: Path) -> None:
    folder = state / "instances"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text("{not json")
    (folder / "partial.json").write_text(json.dumps({"id": "x", "pid": 1}))
    (folder / "wrong.json").write_text(json.dumps({**record(1).to_json(), "port": "6006"}))
    assert instances.read_instances() == []
    assert files(state) == []


def test_no_state_dir_means_nothing_runs(state: Path) -> None:
    assert instances.read_instances() == []
    assert not state.exists()


def test_list_main_table_and_json(fake_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert instances.list_main([]) == 0
    assert capsys.readouterr().out.strip() == "No Telescope is running."
    server = fake_server({"id": "abc", "pid": os.getpid(), "version": "0.1.0"})
    instances.register(record(server.port))
    assert instances.list_main([]) == 0
    header, row = capsys.readouterr().out.strip().splitlines()
    assert header.split() == ["PORT", "PID", "STARTED", "LOGDIR", "URL"]
    assert row.split()[0] == str(server.port) and row.split()[1] == str(os.getpid())
    assert row.endswith(f"/data/logs  http://localhost:{server.port}/")
    assert instances.list_main(["--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["port"] == server.port and entry["args"] == ["--logdir", "/data/logs"] and entry["answering"]


def test_stop_main_needs_a_port_or_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert instances.stop_main([]) == 2
    assert "give the PORT of the server to stop" in capsys.readouterr().err
    assert instances.stop_main(["6006", "--all"]) == 2
    assert "not both" in capsys.readouterr().err
    assert instances.stop_main(["6006"]) == 1
    assert "no Telescope of yours is running on port 6006. No Telescope is running." in capsys.readouterr().err


def test_describe_age() -> None:
    now = 1_000_000.0
    assert instances.describe_age(now - 5, now) == "5 s ago"
    assert instances.describe_age(now - 125, now) == "2 min ago"
    assert instances.describe_age(now - 3 * 3600 - 60, now) == "3 h 1 min ago"
    assert instances.describe_age(now - 3 * 86400, now) == "3 d ago"
    assert instances.describe_age(now + 10, now) == "0 s ago"
