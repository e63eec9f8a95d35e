"""Pure read functions for the histograms kind (no HTTP): every step of a tag, bucket edges, shared binning,
and the distributions view (percentiles per step).

Query stage. The store keeps each step as ``[k, 3]`` float64 rows ``(left edge, right edge, count)``
(see ``decode.py``). Readers mostly want *edges and counts*: ``k + 1`` boundaries and ``k`` counts.

Buckets that do not touch (the left edge of a bucket lies above the right edge of the one before, possible in the
``[k, 3]`` tensor form) get an empty bucket inserted over the gap, so ``edges`` stays one boundary list and the
counts keep their total. Overlapping buckets (malformed data) take the next bucket's left edge as the boundary.
An empty histogram (``k = 0``) has no edges and no counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.histograms.metadata import PLUGIN_NAME
from telescope.plugins.series import records_frame, series_row
from telescope.query import read_tensor_series_many
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

F64 = npt.NDArray[np.float64]

# The distributions view: the percentiles TensorBoard draws, in basis points (1/100 of a percent): min, the
# points of a normal distribution at -1.5, -1, -0.5 sigma, the median, +0.5, +1, +1.5 sigma, and max.
BASIS_POINTS = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)

DEFAULT_BINS = 30
MAX_BINS = 1000


@dataclass(frozen=True)
class HistogramSeries:
    """Every visible step of one (run, tag), sorted by step; ``buckets[i]`` is step i's ``[k, 3]`` array."""

    run: str
    tag: str
    steps: npt.NDArray[np.int64]
    wall_times: F64
    buckets: list[F64]


@dataclass(frozen=True)
class SharedBins:
    """All steps of a tag counted on one set of edges: ``counts[i]`` belongs to step ``i``."""

    edges: F64  # bins + 1 boundaries
    counts: F64  # [steps, bins]


def histogram_series_rows(store: Store, *, run: str | None = None, tag: str | None = None) -> list[SeriesRow]:
    """The histogram series of ``run`` and ``tag`` (all when None), ordered by tag then run."""
    return store.list_series(plugin=PLUGIN_NAME, run=run, tag=tag)


def read_series(store: Store, rows: Sequence[SeriesRow], *, include_hidden: bool = False) -> list[HistogramSeries]:
    """Every step of each series (points hidden by a restart only if asked)."""
    out = []
    for s in read_tensor_series_many(store, rows, include_hidden=include_hidden):
        buckets = [np.asarray(v, dtype=np.float64).reshape(-1, 3) for v in s.values]
        out.append(HistogramSeries(s.run, s.tag, s.steps, s.wall_times, buckets))
    return out


def read_histograms(store: Store, *, run: str, tag: str) -> HistogramSeries:
    """Every step of one tag in one run (NotFound for an unknown run or tag)."""
    return read_series(store, [series_row(store, PLUGIN_NAME, run=run, tag=tag, what="histogram")])[0]


def bucket_edges(buckets: F64) -> tuple[F64, F64]:
    """``(edges, counts)`` of one step: ``len(edges) == len(counts) + 1`` (both empty for an empty histogram).

    Gaps between buckets become empty buckets; see the module docstring.
    """
    if buckets.shape[0] == 0:
        return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.float64)
    left, right, counts = buckets[:, 0], buckets[:, 1], buckets[:, 2]
    gaps = np.flatnonzero(left[1:] > right[:-1])
    if gaps.size:
        left = np.insert(left, gaps + 1, right[gaps])
        counts = np.insert(counts, gaps + 1, 0.0)
    return np.append(left, right[-1]), np.array(counts, dtype=np.float64)


def shared_bins(buckets: Sequence[F64], bins: int = DEFAULT_BINS) -> SharedBins:
    """Re-count every step on ``bins`` equal-width bins spanning all steps, so that steps share one x scale.

    A bucket's count is spread evenly over its width (the only assumption a histogram allows); a bucket of zero
    width (all values equal, as TF2 writes it) puts its whole count in the bin holding its value. The counts of
    each step keep their total, except counts in buckets with a non-finite edge or count, which no bin can hold.
    When all values are equal (or there are none) the bins span that value ± 0.5.
    """
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    groups, others = _layouts(buckets)
    extremes = [(float(g[:, :, :2].min()), float(g[:, :, :2].max())) for _, g in groups]
    extremes += [(float(b[:, :2].min()), float(b[:, :2].max())) for _, b in others if b.shape[0]]
    lo = min((e[0] for e in extremes), default=0.0)
    hi = max((e[1] for e in extremes), default=0.0)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    counts = np.zeros((len(buckets), bins), dtype=np.float64)
    for steps, stacked in groups:
        counts[steps] = _recount_touching(stacked, edges)
    for i, b in others:
        if b.shape[0]:
            counts[i] = _recount(b, edges)
    return SharedBins(edges, counts)


def _layouts(buckets: Sequence[F64]) -> tuple[list[tuple[npt.NDArray[np.intp], F64]], list[tuple[int, F64]]]:
    """The steps in the layout TF2 and PyTorch write for values that are not all equal (finite buckets of
    positive width, each starting where the one before ends), stacked by number of buckets as ``(step indices,
    [steps, buckets, 3])``; and every other step alone, as ``(step index, its finite buckets)``."""
    groups: list[tuple[npt.NDArray[np.intp], F64]] = []
    others: list[tuple[int, F64]] = []
    for steps, stacked in _by_size(buckets):
        if stacked is not None and _touching(stacked):
            groups.append((np.asarray(steps, dtype=np.intp), stacked))
            continue
        for i in steps:
            b = buckets[i]
            others.append((i, b[np.isfinite(b).all(axis=1)]))
    return groups, others


def _by_size(buckets: Sequence[F64]) -> list[tuple[list[int], F64 | None]]:
    """The steps grouped by their number of buckets: ``(step indices, [steps, buckets, 3])``, None for the steps
    without buckets."""
    by_size: dict[int, list[int]] = {}
    for i, b in enumerate(buckets):
        by_size.setdefault(b.shape[0], []).append(i)
    return [(steps, np.stack([buckets[i] for i in steps]) if size else None) for size, steps in by_size.items()]


def _touching(stacked: F64) -> bool:
    left, right = stacked[:, :, 0], stacked[:, :, 1]
    return bool(np.isfinite(stacked).all() and (left[:, 1:] == right[:, :-1]).all() and (right > left).all())


def _recount_touching(stacked: F64, edges: F64) -> F64:
    """:func:`_recount` of steps of the same touching layout at once, where it reduces to one interpolation a
    step. The same counts, bit for bit: the same cumulative sums, read at the same edges."""
    own_edges = np.concatenate([stacked[:, :, 0], stacked[:, -1:, 1]], axis=1)
    cumulative = np.zeros((stacked.shape[0], stacked.shape[1] + 1), dtype=np.float64)
    np.cumsum(stacked[:, :, 2], axis=1, out=cumulative[:, 1:])
    at_edges = np.empty((stacked.shape[0], len(edges)), dtype=np.float64)
    for i in range(stacked.shape[0]):
        at_edges[i] = np.interp(edges, own_edges[i], cumulative[i])
    out: F64 = np.diff(at_edges, axis=1)
    return out


def _recount(buckets: F64, edges: F64) -> F64:
    own_edges, own_counts = bucket_edges(buckets)
    # Unsorted buckets (malformed) would make the cumulative count meaningless; keep the boundaries monotone.
    own_edges = np.maximum.accumulate(own_edges)
    point = np.diff(own_edges) <= 0
    spread = np.where(point, 0.0, own_counts)
    # The cumulative count is piecewise linear in x; read it at the shared edges and difference it.
    cumulative = np.concatenate(([0.0], np.cumsum(spread)))
    out: F64 = np.diff(np.interp(edges, own_edges, cumulative))
    if point.any():
        where = np.searchsorted(edges, own_edges[:-1][point], side="right") - 1
        np.add.at(out, np.clip(where, 0, len(edges) - 2), own_counts[point])
    return out


def percentiles(buckets: F64) -> F64:
    """The values at :data:`BASIS_POINTS` of one step, interpolating linearly inside buckets as TensorBoard's
    distributions do (an empty histogram gives zeros)."""
    out = np.zeros(len(BASIS_POINTS), dtype=np.float64)
    k = buckets.shape[0]
    if k == 0:
        return out
    lo, hi = float(buckets[0, 0]), float(buckets[-1, 1])
    counts, rights = buckets[:, 2], buckets[:, 1]
    total = float(counts.sum())
    cumulative = np.cumsum(counts * BASIS_POINTS[-1] / (total or 1.0))
    out[:] = hi  # basis points beyond the last non-empty bucket
    for j, bp in enumerate(BASIS_POINTS):
        i = int(np.searchsorted(cumulative, bp, side="right"))
        while i < k:
            here = float(cumulative[i])
            before = float(cumulative[i - 1]) if i > 0 else 0.0
            if here == before:  # an empty bucket: nothing to interpolate in
                i += 1
                continue
            left = lo if i == 0 or before == 0 else max(float(rights[i - 1]), lo)
            right = min(float(rights[i]), hi)
            out[j] = left + (bp - before) * (right - left) / (here - before)
            break
        else:
            break
    return out


def distribution(series: HistogramSeries) -> F64:
    """``[steps, 9]``: :func:`percentiles` of every step.

    Steps with the same number of buckets, all finite and no count negative (what every producer writes), are
    computed together; the values are those :func:`percentiles` gives each step, bit for bit."""
    out = np.zeros((len(series.buckets), len(BASIS_POINTS)), dtype=np.float64)
    for steps, stacked in _by_size(series.buckets):
        if stacked is not None and np.isfinite(stacked).all() and (stacked[:, :, 2] >= 0).all():
            out[steps] = _percentiles_stacked(stacked)
        else:
            for i in steps:
                out[i] = percentiles(series.buckets[i])
    return out


def _percentiles_stacked(stacked: F64) -> F64:
    """:func:`percentiles` of ``[steps, buckets, 3]`` at once: the same arithmetic on the same numbers, where the
    loop over basis points becomes a search in each step's cumulative counts."""
    n, k, _ = stacked.shape
    lo, hi = stacked[:, 0, 0][:, None], stacked[:, -1, 1][:, None]
    counts, rights = stacked[:, :, 2], stacked[:, :, 1]
    total = counts.sum(axis=1)
    cumulative = np.cumsum(counts * BASIS_POINTS[-1] / np.where(total != 0, total, 1.0)[:, None], axis=1)
    befores = np.concatenate([np.zeros((n, 1)), cumulative[:, :-1]], axis=1)
    # From the bucket a basis point falls in, the first that is not empty (k: none).
    position = np.where(cumulative != befores, np.arange(k)[None, :], k)
    first_filled = np.minimum.accumulate(position[:, ::-1], axis=1)[:, ::-1]
    bps = np.asarray(BASIS_POINTS, dtype=np.float64)[None, :]
    start = (cumulative[:, :, None] <= bps[:, None, :]).sum(axis=1)  # searchsorted(side="right"), counts >= 0
    i = np.where(start < k, np.take_along_axis(first_filled, np.minimum(start, k - 1), axis=1), k)
    at = np.minimum(i, k - 1)
    here = np.take_along_axis(cumulative, at, axis=1)
    before = np.take_along_axis(befores, at, axis=1)
    prev_right = np.take_along_axis(rights, np.maximum(at - 1, 0), axis=1)
    # Python's max(a, b) and min(a, b), as percentiles() takes them: b only when strictly beyond a.
    left = np.where((at == 0) | (before == 0), lo, np.where(lo > prev_right, lo, prev_right))
    right_edge = np.take_along_axis(rights, at, axis=1)
    right = np.where(hi < right_edge, hi, right_edge)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = left + (bps - before) * (right - left) / (here - before)
    out: F64 = np.where(i < k, value, hi)
    return out


def read_frame(store: Store, *, bins: int | None = None) -> pd.DataFrame:
    """Every histogram as rows ``run, tag, step, wall_time, edges, counts`` (arrays), ordered by run, tag, step.

    With ``bins``, all steps of a tag are counted on the same ``bins`` edges (:func:`shared_bins`).
    """
    records: list[dict[str, Any]] = []
    rows = sorted(histogram_series_rows(store), key=lambda r: (r.run, r.tag))
    for s in read_series(store, rows):
        if bins is not None:
            shared = shared_bins(s.buckets, bins)
            per_step = [(shared.edges, shared.counts[i]) for i in range(len(s.buckets))]
        else:
            per_step = [bucket_edges(b) for b in s.buckets]
        for step, wall_time, (edges, counts) in zip(s.steps.tolist(), s.wall_times.tolist(), per_step, strict=True):
            records.append(
                {"run": s.run, "tag": s.tag, "step": step, "wall_time": wall_time, "edges": edges, "counts": counts}
            )
    columns = ["run", "tag", "step", "wall_time", "edges", "counts"]
    return records_frame(records, columns)
