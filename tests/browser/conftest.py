"""Browser-test fixtures: the real Telescope server on a fixture logdir, and headless Chromium.

The server runs as a subprocess (``python -m telescope``) on a free port with its index in a temporary
directory. The UI must be built first (``cd web && npm ci && npm run build``); the tests fail, not skip,
when it is missing, since a green run without the UI would prove nothing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC_INDEX = ROOT / "src" / "telescope" / "server" / "static" / "index.html"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("TELESCOPE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str, timeout: float = 5.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def manifest_pairs(manifest: dict[str, Any], kind: str) -> set[tuple[str, str]]:
    """``(run, tag)`` of every series of ``kind`` a fixture logdir's manifest lists."""
    return {(run, tag) for run, r in manifest["runs"].items() for tag in r.get("data", {}).get(kind, {})}


def dev_server(request: pytest.FixtureRequest, logdir: str) -> Server:
    """The server fixture of a dev fixture logdir, by the logdir's name (``torch_dev`` gives ``torch_server``)."""
    server: Server = request.getfixturevalue(logdir.removesuffix("_dev") + "_server")
    return server


class Server:
    """A running ``python -m telescope`` process."""

    def __init__(self, logdir: Path, workdir: Path, cwd: Path | None = None, args: Sequence[str] = ()) -> None:
        """``args``: more flags; with ``--path-prefix P``, ``url`` is the page's address under it."""
        self.logdir = logdir
        self.port = _free_port()
        prefix = args[list(args).index("--path-prefix") + 1].strip("/") if "--path-prefix" in args else ""
        self.url = f"http://127.0.0.1:{self.port}/" + (f"{prefix}/" if prefix else "")
        self.log_path = workdir / "server.log"
        self._log = self.log_path.open("wb")
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "telescope",
                "--logdir",
                str(logdir),
                "--port",
                str(self.port),
                "--db",
                str(workdir / "index.db"),
                *args,
            ],
            cwd=str(cwd or workdir),
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"telescope exited with code {self.proc.returncode}:\n{self.log()}")
            try:
                get_json(self.url + "api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"telescope did not answer GET /api/status within {timeout:.0f} s:\n{self.log()}")

    def wait_live(self, timeout: float = 30.0) -> dict[str, Any]:
        """Wait until ingest has read every file (state "live")."""
        deadline = time.monotonic() + timeout
        status: dict[str, Any] = {}
        while time.monotonic() < deadline:
            status = get_json(self.url + "api/status")
            if status["ingest"]["state"] == "live":
                return status
            time.sleep(0.1)
        pytest.fail(f"ingest still not live after {timeout:.0f} s: {status}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="session")
def built_ui() -> Path:
    if not STATIC_INDEX.exists():
        pytest.fail(
            f"The web UI is not built: {STATIC_INDEX} is missing. Build it with "
            "`cd web && npm ci && npm run build` (or `pip install -e .`), then run the browser tests again."
        )
    return STATIC_INDEX


@pytest.fixture(scope="session")
def start_server(built_ui: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """Start a server on a logdir; every server started is stopped at the end of the session."""
    servers: list[Server] = []

    def start(logdir: Path, *, cwd: Path | None = None, live: bool = True, args: Sequence[str] = ()) -> Server:
        server = Server(logdir, tmp_path_factory.mktemp("server"), cwd=cwd, args=args)
        servers.append(server)
        server.wait_ready()
        if live:
            server.wait_live()
        return server

    yield start
    for s in servers:
        s.stop()


@pytest.fixture(scope="session")
def keras_server(start_server: Callable[..., Server], fixture_logdir: Callable[[str], Path]) -> Server:
    return start_server(fixture_logdir("keras_dev"))


# One server per test module that uses it, as when each module declared its own.
@pytest.fixture(scope="module")
def torch_server(start_server: Callable[..., Server], fixture_logdir: Callable[[str], Path]) -> Server:
    return start_server(fixture_logdir("torch_dev"))


@pytest.fixture(scope="module")
def tbx_server(start_server: Callable[..., Server], fixture_logdir: Callable[[str], Path]) -> Server:
    return start_server(fixture_logdir("tbx_dev"))


@pytest.fixture(scope="session")
def edge_server(start_server: Callable[..., Server], fixture_logdir: Callable[[str], Path]) -> Server:
    return start_server(fixture_logdir("edge_dev"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set TELESCOPE_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page_factory(browser: Any) -> Iterator[Callable[..., Any]]:
    """New pages in fresh contexts (own localStorage); uncaught page errors fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def new_page(
        color_scheme: str = "light", viewport: dict[str, int] | None = None, permissions: list[str] | None = None
    ) -> Any:
        ctx = browser.new_context(
            viewport=viewport or VIEWPORT, color_scheme=color_scheme, permissions=permissions or []
        )
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.set_default_timeout(10_000)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        return pg

    yield new_page
    for ctx in contexts:
        ctx.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture()
def page(page_factory: Callable[..., Any]) -> Any:
    return page_factory()


@pytest.fixture(scope="session")
def shot() -> Callable[[Any, str], Path]:
    """Save a screenshot under test-artifacts/ (git-ignored) for a person to look at."""

    def save(page: Any, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return save
