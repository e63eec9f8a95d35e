"""Shared by the fixture compatibility tests: each fixture logdir ingested once per test session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from telescope.ingest import Ingester
from telescope.store import Store


@pytest.fixture(scope="session")
def ingested(
    fixture_logdir: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Store]]:
    """``ingested(name)``: a store holding everything of the fixture logdir ``name`` (tests only read it)."""
    stores: dict[str, Store] = {}

    def get(name: str) -> Store:
        if name not in stores:
            logdir = fixture_logdir(name)
            store = Store(tmp_path_factory.mktemp("idx") / "index.sqlite", logdir=str(logdir))
            Ingester(logdir, store).poll_once()
            stores[name] = store
        return stores[name]

    yield get
    for store in stores.values():
        store.close()
