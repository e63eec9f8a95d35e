"""Decoding histogram summary values into one ``[k, 3]`` float64 array per step (docs/event-format §5.3, §6.7).

Ingest stage: the ingester hands every value of a histograms series to :func:`decode`; the array it returns is
what the store keeps. Each row is ``(left edge, right edge, count)``.

Two encodings reach us:

* the legacy ``HistogramProto`` (TF1, PyTorch, tensorboardX), converted as TensorBoard's Python backend does:
  empty buckets at both ends are dropped, the first kept bucket starts at ``min`` and the last ends at ``max``
  (the outer limits of the proto are ``±DBL_MAX`` or arbitrary, useless for drawing), inner edges are the
  ``bucket_limit`` values. Unlike TensorBoard we keep float64, so no precision is lost;
* the tensor form (TF2, TensorBoard's helpers, our writer): a ``[k, 3]`` real tensor, in ``tensor_content``
  or a typed field, stored as float64.

Anything else is rejected with a ``ValueError`` naming what is wrong; the ingester reports it and reads on.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from telescope.tfrecord.proto import histogram_pb2, summary_pb2
from telescope.tfrecord.tensor import to_numpy


def decode(value: summary_pb2.Summary.Value) -> npt.NDArray[np.float64]:
    """The ``[k, 3]`` float64 buckets of one histogram value (``k`` may be 0: an empty histogram)."""
    which = value.WhichOneof("value")
    if which == "histo":
        return from_histogram_proto(value.histo)
    if which == "tensor":
        return from_tensor(to_numpy(value.tensor))
    raise ValueError(f"a histogram value must hold a histo or a tensor, not {which}")


def from_histogram_proto(histo: histogram_pb2.HistogramProto) -> npt.NDArray[np.float64]:
    """TensorBoard's conversion of a legacy histogram (module docstring), in float64."""
    limits = np.asarray(histo.bucket_limit, dtype=np.float64)
    counts = np.asarray(histo.bucket, dtype=np.float64)
    if limits.size != counts.size:
        raise ValueError(
            f"a legacy histogram has {counts.size} bucket counts but {limits.size} bucket limits (they must pair up)"
        )
    filled = np.flatnonzero(counts > 0)
    if filled.size == 0:
        return np.zeros((0, 3), dtype=np.float64)
    start, end = int(filled[0]), int(filled[-1])
    inner = limits[start:end]
    out = np.empty((end - start + 1, 3), dtype=np.float64)
    out[:, 0] = np.concatenate(([histo.min], inner))
    out[:, 1] = np.concatenate((inner, [histo.max]))
    out[:, 2] = counts[start : end + 1]
    return out


def from_tensor(arr: npt.NDArray[np.generic]) -> npt.NDArray[np.float64]:
    """A ``[k, 3]`` tensor of real numbers as float64 (ValueError for another shape or dtype)."""
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"a histogram tensor must hold real numbers, not {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"a histogram tensor must have shape [k, 3], not {list(arr.shape)}")
    return np.ascontiguousarray(arr, dtype=np.float64)
