"""Reading tensors-class series (histograms, PR curves, text, hparams, meshes): every visible point, by step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from telescope.query.visibility import hidden_mask, step_order
from telescope.store import SeriesRow, Store, TensorRows


@dataclass(frozen=True)
class TensorSeries:
    """The points of one (run, tag), sorted by step (ties in ingest order); ``values[i]`` is point i's array."""

    run: str
    tag: str
    steps: npt.NDArray[np.int64]
    wall_times: npt.NDArray[np.float64]
    values: list[npt.NDArray[np.generic]]
    hidden: npt.NDArray[np.bool_]  # True where a restart hides the point (only when hidden points are asked for)


def read_tensor_series_many(
    store: Store,
    series: Sequence[SeriesRow],
    *,
    min_step: int | None = None,
    max_step: int | None = None,
    include_hidden: bool = False,
) -> list[TensorSeries]:
    """Every point of each series in ``[min_step, max_step]``; points hidden by a restart only if asked."""
    rows = store.read_tensor_rows(series, min_step=min_step, max_step=max_step)
    return [_visible(s, r, include_hidden) for s, r in zip(series, rows, strict=True)]


def read_tensor_series(
    store: Store,
    series: SeriesRow,
    *,
    min_step: int | None = None,
    max_step: int | None = None,
    include_hidden: bool = False,
) -> TensorSeries:
    return read_tensor_series_many(
        store, [series], min_step=min_step, max_step=max_step, include_hidden=include_hidden
    )[0]


def _visible(series: SeriesRow, rows: TensorRows, include_hidden: bool) -> TensorSeries:
    steps, walls, seqs, values = rows.steps, rows.wall_times, rows.seqs, rows.values
    hidden = hidden_mask(steps, seqs, rows.purge_steps, rows.purge_seqs)
    if not include_hidden and hidden.any():
        keep = ~hidden
        steps, walls, seqs, hidden = steps[keep], walls[keep], seqs[keep], hidden[keep]
        values = [v for v, k in zip(values, keep.tolist(), strict=True) if k]
    order = step_order(steps, seqs)
    if order is not None:
        steps, walls, hidden = steps[order], walls[order], hidden[order]
        values = [values[i] for i in order.tolist()]
    return TensorSeries(series.run, series.tag, steps, walls, values, hidden)
