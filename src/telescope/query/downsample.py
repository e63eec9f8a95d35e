"""Min/max-preserving downsampling: a spike is never hidden.

The step range is cut into equal-width buckets; in each bucket the first, last, lowest and highest points
survive (the "M4" idea), so a line drawn through the result touches every extreme a full-resolution line
would. Infinities count as extremes, and the first NaN of each bucket survives too.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def minmax_downsample(
    steps: npt.NDArray[np.int64], values: npt.NDArray[np.float64], max_points: int
) -> npt.NDArray[np.intp]:
    """Indices (sorted) of at most about ``max_points`` points to keep; ``steps`` must be sorted ascending."""
    n = len(steps)
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, max_points // 4)
    lo = float(steps[0])
    span = float(steps[-1]) - lo
    if span <= 0:
        bucket = np.zeros(n, dtype=np.int64)
    else:
        bucket = np.minimum(((steps.astype(np.float64) - lo) * (buckets / span)).astype(np.int64), buckets - 1)
    # Bucket boundaries in the (sorted) arrays; every reduction below is one pass, no sorting.
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], n] - 1
    index = np.arange(n)
    keep = [starts, ends]

    def first_where(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
        """Per bucket, the first index where ``mask`` holds (buckets without one are dropped)."""
        first = np.minimum.reduceat(np.where(mask, index, n), starts)
        return first[first < n]

    with np.errstate(invalid="ignore"):
        lows = np.fmin.reduceat(values, starts)
        highs = np.fmax.reduceat(values, starts)
    sizes = np.diff(np.r_[starts, n])
    keep.append(first_where(values == np.repeat(lows, sizes)))
    keep.append(first_where(values == np.repeat(highs, sizes)))
    nan = np.isnan(values)
    if nan.any():
        keep.append(first_where(nan))
    chosen = np.zeros(n, dtype=bool)
    for k in keep:
        chosen[k] = True
    return np.flatnonzero(chosen)
