"""Writer side of the pr_curves kind: ``Summary`` values holding a precision-recall curve (docs/event-format §6.9).

Pure functions called by ``SummaryWriter.add_pr_curve`` / ``add_pr_curve_raw``; they build the ``[6, N]``
``DT_FLOAT`` tensor and its metadata and write nothing themselves.

Unlike ``torch.utils.tensorboard``, ``num_thresholds`` is not capped at 127: TensorBoard reads any ``N >= 2``
(its own default is 201).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.pr_curves import metadata
from telescope.plugins.values import as_numpy, tensor_proto, tensor_summary
from telescope.tfrecord.proto import summary_pb2, types_pb2

__all__ = ["compute_curve", "pr_curve", "pr_curve_raw"]

# Precision and recall divide by max(this, count) so that empty thresholds give 0 instead of NaN.
_MINIMUM_COUNT = 1e-7


def _check_num_thresholds(num_thresholds: int) -> int:
    n = int(num_thresholds)
    if n != num_thresholds or n < 2:
        raise ValueError(f"num_thresholds must be an integer >= 2, got {num_thresholds!r}")
    return n


def compute_curve(
    labels: Any, predictions: Any, *, num_thresholds: int = 127, weights: Any = None
) -> npt.NDArray[np.float64]:
    """The ``[6, num_thresholds]`` array (TP, FP, TN, FN, precision, recall) of a binary classifier's output.

    ``labels`` are true where the example is positive (any non-zero number counts as true); ``predictions``
    are probabilities in ``[0, 1]`` of the same size; ``weights`` (a number or one per example) weight the
    counts. Column ``i`` counts the examples whose prediction is at least ``i / (num_thresholds - 1)``.
    """
    n = _check_num_thresholds(num_thresholds)
    label_arr = as_numpy(labels).reshape(-1)
    pred_arr = as_numpy(predictions).reshape(-1).astype(np.float64)
    if label_arr.size != pred_arr.size:
        raise ValueError(f"labels ({label_arr.size} values) and predictions ({pred_arr.size}) differ in size")
    if pred_arr.size and not (np.all(pred_arr >= 0.0) and np.all(pred_arr <= 1.0)):
        raise ValueError("predictions must be probabilities in [0, 1] (no NaN)")
    positive = label_arr.astype(bool)
    if weights is None:
        weight_arr = np.ones(pred_arr.size)
    else:
        given = as_numpy(weights).astype(np.float64).reshape(-1)
        if given.size not in (1, pred_arr.size):
            raise ValueError(f"weights must be one number or one per prediction ({pred_arr.size}), got {given.size}")
        weight_arr = np.broadcast_to(given, pred_arr.shape)
    # Bucket i holds predictions in [i / (n-1), (i+1) / (n-1)); a prediction of exactly 1 falls in the last one.
    buckets = np.floor(pred_arr * (n - 1)).astype(np.int64)
    tp_buckets = np.bincount(buckets, weights=np.where(positive, weight_arr, 0.0), minlength=n)
    fp_buckets = np.bincount(buckets, weights=np.where(positive, 0.0, weight_arr), minlength=n)
    # Examples at or above threshold i are those in bucket i or higher: a reversed cumulative sum.
    tp = np.cumsum(tp_buckets[::-1])[::-1]
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(_MINIMUM_COUNT, tp + fp)
    recall = tp / np.maximum(_MINIMUM_COUNT, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def _summary(tag: str, data: npt.NDArray[Any]) -> summary_pb2.Summary:
    return tensor_summary(
        tag,
        tensor_proto(np.ascontiguousarray(data, dtype=np.float32), dtype=types_pb2.DT_FLOAT),
        metadata.create_metadata(num_thresholds=int(data.shape[1])),
    )


def pr_curve(
    tag: str, labels: Any, predictions: Any, num_thresholds: int = 127, weights: Any = None
) -> summary_pb2.Summary:
    """One PR-curve value computed from ``labels`` and ``predictions`` (see :func:`compute_curve`)."""
    return _summary(tag, compute_curve(labels, predictions, num_thresholds=num_thresholds, weights=weights))


def pr_curve_raw(
    tag: str,
    true_positive_counts: Any,
    false_positive_counts: Any,
    true_negative_counts: Any,
    false_negative_counts: Any,
    precision: Any,
    recall: Any,
    num_thresholds: int = 127,
    weights: Any = None,
) -> summary_pb2.Summary:
    """One PR-curve value from counts the caller computed, one entry per threshold in each array.

    The arrays must have the same length ``N``; the written ``num_thresholds`` is ``N`` (readers place column
    ``i`` at threshold ``i / (N - 1)``), so a ``num_thresholds`` argument that disagrees is ignored rather
    than written as a wrong count. ``weights`` is accepted for ``torch.utils.tensorboard`` compatibility and,
    as there, unused: the counts are already weighted.
    """
    del num_thresholds, weights
    rows = [
        as_numpy(a).astype(np.float64).reshape(-1)
        for a in (
            true_positive_counts,
            false_positive_counts,
            true_negative_counts,
            false_negative_counts,
            precision,
            recall,
        )
    ]
    sizes = {row.size for row in rows}
    if len(sizes) != 1:
        sizes_text = ", ".join(f"{name} {row.size}" for name, row in zip(metadata.ROW_NAMES, rows, strict=True))
        raise ValueError(f"the six PR-curve arrays must have the same length; got {sizes_text}")
    _check_num_thresholds(rows[0].size)
    return _summary(tag, np.stack(rows))
