"""Running servers as a user manages them: `telescope list`, `telescope stop`, ports, path prefix, window title."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from telescope.cli import instances
from tests.helpers import ServerProcess, kill_recorded


def telescope(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "telescope", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A state dir of this test's own (servers and commands started by the test inherit it)."""
    folder = tmp_path / "state"
    monkeypatch.setenv(instances.STATE_DIR_ENV, str(folder))
    yield folder
    kill_recorded(folder)


@pytest.fixture
def server(tmp_path: Path, state: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start ``telescope ARGS`` (with an index of its own); every server is stopped at the end."""
    started: list[ServerProcess] = []

    def start(*args: str) -> ServerProcess:
        s = ServerProcess(*args, "--db", str(tmp_path / f"index{len(started)}.sqlite"))
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def port_of(url: str) -> int:
    m = re.search(r":(\d+)/", url)
    assert m, url
    return int(m.group(1))


def records(state: Path) -> list[Path]:
    return sorted((state / "instances").glob("*.json"))


def test_list_shows_a_server_and_forgets_it_once_killed(
    server: Callable[..., ServerProcess], state: Path, fixture_logdir: Callable[[str], Path]
) -> None:
    logdir = fixture_logdir("keras_dev")
    s = server("--logdir", str(logdir), "--port", "0")
    assert s.url is not None
    port = port_of(s.url)

    r = telescope("list")
    assert r.returncode == 0, r.stderr
    (row,) = [line for line in r.stdout.splitlines() if line.startswith(f"{port} ")]
    assert str(s.proc.pid) in row and str(logdir) in row and s.url in row

    (entry,) = json.loads(telescope("list", "--json").stdout)
    assert entry["port"] == port and entry["pid"] == s.proc.pid and entry["url"] == s.url
    assert entry["logdir"] == str(logdir) and "--logdir" in entry["args"] and entry["answering"] is True
    # The server says which instance it is.
    assert httpx.get(s.url + "api/instance").json() == {"id": entry["id"], "pid": s.proc.pid, "version": "0.1.0"}

    s.proc.kill()  # no chance to clean up after itself
    s.proc.wait(10)
    assert len(records(state)) == 1
    r = telescope("list")
    assert r.returncode == 0 and f"{port} " not in r.stdout and "No Telescope is running." in r.stdout
    assert records(state) == []
    assert json.loads(telescope("list", "--json").stdout) == []


def test_a_server_removes_its_record_when_it_exits_cleanly(
    server: Callable[..., ServerProcess], state: Path, tmp_path: Path
) -> None:
    a = server("--logdir", str(tmp_path), "--port", "0")
    b = server("--logdir", str(tmp_path), "--port", "0")
    assert len(records(state)) == 2
    a.stop()  # Ctrl-C
    b.proc.terminate()  # what a process manager sends
    assert b.proc.wait(20) == 0
    assert "Telescope stopped." in b.output
    assert records(state) == []


def test_stop_port_stops_the_server(server: Callable[..., ServerProcess], state: Path, tmp_path: Path) -> None:
    keep = server("--logdir", str(tmp_path), "--port", "0")
    s = server("--logdir", str(tmp_path), "--port", "0")
    assert s.url is not None and keep.url is not None
    port = port_of(s.url)

    r = telescope("stop", str(port))
    assert r.returncode == 0, r.stderr
    assert f"Stopped Telescope on port {port} (pid {s.proc.pid}" in r.stdout
    assert s.proc.wait(5) == 0  # it had already exited, cleanly
    assert not psutil.pid_exists(s.proc.pid) or psutil.Process(s.proc.pid).status() == psutil.STATUS_ZOMBIE
    assert "Telescope stopped." in s.output
    # The other server is untouched.
    assert httpx.get(keep.url + "api/status").status_code == 200

    r = telescope("stop", str(port))
    assert r.returncode == 1
    assert f"no Telescope of yours is running on port {port}" in r.stderr
    assert f"Running on port(s): {port_of(keep.url)}" in r.stderr


def test_stop_all(server: Callable[..., ServerProcess], state: Path, tmp_path: Path) -> None:
    started = [server("--logdir", str(tmp_path), "--port", "0") for _ in range(2)]
    r = telescope("stop", "--all")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Stopped Telescope on port") == 2
    for s in started:
        assert s.proc.wait(5) == 0
    assert records(state) == []
    assert "No Telescope is running." in telescope("stop", "--all").stdout


def test_stop_kills_a_server_that_ignores_sigterm(
    server: Callable[..., ServerProcess], state: Path, tmp_path: Path
) -> None:
    s = server("--logdir", str(tmp_path), "--port", "0")
    assert s.url is not None
    s.proc.send_signal(signal.SIGSTOP)  # a hung server: SIGTERM waits, SIGKILL does not
    try:
        r = telescope("stop", str(port_of(s.url)), "--timeout", "1")
    finally:
        if s.proc.poll() is None:
            s.proc.send_signal(signal.SIGCONT)
    assert r.returncode == 0, r.stderr
    assert "did not stop within 1 s; killed it" in r.stdout
    assert s.proc.wait(5) == -signal.SIGKILL
    assert records(state) == []


def test_a_stale_record_never_stops_another_process(state: Path, tmp_path: Path) -> None:
    """A record whose pid now belongs to some other process (pid reuse) is dropped, and that process lives on."""
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        port = holder.getsockname()[1]
        instances.register(
            instances.Instance(
                id="stale",
                pid=other.pid,
                create_time=psutil.Process(other.pid).create_time() - 3600,
                port=port,
                host="localhost",
                url=f"http://localhost:{port}/",
                logdir=str(tmp_path),
                args=("--logdir", str(tmp_path)),
                cwd=str(tmp_path),
                started=time.time() - 3600,
                version="0.1.0",
            )
        )
        r = telescope("stop", "--all")
        assert r.returncode == 0 and "No Telescope is running." in r.stdout
        r = telescope("stop", str(port))
        assert r.returncode == 1 and f"no Telescope of yours is running on port {port}" in r.stderr
        assert other.poll() is None
        assert records(state) == []
    finally:
        holder.close()
        other.kill()
        other.wait(5)


def test_taken_port_moves_to_the_next_one_and_list_shows_it(
    server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    taken = blocker.getsockname()[1]
    try:
        s = server("--logdir", str(tmp_path), "--port", str(taken))
        assert s.url is not None
        used = port_of(s.url)
        assert f"Port {taken} is in use; using port {used} instead." in s.output
        assert used > taken
        assert httpx.get(s.url + "api/status").status_code == 200
        (entry,) = json.loads(telescope("list", "--json").stdout)
        assert entry["port"] == used
    finally:
        blocker.close()


def test_port_zero_picks_a_free_port(server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    a = server("--logdir", str(tmp_path), "--port", "0")
    b = server("--logdir", str(tmp_path), "--port", "0")
    assert a.url is not None and b.url is not None
    assert port_of(a.url) not in (0, port_of(b.url))
    assert "in use" not in a.output
    for s in (a, b):
        assert httpx.get(s.url + "api/status").status_code == 200


def test_path_prefix_serves_everything_under_it(
    server: Callable[..., ServerProcess], fixture_logdir: Callable[[str], Path]
) -> None:
    s = server("--logdir", str(fixture_logdir("keras_dev")), "--port", "0", "--path-prefix", "/tb")
    assert s.url is not None and s.url.endswith("/tb/")
    root = s.url.removesuffix("tb/")
    page = httpx.get(s.url)
    assert page.status_code == 200 and '<div id="app">' in page.text
    for asset in re.findall(r'(?:src|href)="\./(assets/[^"]+)"', page.text):
        assert httpx.get(s.url + asset).status_code == 200
    assert httpx.get(s.url + "api/status").json()["runs"] > 0
    run = httpx.get(s.url + "api/runs").json()["runs"][0]["name"]
    assert run
    assert httpx.get(s.url + "data/runs").status_code == 200
    # Outside the prefix: the root sends the browser there, anything else is not found.
    assert httpx.get(root).headers["location"] == "/tb/"
    assert httpx.get(root + "tb").headers["location"] == "/tb/"
    assert httpx.get(root + "api/status").status_code == 404
    # list and stop find it under its prefix.
    (entry,) = json.loads(telescope("list", "--json").stdout)
    assert entry["url"] == s.url and entry["answering"] is True
    assert telescope("stop", str(port_of(s.url))).returncode == 0
    assert s.proc.wait(5) == 0


def test_path_prefix_serves_blobs(server: Callable[..., ServerProcess], fixture_logdir: Callable[[str], Path]) -> None:
    s = server("--logdir", str(fixture_logdir("torch_dev")), "--port", "0", "--path-prefix", "tb/")
    assert s.url is not None and s.url.endswith("/tb/")
    deadline = time.monotonic() + 30
    while httpx.get(s.url + "api/status").json()["ingest"]["state"] != "live" and time.monotonic() < deadline:
        time.sleep(0.2)
    (first, *_) = httpx.get(s.url + "api/images/tags").json()["tags"]
    listing = httpx.get(s.url + "api/images", params={"run": first["run"], "tag": first["tag"]}).json()
    url = listing["steps"][0]["items"][0]["url"]
    assert url.startswith("api/blobs/")  # relative: it resolves under the prefix
    blob = httpx.get(s.url + url)
    assert blob.status_code == 200 and blob.headers["content-type"].startswith("image/")


def test_window_title_is_the_page_title(server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    s = server("--logdir", str(tmp_path), "--port", "0", "--window-title", "Sweep <42> & co")
    assert s.url is not None
    assert "<title>Sweep &lt;42&gt; &amp; co</title>" in httpx.get(s.url).text
    # The UI titles the tab from /api/status once loaded; TensorBoard's environment endpoint says it too.
    assert httpx.get(s.url + "api/status").json()["window_title"] == "Sweep <42> & co"
    assert httpx.get(s.url + "data/environment").json()["window_title"] == "Sweep <42> & co"
    assert "<title>Telescope</title>" in httpx.get(server("--logdir", str(tmp_path), "--port", "0").url or "").text


def test_several_logdirs_are_listed_as_one_spec(server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    s = server("--logdir_spec", f"first:{tmp_path / 'a'},second:{tmp_path / 'b'}", "--port", "0")
    (entry,) = json.loads(telescope("list", "--json").stdout)
    assert entry["port"] == port_of(s.url or "")
    assert entry["logdir"].startswith("first:") and str(tmp_path / "b") in entry["logdir"]
    assert entry["logdir"] in telescope("list").stdout
