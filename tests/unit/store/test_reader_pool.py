"""Reads from many threads at once share the store's few reading connections and all get the same answer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from telescope.ingest import Ingester
from telescope.store import Store
from telescope.store import sqlite as store_sqlite
from tests.helpers import scalar_event, version_event, write_events


def test_many_threads_share_a_few_connections(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    for r in range(5):
        write_events(
            logdir / f"run{r}" / "events.out.tfevents.1.h",
            version_event(),
            *[scalar_event("loss", s, float(r * 1000 + s)) for s in range(200)],
        )
    store = Store(tmp_path / "index.sqlite", logdir=str(logdir))
    Ingester(logdir, store).poll_once()
    rows = store.list_series(tag="loss")
    expected = [c.values.tolist() for c in store.read_scalar_columns_many(rows)]

    opened: list[object] = []
    connect = store._connect

    def counting_connect(cache_kb: int) -> object:
        conn = connect(cache_kb)
        opened.append(conn)
        return conn

    store._connect = counting_connect  # type: ignore[method-assign,assignment]
    start = threading.Barrier(12)

    def read(_: int) -> list[list[float]]:
        start.wait()
        got = []
        for _ in range(10):
            got = [c.values.tolist() for c in store.read_scalar_columns_many(store.list_series(tag="loss"))]
        return got

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(read, range(12)))
    assert all(a == expected for a in answers)
    # Twelve threads reading at once opened no more connections than the pool holds (some may have been open).
    assert len(opened) <= store_sqlite.READERS
    store.close()
