"""Sample data for the plugin contract suite: a PR curve computed from labels and predictions and one from raw
counts, read back through the query layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telescope.store import Store

# Five examples scored at five thresholds (0, 0.25, 0.5, 0.75, 1); the curve worked out by hand.
_LABELS = [1, 0, 1, 1, 0]
_PREDICTIONS = [0.9, 0.8, 0.4, 0.1, 0.05]
_CURVE: dict[str, list[float]] = {
    "tp": [3, 2, 1, 1, 0],
    "fp": [2, 1, 1, 1, 0],
    "tn": [0, 1, 1, 1, 2],
    "fn": [0, 1, 2, 2, 3],
    "precision": [3 / 5, 2 / 3, 1 / 2, 1 / 2, 0.0],
    "recall": [1.0, 2 / 3, 1 / 3, 1 / 3, 0.0],
}


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """A curve from labels and predictions and one from raw counts, written with the writer."""
    import numpy as np

    from telescope.writer import SummaryWriter

    with SummaryWriter(log_dir / "run") as w:
        w.add_pr_curve("sample/computed", _LABELS, _PREDICTIONS, 3, num_thresholds=5, walltime=1e9)
        w.add_pr_curve_raw(
            "sample/raw",
            [4, 1],
            [2, 0],
            [0, 2],
            [0, 3],
            [4 / 6, 1.0],
            [1.0, 0.25],
            7,
            walltime=1e9,
        )

    def f32(values: list[float]) -> list[float]:
        rounded: list[float] = np.asarray(values, dtype=np.float32).astype(np.float64).tolist()
        return rounded

    computed = {k: f32(v) for k, v in _CURVE.items()}
    raw = {"tp": [4.0, 1.0], "fp": [2.0, 0.0], "tn": [0.0, 2.0], "fn": [0.0, 3.0]}
    raw |= {"precision": f32([4 / 6, 1.0]), "recall": [1.0, 0.25]}
    return {
        ("run", "sample/computed"): [(3, [0.0, 0.25, 0.5, 0.75, 1.0], computed)],
        ("run", "sample/raw"): [(7, [0.0, 1.0], raw)],
    }


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.pr_curves.query import pr_curve_series_rows, read_series

    out: dict[Any, Any] = {}
    for s in read_series(store, pr_curve_series_rows(store)):
        out[(s.run, s.tag)] = [
            (
                step,
                c.thresholds.tolist(),
                {k: v.tolist() for k, v in c.columns().items() if k != "thresholds"},
            )
            for step, c in zip(s.steps.tolist(), s.curves, strict=True)
        ]
    return out
