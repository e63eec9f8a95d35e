"""Pure read functions for the pr_curves kind (no HTTP): every step of a tag as thresholds, precision, recall and
the four counts.

Query stage. The store keeps each step as a ``[6, N]`` float64 array (see ``decode.py``); threshold ``i`` is
``i / (N - 1)`` (a single column is threshold 0). Nothing is dropped here: TensorBoard's display trims the
trailing thresholds where no example is predicted positive, which :func:`trim_empty_tail` does for its endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from telescope.errors import NotFound
from telescope.plugins.pr_curves.metadata import (
    FALSE_NEGATIVES_ROW,
    FALSE_POSITIVES_ROW,
    PLUGIN_NAME,
    PRECISION_ROW,
    RECALL_ROW,
    TRUE_NEGATIVES_ROW,
    TRUE_POSITIVES_ROW,
)
from telescope.plugins.series import records_frame, series_row
from telescope.query import read_tensor_series_many
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

F64 = npt.NDArray[np.float64]

# The curve columns of the read API and the HTTP answers, in order.
CURVE_COLUMNS = ("thresholds", "precision", "recall", "tp", "fp", "tn", "fn")


@dataclass(frozen=True)
class PrCurve:
    """One step's curve: one value per threshold in each array."""

    thresholds: F64
    precision: F64
    recall: F64
    tp: F64
    fp: F64
    tn: F64
    fn: F64

    def columns(self) -> dict[str, F64]:
        return {name: getattr(self, name) for name in CURVE_COLUMNS}


@dataclass(frozen=True)
class PrCurveSeries:
    """Every visible step of one (run, tag), sorted by step."""

    run: str
    tag: str
    steps: npt.NDArray[np.int64]
    wall_times: F64
    curves: list[PrCurve]


def curve_of(data: npt.NDArray[Any]) -> PrCurve:
    """The curve held by one stored ``[6, N]`` array."""
    data = np.asarray(data, dtype=np.float64)
    return PrCurve(
        thresholds=np.linspace(0.0, 1.0, data.shape[1]),
        precision=data[PRECISION_ROW],
        recall=data[RECALL_ROW],
        tp=data[TRUE_POSITIVES_ROW],
        fp=data[FALSE_POSITIVES_ROW],
        tn=data[TRUE_NEGATIVES_ROW],
        fn=data[FALSE_NEGATIVES_ROW],
    )


def trim_empty_tail(curve: PrCurve) -> int:
    """How many thresholds TensorBoard shows: up to the last one where some example is predicted positive
    (TP + FP > 0, counted as integers), at least one."""
    positives = curve.tp.astype(np.int64) + curve.fp.astype(np.int64)
    filled = np.flatnonzero(positives != 0)
    return int(filled[-1]) + 1 if filled.size else 1


def pr_curve_series_rows(store: Store, *, run: str | None = None, tag: str | None = None) -> list[SeriesRow]:
    """The PR-curve series of ``run`` and ``tag`` (all when None), ordered by tag then run."""
    return store.list_series(plugin=PLUGIN_NAME, run=run, tag=tag)


def read_series(
    store: Store, rows: Sequence[SeriesRow], *, step: int | None = None, include_hidden: bool = False
) -> list[PrCurveSeries]:
    """Every step of each series (only ``step`` when given)."""
    out = []
    for s in read_tensor_series_many(store, rows, min_step=step, max_step=step, include_hidden=include_hidden):
        out.append(PrCurveSeries(s.run, s.tag, s.steps, s.wall_times, [curve_of(v) for v in s.values]))
    return out


def read_pr_curves(store: Store, *, run: str, tag: str, step: int | None = None) -> PrCurveSeries:
    """Every step of one tag in one run, or the one ``step`` (NotFound for an unknown run, tag or step)."""
    s = read_series(store, [series_row(store, PLUGIN_NAME, run=run, tag=tag, what="PR-curve")], step=step)[0]
    if step is not None and not len(s.steps):
        raise NotFound(f"No PR curve at step {step} for tag {tag!r} in run {run!r}.")
    return s


def read_frame(store: Store) -> pd.DataFrame:
    """Every PR curve as rows ``run, tag, step, wall_time, thresholds, precision, recall, tp, fp, tn, fn`` (one
    array per cell), ordered by run, tag, step."""
    records: list[dict[str, Any]] = []
    rows = sorted(pr_curve_series_rows(store), key=lambda r: (r.run, r.tag))
    for s in read_series(store, rows):
        for step, wall_time, curve in zip(s.steps.tolist(), s.wall_times.tolist(), s.curves, strict=True):
            records.append({"run": s.run, "tag": s.tag, "step": step, "wall_time": wall_time, **curve.columns()})
    columns = ["run", "tag", "step", "wall_time", *CURVE_COLUMNS]
    return records_frame(records, columns)
