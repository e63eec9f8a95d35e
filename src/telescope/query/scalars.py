"""Reading scalar series: visible points (restarts applied), a step window, a point budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from telescope.query.downsample import minmax_downsample
from telescope.query.visibility import hidden_mask, step_order
from telescope.store import ScalarColumns, SeriesRow, Store


@dataclass(frozen=True)
class ScalarSeries:
    """Points of one (run, tag) as columns, sorted by step (ties in ingest order)."""

    run: str
    tag: str
    steps: npt.NDArray[np.int64]
    wall_times: npt.NDArray[np.float64]
    values: npt.NDArray[np.float64]
    hidden: npt.NDArray[np.bool_]  # True where a restart hides the point (only when hidden points are asked for)
    total: int  # points in the window before downsampling
    downsampled: bool


def read_scalar_series(
    store: Store,
    series: SeriesRow,
    *,
    min_step: int | None = None,
    max_step: int | None = None,
    max_points: int | None = None,
    include_hidden: bool = False,
) -> ScalarSeries:
    """The points of ``series`` in ``[min_step, max_step]``, downsampled to about ``max_points`` if given."""
    cols = store.read_scalar_columns(series, min_step=min_step, max_step=max_step)
    return _visible(series, cols, min_step, max_step, max_points, include_hidden)


def read_scalar_series_many(
    store: Store,
    series: Sequence[SeriesRow],
    *,
    min_step: int | None = None,
    max_step: int | None = None,
    max_points: int | None = None,
    include_hidden: bool = False,
) -> list[ScalarSeries]:
    """:func:`read_scalar_series` for several series (one tag across runs), reading the store in bulk."""
    columns = store.read_scalar_columns_many(series, min_step=min_step, max_step=max_step)
    return [
        _visible(row, cols, min_step, max_step, max_points, include_hidden)
        for row, cols in zip(series, columns, strict=True)
    ]


def _visible(
    series: SeriesRow,
    cols: ScalarColumns,
    min_step: int | None,
    max_step: int | None,
    max_points: int | None,
    include_hidden: bool,
) -> ScalarSeries:
    steps, walls, values, seqs = cols.steps, cols.wall_times, cols.values, cols.seqs
    hidden = hidden_mask(steps, seqs, cols.purge_steps, cols.purge_seqs)
    window = np.ones(len(steps), dtype=bool)
    if min_step is not None:
        window &= steps >= min_step
    if max_step is not None:
        window &= steps <= max_step
    keep = window if include_hidden else window & ~hidden
    if not keep.all():
        steps, walls, values, seqs, hidden = steps[keep], walls[keep], values[keep], seqs[keep], hidden[keep]
    order = step_order(steps, seqs)
    if order is not None:
        steps, walls, values, hidden = steps[order], walls[order], values[order], hidden[order]
    total = len(steps)
    downsampled = False
    if max_points is not None and total > max_points:
        idx = minmax_downsample(steps, values, max_points)
        steps, walls, values, hidden = steps[idx], walls[idx], values[idx], hidden[idx]
        downsampled = True
    return ScalarSeries(
        run=series.run,
        tag=series.tag,
        steps=steps,
        wall_times=walls,
        values=values,
        hidden=hidden,
        total=total,
        downsampled=downsampled,
    )
