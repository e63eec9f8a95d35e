"""One tag across many runs is read in batches, with the same answer as reading each run alone."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from telescope.ingest import Ingester
from telescope.query import scalars as scalar_query
from telescope.query.scalars import iter_scalar_series_many, read_scalar_series
from telescope.store import Store
from tests.helpers import scalar_event, start_event, version_event, write_events


def test_batched_reads_match_one_run_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logdir = tmp_path / "logs"
    for r in range(7):
        points = [scalar_event("loss", s, math.sin(s * (r + 1)), wall=1000.0 + s) for s in range(40 + 13 * r)]
        if r == 3:  # a restart at step 20 hides the points written before it from there on
            points += [start_event(20, 2000.0), *[scalar_event("loss", s, -1.0, wall=2000.0 + s) for s in (20, 21)]]
        write_events(logdir / f"run{r}" / "events.out.tfevents.1.h", version_event(), *points)
    store = Store(tmp_path / "index.sqlite", logdir=str(logdir))
    Ingester(logdir, store).poll_once()
    rows = [s for s in store.list_series() if s.tag == "loss"]
    assert len(rows) == 7

    monkeypatch.setattr(scalar_query, "BATCH_POINTS", 100)  # a few runs per batch
    assert len(scalar_query._batches(rows, 100)) > 2
    for window in ({}, {"min_step": 10, "max_step": 30}):
        for budget in (None, 8):
            many = list(iter_scalar_series_many(store, rows, max_points=budget, **window))  # type: ignore[arg-type]
            assert [s.run for s in many] == [r.run for r in rows]
            for row, got in zip(rows, many, strict=True):
                alone = read_scalar_series(store, row, max_points=budget, **window)  # type: ignore[arg-type]
                assert got.steps.tolist() == alone.steps.tolist()
                assert got.values.tolist() == alone.values.tolist()
                assert (got.total, got.downsampled) == (alone.total, alone.downsampled)
    restarted = next(s for s in iter_scalar_series_many(store, rows) if s.run == "run3")
    assert restarted.steps.tolist()[-3:] == [19, 20, 21] and restarted.values.tolist()[-2:] == [-1.0, -1.0]
    store.close()


def test_batches_keep_order_and_cover_every_series() -> None:
    class Row:
        def __init__(self, count: int) -> None:
            self.count = count

    rows = [Row(c) for c in (5, 5, 50, 1, 1, 1, 200, 0)]
    batches = scalar_query._batches(rows, 10)  # type: ignore[arg-type]
    assert [len(b) for b in batches] == [2, 1, 3, 1, 1]  # a series bigger than a batch is a batch of its own
    assert [r for b in batches for r in b] == rows
    assert scalar_query._batches([], 10) == []
