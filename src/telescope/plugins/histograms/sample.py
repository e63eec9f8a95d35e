"""Sample data for the plugin contract suite: histograms from values (legacy form, TensorFlow's buckets) and from
raw buckets, read back through the query layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telescope.store import Store

_RAW_LIMITS = [-1.0, 0.0, 0.5, 2.0]
_RAW_COUNTS = [0.0, 3.0, 0.0, 4.0]


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Histograms from values and from raw buckets, written with the writer; what reading them must give: totals
    and outer edges, and exact buckets for the raw one."""
    import numpy as np

    from telescope.writer import SummaryWriter

    rng = np.random.default_rng(7)
    draws = [rng.normal(step, 1.0 + step, size=200 + 50 * step) for step in range(3)]
    with SummaryWriter(log_dir / "run") as w:
        for step, values in enumerate(draws):
            w.add_histogram("sample/values", values, step, walltime=1_700_000_000.0 + step)
        w.add_histogram_raw("sample/raw", -0.5, 1.5, 7, 5.0, 9.0, _RAW_LIMITS, _RAW_COUNTS, 0, walltime=1e9)
    return {
        ("run", "sample/values"): [
            (step, float(v.size), float(v.min()), float(v.max())) for step, v in enumerate(draws)
        ],
        # Empty outer buckets dropped, the first edge is min, the last is max (empty inner buckets stay).
        ("run", "sample/raw"): [(0, [-0.5, 0.0, 0.5, 1.5], [3.0, 0.0, 4.0])],
    }


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.histograms.query import bucket_edges, histogram_series_rows, read_series

    out: dict[Any, Any] = {}
    for s in read_series(store, histogram_series_rows(store)):
        points: list[Any] = []
        for step, buckets in zip(s.steps.tolist(), s.buckets, strict=True):
            edges, counts = bucket_edges(buckets)
            if s.tag == "sample/raw":
                points.append((step, edges.tolist(), counts.tolist()))
            else:
                points.append((step, float(counts.sum()), float(edges[0]), float(edges[-1])))
        out[(s.run, s.tag)] = points
    return out
