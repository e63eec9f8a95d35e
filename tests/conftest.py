"""Shared pytest fixtures: paths to the shared fixture logdirs, extracted once per session."""

from __future__ import annotations

import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared folder that sits beside the checkout (override with TELESCOPE_SHARED)."""
    return Path(os.environ.get("TELESCOPE_SHARED", ROOT.parent / "shared")).resolve()


FIXTURE_NAMES = ("keras_dev", "torch_dev", "tbx_dev", "edge_dev")


@pytest.fixture(scope="session")
def fixture_logdir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Return a function that extracts ``NAME.tar.gz`` once and gives the logdir path."""
    extracted: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in extracted:
            archive = shared_dir() / "fixtures" / f"{name}.tar.gz"
            if not archive.exists():
                pytest.fail(f"fixture archive {archive} is missing; the shared folder must sit beside the checkout")
            dest = tmp_path_factory.mktemp(f"fx_{name}")
            with tarfile.open(archive) as tar:
                tar.extractall(dest, filter="data")
            extracted[name] = dest / name
        return extracted[name]

    return get


@pytest.fixture(scope="session")
def manifest() -> Callable[[str], dict[str, Any]]:
    """Return a function that loads ``manifests/NAME.manifest.json``."""

    def load(name: str, suffix: str = "manifest") -> dict[str, Any]:
        path = shared_dir() / "fixtures" / "manifests" / f"{name}.{suffix}.json"
        with path.open(encoding="utf-8") as f:
            return json.load(f)  # type: ignore[no-any-return]

    return load
