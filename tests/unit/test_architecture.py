"""The pipeline's stages import only from stages before them (DESIGN.md), checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "telescope"

# What each stage may import from telescope (besides itself and the shared errors/settings modules).
ALLOWED: dict[str, set[str]] = {
    "tfrecord": set(),
    "writer": {"tfrecord", "plugins"},
    "store": set(),
    "ingest": {"tfrecord", "store", "plugins"},
    "query": {"store"},
    "server": {"tfrecord", "store", "ingest", "query", "plugins"},
    "cli": {"server", "writer", "store", "ingest"},
}
COMMON = {"errors", "settings", "logdirs", "__init__"}


def imported_stages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "telescope" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_stage_imports_only_earlier_stages(stage: str) -> None:
    bad = []
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        if path.name.endswith("_pb2.py"):
            continue
        extra = imported_stages(path) - ALLOWED[stage] - COMMON - {stage, "__version__"}
        if extra:
            bad.append(f"{path.relative_to(PACKAGE)} imports {sorted(extra)}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("module", sorted(COMMON - {"__init__"}))
def test_shared_modules_import_no_stage(module: str) -> None:
    # Every stage may import these, so they import none (settings parsing logdirs must not pull in the CLI).
    assert imported_stages(PACKAGE / f"{module}.py") <= COMMON | {"__version__"}


def test_plugins_keep_http_in_routes() -> None:
    for path in sorted((PACKAGE / "plugins").rglob("*.py")):
        if path.name == "routes.py":
            continue
        assert "server" not in imported_stages(path), f"{path.relative_to(PACKAGE)}: only routes.py may use the server"
