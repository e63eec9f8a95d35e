"""Telescope in a real notebook: executed headlessly by nbclient on an IPython kernel, as Jupyter would."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from telescope.cli import instances
from tests.helpers import kill_recorded

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A state dir of this test's own; the kernel, and the servers it starts, inherit it."""
    folder = tmp_path / "state"
    monkeypatch.setenv(instances.STATE_DIR_ENV, str(folder))
    monkeypatch.delenv("TELESCOPE_PROXY_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    yield folder
    kill_recorded(folder)


def run_notebook(cells: list[str], cwd: Path) -> list[list[dict[str, Any]]]:
    """Execute code cells in a fresh kernel started in ``cwd``; each cell's outputs."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return [cell.outputs for cell in nb.cells]


def html_of(outputs: list[dict[str, Any]]) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs)


def text_of(outputs: list[dict[str, Any]]) -> str:
    return "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in outputs)


def iframe_src(outputs: list[dict[str, Any]]) -> str:
    m = re.search(r'<iframe src="([^"]+)"', html_of(outputs))
    assert m, outputs
    return m.group(1)


def test_magic_shows_the_ui_and_reuses_the_server(
    state: Path, tmp_path: Path, fixture_logdir: Callable[[str], Path]
) -> None:
    logdir = fixture_logdir("keras_dev")
    db = tmp_path / "index.sqlite"
    start = f"%telescope --logdir {logdir} --db {db}"
    outputs = run_notebook(
        [
            "%load_ext telescope",
            start,
            start,
            f"%telescope --logdir {logdir} --db {tmp_path / 'other.sqlite'} --reload-interval 5",
            "import telescope.notebook\n[(i.port, i.pid) for i in telescope.notebook.list()]",
        ],
        tmp_path,
    )
    first, again, other, listed = outputs[1], outputs[2], outputs[3], outputs[4]

    src = iframe_src(first)
    assert src.startswith("http://localhost:")
    status = httpx.get(src + "api/status").json()
    assert status["logdir"] == str(logdir) and status["runs"] > 0
    assert "Telescope started on port" in text_of(first) and src in text_of(first)

    # The same logdir and flags: the same server, not a second one.
    assert iframe_src(again) == src
    assert "Reusing the Telescope started" in text_of(again)
    # Other flags: another server on another port.
    other_src = iframe_src(other)
    assert other_src != src and httpx.get(other_src + "api/status").status_code == 200

    running = instances.read_instances()
    assert sorted(i.url for i in running) == sorted([src, other_src])
    assert sorted(ast.literal_eval(text_of(listed))) == sorted((i.port, i.pid) for i in running)

    # The servers outlive the kernel: a new kernel with the same flags finds the one already running.
    (_, later) = run_notebook(["%load_ext telescope", start], tmp_path)
    assert iframe_src(later) == src
    assert len(instances.read_instances()) == 2


def test_a_failing_start_shows_why(state: Path, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "events.out.tfevents.1.host"
    not_a_dir.write_bytes(b"")
    (_, failed) = run_notebook(["%load_ext telescope", f"%telescope --logdir {not_a_dir}"], tmp_path)
    assert "<iframe" not in html_of(failed)
    assert "Telescope failed to start (exit code 2)" in text_of(failed)
    assert "is a file, not a directory" in text_of(failed)
    assert "is a file, not a directory" in html_of(failed)
    assert instances.read_instances() == []


def test_python_api_start_display_and_relative_logdir(state: Path, tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    db = tmp_path / "index.sqlite"
    outputs = run_notebook(
        [
            "import telescope.notebook as tn\n"
            f"inst = tn.start(['--logdir', 'logs', '--db', {str(db)!r}], height=500)\n"
            "print(inst.port, inst.logdir)",
            "tn.display(height=300)",
            "tn.display(port=1)",
            "%load_ext telescope\n%telescope stop --all",
        ],
        tmp_path,
    )
    started, shown, missing, stopped = outputs
    src = iframe_src(started)
    assert "height:500px" in html_of(started)
    printed = "".join(o.get("text", "") for o in started if o["output_type"] == "stream")
    port, logdir = printed.strip().split(" ", 1)
    assert src == f"http://localhost:{port}/" and logdir == str((tmp_path / "logs").resolve())
    assert iframe_src(shown) == src and "height:300px" in html_of(shown)
    assert "No Telescope is running on port 1." in text_of(missing)
    assert f"Stopped Telescope on port {port}" in text_of(stopped)
    assert instances.read_instances() == []


def test_proxy_url_is_what_the_frame_opens(state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELESCOPE_PROXY_URL", "https://hub.example.org/user/me/proxy/{port}/")
    db = tmp_path / "index.sqlite"
    (_, shown) = run_notebook(["%load_ext telescope", f"%telescope --logdir {tmp_path} --db {db} --port 0"], tmp_path)
    (running,) = instances.read_instances()
    assert iframe_src(shown) == f"https://hub.example.org/user/me/proxy/{running.port}/"
