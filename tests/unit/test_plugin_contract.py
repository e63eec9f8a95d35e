"""Every registered data kind passes the same contract: its files, its docs, its UI folder, and its sample data
round-tripping writer → event files → ingest → query unchanged."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from telescope.ingest import Ingester
from telescope.plugins import BUILTIN, has_dashboard, load_plugins
from telescope.store import Store

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(load_plugins())


def test_builtin_kinds_register_through_entry_points() -> None:
    registered = {ep.name for ep in entry_points(group="telescope.plugins")}
    builtin = {name for name in BUILTIN if name in load_plugins()}
    assert "scalars" in builtin
    assert builtin <= registered, "install the package (pip install -e .) so its entry points exist"


@pytest.mark.parametrize("name", PLUGINS)
def test_folder_layout(name: str) -> None:
    plugin = load_plugins()[name]
    assert plugin.name == name
    assert plugin.storage_class in ("scalars", "tensors", "blobs")
    folder = Path(importlib.import_module(f"telescope.plugins.{name}").__file__ or "").parent
    for module in ("metadata.py", "decode.py", "query.py", "routes.py", "http_api.md"):
        assert (folder / module).exists(), f"plugins/{name}/{module} is missing"
    if has_dashboard(plugin):
        assert (ROOT / "web" / "src" / "plugins" / name).is_dir(), f"web/src/plugins/{name} is missing"


@pytest.mark.parametrize("name", PLUGINS)
def test_sample_round_trip(name: str, tmp_path: Path) -> None:
    plugin = load_plugins()[name]
    expected = plugin.write_sample(tmp_path / "logs")
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    assert plugin.read_sample(store) == expected


@pytest.mark.parametrize("name", PLUGINS)
def test_routes_are_documented(name: str) -> None:
    plugin = load_plugins()[name]
    router = plugin.router()
    assert router is not None
    doc = (Path(importlib.import_module(f"telescope.plugins.{name}").__file__ or "").parent / "http_api.md").read_text()
    for route in router.routes:
        path = getattr(route, "path", "")
        assert path in doc or path.rsplit("/", 1)[-1] in doc, f"{path} is not in plugins/{name}/http_api.md"
