"""Reading scalar series: visible points (restarts applied), a step window, a point budget."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


def iter_scalar_series_many(
    store: Store,
    series: Sequence[SeriesRow],
    *,
    min_step: int | None = None,
    max_step: int | None = None,
    max_points: int | None = None,
    include_hidden: bool = False,
) -> Iterator[ScalarSeries]:
    """:func:`read_scalar_series` for several series (one tag across runs), one at a time in the order given,
    reading the store in bulk.

    The store is read in batches of about :data:`BATCH_POINTS` stored points: every point read is held as four
    8-byte columns until its series is cut to the window and downsampled, so one tag across a thousand runs would
    otherwise hold all of them at once. A caller that writes each series out as it comes holds one batch."""
    for batch in _batches(series, BATCH_POINTS):
        columns = store.read_scalar_columns_many(batch, min_step=min_step, max_step=max_step)
        for row, cols in zip(batch, columns, strict=True):
            yield _visible(row, cols, min_step, max_step, max_points, include_hidden)


# Points read from the store at once by iter_scalar_series_many: about 3 MB of columns, plus their copies while
# they are decoded and joined. A browser asks for six chart cards at a time; with 500k points per batch six
# requests for M's tags peaked at 340 MB, with 100k at 170 MB, one tag across M's runs answering no slower.
BATCH_POINTS = 100_000


def _batches(series: Sequence[SeriesRow], points: int) -> list[Sequence[SeriesRow]]:
    """``series`` cut, in order, into runs of consecutive series holding about ``points`` points together."""
    out: list[Sequence[SeriesRow]] = []
    start, held = 0, 0
    for i, row in enumerate(series):
        if i > start and held + row.count > points:
            out.append(series[start:i])
            start, held = i, 0
        held += row.count
    if start < len(series):
        out.append(series[start:])
    return out


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
