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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: they are the slowest, and the quick suites should report first."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))


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


@pytest.fixture
def app_client(tmp_path: Path) -> Any:
    """Return a function ``(logdir) -> TestClient`` over an app whose index is filled synchronously."""
    from telescope.server import ServerContext, create_app
    from telescope.settings import Settings

    contexts: list[Any] = []

    def make(logdir: Path, *, ingest: bool = True) -> ASGIClient:
        db = tmp_path / f"index{len(contexts)}.sqlite"
        ctx = ServerContext.open(Settings(logdir=str(logdir), db=str(db)))
        if ingest and ctx.ingester is not None:
            ctx.ingester.poll_once()
        contexts.append(ctx)
        return ASGIClient(create_app(ctx, start_ingest=False))

    yield make
    for ctx in contexts:
        ctx.store.close()


class ASGIClient:
    """A synchronous facade over ``httpx.ASGITransport``: requests go straight to the app, no socket."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        import asyncio

        import httpx

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.request(method, url, **kwargs)

        # Run on a thread of its own: a test may already have an event loop running on this one
        # (Playwright's sync API keeps one for the whole session).
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, go()).result()

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)
