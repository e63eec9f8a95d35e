"""Min/max-preserving downsampling: a spike is never hidden.

The step range is cut into equal-width buckets; in each bucket the first, last, lowest and highest points
survive (the "M4" idea), so a line drawn through the result touches every extreme a full-resolution line
would. Non-finite values (NaN, ±Inf) are kept too: the first of each kind in each bucket survives.
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
    # Bucket boundaries in the (sorted) arrays.
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], n] - 1
    keep = [starts, ends]
    finite = np.isfinite(values)
    if finite.any():
        fb = bucket[finite]
        fidx = np.flatnonzero(finite)
        fvals = values[finite]
        order = np.lexsort((fvals, fb))
        sorted_b = fb[order]
        first = np.r_[True, sorted_b[1:] != sorted_b[:-1]]
        last = np.r_[sorted_b[1:] != sorted_b[:-1], True]
        keep.append(fidx[order[first]])
        keep.append(fidx[order[last]])
    if not finite.all():
        nidx = np.flatnonzero(~finite)
        v = values[nidx]
        kind = np.where(np.isnan(v), 0, np.where(v > 0, 1, 2))
        key = bucket[nidx] * 3 + kind
        _, first_pos = np.unique(key, return_index=True)
        keep.append(nidx[first_pos])
    return np.unique(np.concatenate(keep))
