"""PR-curve summaries: the counts, precision and recall per threshold, and how they are encoded."""

from __future__ import annotations

import numpy as np
import pytest

from telescope.plugins.pr_curves import metadata
from telescope.plugins.pr_curves.summary import compute_curve, pr_curve, pr_curve_raw
from telescope.tfrecord.proto import summary_pb2, types_pb2
from telescope.tfrecord.tensor import to_numpy


def _decoded(summary: summary_pb2.Summary) -> tuple[np.ndarray, int]:
    (value,) = summary.value
    assert value.metadata.plugin_data.plugin_name == "pr_curves"
    assert value.metadata.data_class == summary_pb2.DATA_CLASS_TENSOR
    assert value.tensor.dtype == types_pb2.DT_FLOAT
    n = metadata.parse_plugin_data(value.metadata.plugin_data.content).num_thresholds
    return to_numpy(value.tensor), n


def test_counts_precision_and_recall_by_hand() -> None:
    # Thresholds 0, 0.5, 1. Positives score 0.9, 0.3, 0.1; the one negative scores 0.8.
    data, n = _decoded(pr_curve("pr", [1, 0, 1, 1], [0.9, 0.8, 0.3, 0.1], num_thresholds=3))
    assert n == 3
    assert data.shape == (6, 3)
    tp, fp, tn, fn, precision, recall = data
    assert tp.tolist() == [3, 1, 0]
    assert fp.tolist() == [1, 1, 0]
    assert tn.tolist() == [0, 0, 1]
    assert fn.tolist() == [0, 2, 3]
    np.testing.assert_allclose(precision, [0.75, 0.5, 0.0], rtol=1e-6)
    np.testing.assert_allclose(recall, [1.0, 1 / 3, 0.0], rtol=1e-6)


def test_a_prediction_of_one_counts_at_the_last_threshold() -> None:
    tp = compute_curve([True], [1.0], num_thresholds=5)[metadata.TRUE_POSITIVES_ROW]
    assert tp.tolist() == [1, 1, 1, 1, 1]


def test_weights_scale_the_counts_not_the_ratios() -> None:
    labels, predictions = [1, 0, 1, 0, 1], [0.9, 0.2, 0.6, 0.7, 0.1]
    plain = compute_curve(labels, predictions, num_thresholds=11)
    doubled = compute_curve(labels, predictions, num_thresholds=11, weights=2.0)
    np.testing.assert_allclose(doubled[:4], 2 * plain[:4])
    np.testing.assert_allclose(doubled[4:], plain[4:])
    per_example = compute_curve(labels, predictions, num_thresholds=11, weights=[1, 1, 0, 1, 1])
    without_third = compute_curve([1, 0, 0, 1], [0.9, 0.2, 0.7, 0.1], num_thresholds=11)
    np.testing.assert_allclose(per_example, without_third)


def test_weights_of_another_length_are_refused() -> None:
    with pytest.raises(ValueError, match="one per prediction"):
        compute_curve([1, 0, 1], [0.2, 0.4, 0.6], weights=[1.0, 2.0])


def test_num_thresholds_is_not_capped() -> None:
    data, n = _decoded(pr_curve("pr", [1, 0], [0.7, 0.2], num_thresholds=201))
    assert n == 201
    assert data.shape == (6, 201)


def test_torch_and_numpy_inputs_agree() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    labels, predictions = rng.integers(0, 2, 40), rng.random(40)
    from_numpy = pr_curve("pr", labels, predictions, num_thresholds=9)
    from_torch = pr_curve("pr", torch.tensor(labels), torch.tensor(predictions, dtype=torch.float32), num_thresholds=9)
    np.testing.assert_allclose(_decoded(from_torch)[0], _decoded(from_numpy)[0], rtol=1e-6)


@pytest.mark.parametrize(
    ("labels", "predictions", "num_thresholds", "message"),
    [
        ([1, 0], [0.5, 1.5], 10, r"\[0, 1\]"),
        ([1, 0], [0.5, float("nan")], 10, "NaN"),
        ([1, 0, 1], [0.5, 0.2], 10, "size"),
        ([1], [0.5], 1, ">= 2"),
    ],
)
def test_bad_inputs_are_refused_clearly(
    labels: list[int], predictions: list[float], num_thresholds: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        pr_curve("pr", labels, predictions, num_thresholds=num_thresholds)


def test_raw_curve_keeps_rows_in_order_and_counts_columns() -> None:
    rows = [np.arange(4) + 10 * i for i in range(6)]
    data, n = _decoded(pr_curve_raw("raw", *rows, num_thresholds=127))
    assert n == 4  # the arrays' length, not the disagreeing argument
    np.testing.assert_array_equal(data, np.stack(rows).astype(np.float32))


def test_raw_curve_arrays_must_have_one_length() -> None:
    with pytest.raises(ValueError, match="same length"):
        pr_curve_raw("raw", [1, 2], [1, 2], [1, 2], [1, 2], [1, 2], [1, 2, 3])


def test_plugin_data_of_another_version_is_refused() -> None:
    from telescope.tfrecord.proto import plugin_data_pb2

    content = plugin_data_pb2.PrCurvePluginData(version=1, num_thresholds=3).SerializeToString()
    with pytest.raises(ValueError, match="version"):
        metadata.parse_plugin_data(content)
    with pytest.raises(ValueError):
        metadata.parse_plugin_data(b"\xff\xff")
