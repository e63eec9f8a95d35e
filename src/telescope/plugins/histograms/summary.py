"""Writer side of the histograms kind: ``Summary`` values from numpy arrays.

Pure functions used by ``SummaryWriter.add_histogram``/``add_histogram_raw`` (training script → **writer** →
event files). :func:`histogram` writes the legacy ``HistogramProto`` form that ``torch.utils.tensorboard``
writes, bucketed the same way, so every reader shows the same buckets (docs/event-format §5.3);
:func:`histogram_tensor` writes the modern ``[k, 3]`` form (§6.7).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.histograms.metadata import create_metadata
from telescope.plugins.values import as_numpy, tensor_proto, tensor_summary
from telescope.tfrecord.proto import histogram_pb2, summary_pb2, types_pb2

__all__ = ["default_edges", "histogram", "histogram_proto", "histogram_raw", "histogram_tensor"]

_default_edges: npt.NDArray[np.float64] | None = None
_default_edges_f32: npt.NDArray[np.float32] | None = None


def default_edges() -> npt.NDArray[np.float64]:
    """TensorFlow's bucket edges: ``+-1e-12 x 1.1^k`` up to 1e20, and 0 (``bins="tensorflow"``).

    Built by repeated multiplication, exactly as PyTorch builds them, so our buckets equal theirs bit for bit.
    """
    global _default_edges
    if _default_edges is None:
        positive = []
        v = 1e-12
        while v < 1e20:
            positive.append(v)
            v *= 1.1
        _default_edges = np.array([-x for x in reversed(positive)] + [0.0] + positive, dtype=np.float64)
        _default_edges.flags.writeable = False
    return _default_edges


def _default_edges_float32() -> npt.NDArray[np.float32]:
    """Each default edge rounded up to a float32: for a float32 value v, ``v >= edge`` iff ``v >= rounded edge``.

    Bucketing float32 values (torch's usual dtype) against these sorts half as many bytes as float64 would, and
    gives the same buckets, except for a value above the last edge that rounds onto it (checked by the caller).
    """
    global _default_edges_f32
    if _default_edges_f32 is None:
        edges = default_edges()
        rounded = edges.astype(np.float32)
        low = rounded.astype(np.float64) < edges
        rounded[low] = np.nextafter(rounded[low], np.float32(np.inf))
        rounded.flags.writeable = False
        _default_edges_f32 = rounded
    return _default_edges_f32


def _merge_bins(
    counts: npt.NDArray[Any], edges: npt.NDArray[Any], max_bins: int
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Merge groups of adjacent bins so that at most about ``max_bins`` remain (PyTorch's ``max_bins``)."""
    group = len(counts) // max_bins
    extra = len(counts) % group
    if extra:
        counts = np.concatenate([counts, np.zeros(group - extra, dtype=counts.dtype)])
    counts = counts.reshape(-1, group).sum(axis=1)
    merged = np.empty(len(counts) + 1, dtype=edges.dtype)
    merged[:-1] = edges[:-1:group]
    merged[-1] = edges[-1]
    return counts, merged


def histogram_proto(values: Any, bins: Any = "tensorflow", max_bins: int | None = None) -> histogram_pb2.HistogramProto:
    """Bucket ``values`` into a ``HistogramProto``.

    ``bins`` is ``"tensorflow"`` (TensorFlow's geometric edges), any ``numpy.histogram`` bins string
    (``"auto"``, ``"fd"``...), a number of equal bins, or the edges. Empty buckets at both ends are dropped,
    keeping one empty bucket on the left so the first left edge is known. Values outside the edges are not
    counted in any bucket, but ``min``/``max``/``num``/``sum`` cover all values.
    """
    arr = as_numpy(values)
    if arr.size == 0:
        raise ValueError("a histogram needs at least one value")
    flat = arr.reshape(-1)
    if flat.dtype.kind == "f" and flat.dtype.itemsize <= 4:
        flat = flat.astype(np.float32, copy=False)  # float16 widens exactly
    elif flat.dtype != np.float64:
        flat = flat.astype(np.float64)
    tensorflow_bins = isinstance(bins, str) and bins == "tensorflow"
    if tensorflow_bins and flat.dtype == np.float32 and not flat.max() > default_edges()[-1]:
        counts, edges = np.histogram(flat, bins=_default_edges_float32())[0], default_edges()
    else:
        if flat.dtype != np.float64:
            flat = flat.astype(np.float64)
        counts, edges = np.histogram(flat, bins=default_edges() if tensorflow_bins else bins)
    if max_bins is not None and len(counts) > max_bins:
        counts, edges = _merge_bins(counts, edges, max(1, int(max_bins)))
    nonzero = np.flatnonzero(counts)
    if len(nonzero) == 0:  # every value fell outside the edges (or was NaN): keep one empty bucket
        first, last = 0, 0
    else:
        first, last = int(nonzero[0]), int(nonzero[-1]) + 1
    if first > 0:
        kept_counts = counts[first - 1 : last]
    else:
        kept_counts = np.concatenate([np.zeros(1, dtype=counts.dtype), counts[:last]])
    limits = edges[first : last + 1]
    return histogram_pb2.HistogramProto(
        min=float(flat.min()),
        max=float(flat.max()),
        num=float(flat.size),
        sum=float(flat.sum(dtype=np.float64)),
        sum_squares=float(
            np.dot(flat, flat) if flat.dtype == np.float64 else np.einsum("i,i->", flat, flat, dtype=np.float64)
        ),
        bucket_limit=limits.tolist(),
        bucket=kept_counts.tolist(),
    )


def histogram(tag: str, values: Any, bins: Any = "tensorflow", max_bins: int | None = None) -> summary_pb2.Summary:
    """A legacy histogram value (``Summary.Value.histo``) of ``values``; see :func:`histogram_proto`."""
    return summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, histo=histogram_proto(values, bins, max_bins))]
    )


def histogram_raw(
    tag: str,
    min: float,
    max: float,
    num: float,
    sum: float,
    sum_squares: float,
    bucket_limits: Any,
    bucket_counts: Any,
) -> summary_pb2.Summary:
    """A legacy histogram value from precomputed buckets (``bucket_limits[i]`` is the right edge of bucket i)."""
    limits = as_numpy(bucket_limits).reshape(-1)
    counts = as_numpy(bucket_counts).reshape(-1)
    if len(limits) != len(counts):
        raise ValueError(f"bucket_limits has {len(limits)} elements but bucket_counts has {len(counts)}")
    histo = histogram_pb2.HistogramProto(
        min=float(min),
        max=float(max),
        num=float(num),
        sum=float(sum),
        sum_squares=float(sum_squares),
        bucket_limit=limits.astype(np.float64).tolist(),
        bucket=counts.astype(np.float64).tolist(),
    )
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, histo=histo)])


def histogram_tensor(tag: str, buckets: Any, *, display_name: str = "", description: str = "") -> summary_pb2.Summary:
    """A modern histogram value: a ``DT_DOUBLE`` tensor of ``(left edge, right edge, count)`` rows."""
    arr = as_numpy(buckets).astype(np.float64)
    if arr.ndim != 2 or (arr.size and arr.shape[1] != 3):
        raise ValueError(f"histogram buckets must have shape [k, 3], got {list(arr.shape)}")
    return tensor_summary(
        tag,
        tensor_proto(arr.reshape(-1, 3), dtype=types_pb2.DT_DOUBLE),
        create_metadata(display_name=display_name, description=description),
    )
