"""Decoding PR-curve summary values into one ``[6, N]`` float64 array per step (docs/event-format §6.9).

Ingest stage: the ingester hands every value of a pr_curves series to :func:`decode`; the array it returns is what
the store keeps. Rows, in order: true positives, false positives, true negatives, false negatives, precision,
recall; column ``i`` belongs to the threshold ``i / (N - 1)``. The column count is authoritative: the
``num_thresholds`` of the plugin content may be 0 (writers that left it out) and is not needed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from telescope.plugins.pr_curves.metadata import ROW_NAMES
from telescope.tfrecord.proto import summary_pb2
from telescope.tfrecord.tensor import to_numpy


def decode(value: summary_pb2.Summary.Value) -> npt.NDArray[np.float64]:
    """The ``[6, N]`` float64 array of one PR-curve value (ValueError for another shape or dtype, or N = 0)."""
    which = value.WhichOneof("value")
    if which != "tensor":
        raise ValueError(f"a PR curve value must hold a tensor, not {which}")
    arr = to_numpy(value.tensor)
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"a PR curve tensor must hold real numbers, not {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] != len(ROW_NAMES):
        raise ValueError(f"a PR curve tensor must have shape [6, N], not {list(arr.shape)}")
    if arr.shape[1] == 0:
        raise ValueError("a PR curve tensor must have at least one threshold (shape [6, 0])")
    return np.ascontiguousarray(arr, dtype=np.float64)
