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

:func:`decode_batch` decodes many tensor-form values of one tag at once, for the ingester's bulk path: it gives
exactly what :func:`decode` gives for each, and rejects what it cannot do that way (the values are then decoded
one by one). :func:`decode_histo_batch` does the same for legacy histograms whose fields the ingester has read.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from telescope.tfrecord.proto import histogram_pb2, summary_pb2, types_pb2
from telescope.tfrecord.tensor import to_numpy

# The encodings read in batches: (dtype, field holding the numbers) -> how the field's bytes are laid out.
_BATCH_LAYOUTS: dict[tuple[int, str], np.dtype[np.floating]] = {
    (types_pb2.DT_FLOAT, "tensor_content"): np.dtype("<f4"),
    (types_pb2.DT_DOUBLE, "tensor_content"): np.dtype("<f8"),
    (types_pb2.DT_FLOAT, "float_val"): np.dtype("<f4"),
    (types_pb2.DT_DOUBLE, "double_val"): np.dtype("<f8"),
}


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
    filled = counts > 0
    start = int(filled.argmax()) if counts.size else 0  # the first filled bucket, or 0 if none is
    if not counts.size or not filled[start]:
        return np.zeros((0, 3), dtype=np.float64)
    end = counts.size - 1 - int(filled[::-1].argmax())  # the last filled bucket
    inner = limits[start:end]
    out = np.empty((end - start + 1, 3), dtype=np.float64)
    out[0, 0] = histo.min
    out[1:, 0] = inner
    out[:-1, 1] = inner
    out[-1, 1] = histo.max
    out[:, 2] = counts[start : end + 1]
    return out


def from_tensor(arr: npt.NDArray[np.generic]) -> npt.NDArray[np.float64]:
    """A ``[k, 3]`` tensor of real numbers as float64 (ValueError for another shape or dtype)."""
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"a histogram tensor must hold real numbers, not {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"a histogram tensor must have shape [k, 3], not {list(arr.shape)}")
    return np.ascontiguousarray(arr, dtype=np.float64)


def decode_batch(template: summary_pb2.Summary.Value, contents: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """The ``[n, k, 3]`` float64 buckets of ``n`` values that are ``template`` with other content bytes.

    ``template`` holds a ``[k, 3]`` float or double tensor whose numbers are in exactly one of ``tensor_content``,
    a packed ``float_val`` or a packed ``double_val``; ``contents[i]`` are the bytes of that field in the i-th
    value (the tag's records share every other byte). Row ``i`` of the result is what :func:`decode` gives for
    the i-th value. ValueError when the template is not of that form (``decode`` may still take each value).
    """
    if template.WhichOneof("value") != "tensor":
        raise ValueError("only the tensor form is decoded in batches")
    tensor = template.tensor
    filled = [f for f in ("tensor_content", "float_val", "double_val") if len(getattr(tensor, f))]
    if len(filled) != 1 or (tensor.dtype, filled[0]) not in _BATCH_LAYOUTS:
        raise ValueError("not a float or double tensor with its numbers in one field")
    raw = _BATCH_LAYOUTS[(tensor.dtype, filled[0])]
    expected = decode(template)  # what each value decodes to, up to its numbers; raises as decode does
    if contents.ndim != 2 or contents.shape[1] != expected.size * raw.itemsize:
        raise ValueError(f"{contents.shape[1]} content bytes for a histogram of shape {list(expected.shape)}")
    own = (
        tensor.tensor_content
        if filled[0] == "tensor_content"
        else np.asarray(getattr(tensor, filled[0]), raw).tobytes()
    )
    if _from_bytes(np.frombuffer(own, np.uint8)[None, :], raw, expected.shape).tobytes() != expected.tobytes():
        raise ValueError("the template's numbers do not read back as decode reads them")
    return _from_bytes(contents, raw, expected.shape)


def _from_bytes(
    contents: npt.NDArray[np.uint8], raw: np.dtype[np.generic], shape: tuple[int, ...]
) -> npt.NDArray[np.float64]:
    numbers = np.ascontiguousarray(contents).view(raw).reshape((len(contents), *shape))
    return numbers.astype(np.float64)


def decode_histo_batch(
    mins: npt.NDArray[np.float64],
    maxs: npt.NDArray[np.float64],
    limits: npt.NDArray[np.float64],
    counts: npt.NDArray[np.float64],
    sizes: npt.NDArray[np.int64],
) -> list[npt.NDArray[np.float64]]:
    """:func:`from_histogram_proto` of ``n`` legacy histograms at once: histogram ``i`` has ``sizes[i]`` buckets,
    its limits and counts the next ``sizes[i]`` entries of ``limits`` and ``counts``, and ``mins[i]``,
    ``maxs[i]`` (0.0 where the proto leaves them out). Each result is exactly what ``from_histogram_proto``
    gives (a view into one array holding them all)."""
    n = len(sizes)
    ends = np.cumsum(sizes)
    begins = ends - sizes
    filled = np.flatnonzero(counts > 0)
    # The first and last filled bucket of each histogram (none: first > last).
    lo = np.searchsorted(filled, begins)
    hi = np.searchsorted(filled, ends) - 1
    has = lo <= hi
    first = np.where(has, filled[np.minimum(lo, len(filled) - 1)] if len(filled) else begins, 0)
    last = np.where(has, filled[np.maximum(hi, 0)] if len(filled) else begins, -1)
    rows = np.where(has, last - first + 1, 0)
    row_ends = np.cumsum(rows)
    row_begins = row_ends - rows
    total = int(row_ends[-1]) if n else 0
    j = np.arange(total, dtype=np.int64) + np.repeat(first - row_begins, rows)  # bucket of each output row
    out = np.empty((total, 3), dtype=np.float64)
    out[:, 2] = counts[j]
    out[:, 1] = limits[j]
    out[:, 0] = limits[j - 1] if total else limits[:0]
    nonempty = np.flatnonzero(has)
    out[row_begins[nonempty], 0] = mins[nonempty]
    out[row_ends[nonempty] - 1, 1] = maxs[nonempty]
    return [out[a:b] for a, b in zip(row_begins.tolist(), row_ends.tolist(), strict=True)]
