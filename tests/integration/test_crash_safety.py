"""Killing the ingester with SIGKILL at any moment loses nothing and duplicates nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from telescope.ingest import Ingester
from telescope.query import read_scalar_series
from telescope.store import Store
from tests.helpers import scalar_event, version_event, write_events

INGEST = """
import sys
from telescope.ingest import Ingester
from telescope.store import Store
logdir, db = sys.argv[1], sys.argv[2]
print("go", flush=True)
Ingester(logdir, Store(db, logdir=logdir), block_bytes=1024).poll_once()
print("done", flush=True)
"""


def snapshot(store: Store) -> dict[tuple[str, str], list[tuple[int, float]]]:
    out = {}
    for row in store.list_series(plugin="scalars"):
        s = read_scalar_series(store, row, include_hidden=True)
        out[(row.run, row.tag)] = list(zip(s.steps.tolist(), s.values.tolist(), strict=True))
    return out


def test_kill_9_at_any_moment(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    rng = np.random.default_rng(3)
    for r in range(6):
        events = [version_event()]
        for step in range(1500):
            events += [scalar_event(f"tag{t}", step, float(rng.normal())) for t in range(3)]
        write_events(logdir / f"run{r}" / "events.out.tfevents.1.h", *events)
    reference = Store(tmp_path / "reference.sqlite", logdir=str(logdir.resolve()))
    Ingester(logdir, reference).poll_once()
    expected = snapshot(reference)
    assert sum(len(v) for v in expected.values()) == 6 * 3 * 1500

    db = tmp_path / "crashy.sqlite"
    kills = 0
    for delay in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45):
        proc = subprocess.Popen(
            [sys.executable, "-c", INGEST, str(logdir.resolve()), str(db)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # "go": imports are done, ingest starts now
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        proc.stdout.close()
    assert kills >= 2, "ingest finished before any kill; make the logdir bigger"
    store = Store(db, logdir=str(logdir.resolve()))
    Ingester(logdir, store).poll_once()
    assert snapshot(store) == expected
    status = store.status()
    assert status.bytes_read == status.bytes_total
    assert status.records == reference.status().records
