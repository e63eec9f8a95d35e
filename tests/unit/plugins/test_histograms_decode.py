"""Histogram values in both encodings become ``[k, 3]`` float64 buckets; malformed ones are reported, not fatal;
edges, shared bins and percentiles are computed as documented (percentiles as TensorBoard computes them)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from telescope.ingest import Ingester
from telescope.plugins.histograms import query
from telescope.plugins.histograms.decode import decode
from telescope.plugins.histograms.metadata import create_metadata
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, histogram_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events

DBL_MAX = np.finfo(np.float64).max


def legacy(
    min_: float, max_: float, limits: list[float], counts: list[float], tag: str = "h"
) -> summary_pb2.Summary.Value:
    histo = histogram_pb2.HistogramProto(min=min_, max=max_, num=sum(counts), bucket_limit=limits, bucket=counts)
    return summary_pb2.Summary.Value(tag=tag, histo=histo)


def tensor_value(tensor: tensor_pb2.TensorProto, tag: str = "h") -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(tag=tag, metadata=create_metadata(), tensor=tensor)


def shaped(dtype: int, *dims: int, **fields: object) -> tensor_pb2.TensorProto:
    t = tensor_pb2.TensorProto(dtype=dtype, **fields)  # type: ignore[arg-type]
    for d in dims:
        t.tensor_shape.dim.add(size=d)
    return t


def test_legacy_test_vector_t4() -> None:
    out = decode(legacy(1.0, 3.0, [2.0, 4.0], [1.0, 2.0]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1, 2, 1], [2, 3, 2]])


def test_legacy_outer_empty_buckets_dropped_inner_kept_min_max_become_edges() -> None:
    # TF's C++ layout: a first bucket from -DBL_MAX and a last one up to DBL_MAX, both empty here.
    out = decode(legacy(-0.25, 0.75, [-1.0, 0.0, 0.5, 1.0, DBL_MAX], [0.0, 3.0, 0.0, 2.0, 0.0]))
    np.testing.assert_array_equal(out, [[-0.25, 0.0, 3.0], [0.0, 0.5, 0.0], [0.5, 0.75, 2.0]])


def test_legacy_keeps_double_precision() -> None:
    out = decode(legacy(0.1, 0.30000000000000004, [0.2, 0.4], [1.0, 1.0]))
    assert out[-1, 1] == 0.30000000000000004  # float32 would give 0.30000001192092896


def test_legacy_without_counts_is_an_empty_histogram() -> None:
    assert decode(legacy(0.0, 0.0, [1.0, 2.0], [0.0, 0.0])).shape == (0, 3)
    assert decode(legacy(0.0, 0.0, [], [])).shape == (0, 3)


def test_legacy_limits_and_counts_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 bucket counts but 3 bucket limits"):
        decode(legacy(0.0, 1.0, [0.5, 1.0, 2.0], [1.0, 1.0]))


def test_tensor_double_content() -> None:
    rows = np.array([[0.0, 0.5, 3.0], [0.5, 1.0, 4.0]])
    out = decode(tensor_value(shaped(types_pb2.DT_DOUBLE, 2, 3, tensor_content=rows.tobytes())))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, rows)


def test_tensor_float_typed_field() -> None:
    rows = [0.0, 0.5, 3.0, 0.5, 1.0, 4.0]
    out = decode(tensor_value(shaped(types_pb2.DT_FLOAT, 2, 3, float_val=rows)))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.reshape(rows, (2, 3)))


def test_tensor_with_no_buckets() -> None:
    assert decode(tensor_value(shaped(types_pb2.DT_DOUBLE, 0, 3))).shape == (0, 3)


@pytest.mark.parametrize(
    ("tensor", "reason"),
    [
        (shaped(types_pb2.DT_DOUBLE, 2, 2, double_val=[1, 2, 3, 4]), r"shape \[k, 3\], not \[2, 2\]"),
        (shaped(types_pb2.DT_DOUBLE, 3, double_val=[1, 2, 3]), r"shape \[k, 3\], not \[3\]"),
        (shaped(types_pb2.DT_STRING, 1, 3, string_val=[b"a", b"b", b"c"]), "real numbers"),
        (shaped(types_pb2.DT_DOUBLE, 2, 3, tensor_content=b"\0" * 40), "tensor_content has 40 bytes"),
    ],
)
def test_malformed_tensors_are_rejected_with_a_reason(tensor: tensor_pb2.TensorProto, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(tensor_value(tensor))


def test_a_value_that_is_no_histogram_is_rejected() -> None:
    value = summary_pb2.Summary.Value(tag="h", simple_value=1.0, metadata=create_metadata())
    with pytest.raises(ValueError, match="histo or a tensor"):
        decode(value)


def test_bad_value_is_reported_and_the_rest_of_the_file_read(tmp_path: Path) -> None:
    good = np.array([[0.0, 1.0, 2.0]])

    def event(step: int, value: summary_pb2.Summary.Value) -> event_pb2.Event:
        ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
        ev.summary.value.append(value)
        return ev

    bad = tensor_value(shaped(types_pb2.DT_DOUBLE, 1, 3, tensor_content=b"\0" * 7))
    path = write_events(
        tmp_path / "logs" / "run" / "events.out.tfevents.1.host",
        version_event(),
        event(0, tensor_value(shaped(types_pb2.DT_DOUBLE, 1, 3, tensor_content=good.tobytes()))),
        event(1, bad),
        event(2, legacy(0.0, 1.0, [1.0], [5.0])),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    s = query.read_histograms(store, run="run", tag="h")
    assert s.steps.tolist() == [0, 2]
    np.testing.assert_array_equal(s.buckets[1], [[0.0, 1.0, 5.0]])
    (problem,) = store.status().problems
    assert problem.path == path.relative_to(tmp_path / "logs").as_posix()
    assert problem.offset > 0 and "step 1" in problem.message and "tensor_content" in problem.message


# -- edges, shared bins, percentiles ------------------------------------------------------------------------


def test_edges_of_touching_buckets() -> None:
    edges, counts = query.bucket_edges(np.array([[0.0, 1.0, 2.0], [1.0, 3.0, 5.0]]))
    assert edges.tolist() == [0.0, 1.0, 3.0] and counts.tolist() == [2.0, 5.0]


def test_gap_between_buckets_becomes_an_empty_bucket() -> None:
    edges, counts = query.bucket_edges(np.array([[0.0, 1.0, 2.0], [2.0, 3.0, 5.0], [3.0, 4.0, 1.0]]))
    assert edges.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert counts.tolist() == [2.0, 0.0, 5.0, 1.0]


def test_empty_histogram_has_no_edges() -> None:
    edges, counts = query.bucket_edges(np.zeros((0, 3)))
    assert edges.size == 0 and counts.size == 0


def test_shared_bins_span_all_steps_and_keep_totals() -> None:
    steps = [np.array([[0.0, 1.0, 4.0]]), np.array([[2.0, 3.0, 1.0], [3.0, 4.0, 3.0]])]
    shared = query.shared_bins(steps, bins=4)
    assert shared.edges.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert shared.counts.tolist() == [[4.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 3.0]]


def test_shared_bins_spread_a_bucket_evenly_over_its_width() -> None:
    shared = query.shared_bins([np.array([[0.0, 4.0, 8.0]]), np.array([[0.0, 1.0, 1.0]])], bins=2)
    assert shared.counts.tolist() == [[4.0, 4.0], [1.0, 0.0]]


def test_shared_bins_put_zero_width_buckets_in_the_bin_of_their_value() -> None:
    # TF2 writes "all values equal to 2" as buckets of zero width, the count in the last one.
    tf2_single = np.array([[2.0, 2.0, 0.0], [2.0, 2.0, 0.0], [2.0, 2.0, 7.0]])
    shared = query.shared_bins([tf2_single, np.array([[0.0, 4.0, 4.0]])], bins=4)
    assert shared.counts[0].tolist() == [0.0, 0.0, 7.0, 0.0]
    assert shared.counts[1].tolist() == [1.0, 1.0, 1.0, 1.0]
    only_single = query.shared_bins([tf2_single], bins=3)
    assert shared.counts.sum() == 11.0
    assert only_single.edges[0] == 1.5 and only_single.edges[-1] == 2.5 and only_single.counts.tolist() == [[0, 7, 0]]


def test_shared_bins_with_empty_steps_and_non_finite_buckets() -> None:
    steps = [np.zeros((0, 3)), np.array([[0.0, 1.0, 2.0], [math.nan, math.nan, 3.0]])]
    shared = query.shared_bins(steps, bins=2)
    assert shared.counts.tolist() == [[0.0, 0.0], [1.0, 1.0]]
    with pytest.raises(ValueError):
        query.shared_bins(steps, bins=0)


@pytest.mark.parametrize("seed", range(6))
def test_shared_bins_of_touching_buckets_match_one_step_at_a_time(seed: int) -> None:
    # The common layouts (touching buckets, as TF2 writes them, and PyTorch with a number of buckets that varies
    # by step) are counted a group of steps at a time; the counts must be exactly those of each step alone.
    rng = np.random.default_rng(seed)
    steps = []
    for i in range(60):
        k = 30 if i % 2 else int(rng.integers(20, 26))
        widths = rng.uniform(0.01, 1.0, size=k)
        edges = rng.normal() + np.concatenate(([0.0], np.cumsum(widths)))
        steps.append(np.stack([edges[:-1], edges[1:], rng.integers(0, 100, size=k).astype(np.float64)], axis=1))
    groups, others = query._layouts(steps)
    assert len(groups) > 1 and not others  # the layouts this test is about
    shared = query.shared_bins(steps, bins=60)
    assert np.array_equal(shared.counts, np.stack([query._recount(b, shared.edges) for b in steps]))
    # Steps of other layouts (a gap between buckets, a non-finite bucket, none) are counted alone beside them.
    odd = [np.array([[-1.0, 0.0, 3.0], [0.5, 1.0, 2.0]]), np.array([[0.0, 1.0, 2.0], [1.0, math.inf, 5.0]])]
    mixed = query.shared_bins([*steps, *odd, np.zeros((0, 3))], bins=60)
    assert np.array_equal(mixed.counts[: len(steps)], np.stack([query._recount(b, mixed.edges) for b in steps]))
    assert mixed.counts[len(steps)].sum() == pytest.approx(5.0)
    assert mixed.counts[len(steps) + 1].sum() == pytest.approx(2.0)
    assert mixed.counts[-1].tolist() == [0.0] * 60


@pytest.mark.parametrize("seed", range(6))
def test_distribution_matches_percentiles_of_each_step(seed: int) -> None:
    # Steps of the same number of buckets are computed together; each must get exactly percentiles() of its own.
    rng = np.random.default_rng(seed)
    steps = []
    for i in range(80):
        k = int(rng.integers(1, 12)) if i % 3 else 6
        edges = np.sort(rng.normal(size=k + 1))
        if i % 7 == 0 and k >= 3:
            edges[2:4] = edges[2]  # zero-width buckets
        counts = rng.integers(0, 5, size=k).astype(np.float64) * (rng.random(size=k) < 0.6)  # many empty
        if i % 11 == 0:
            counts[:] = 0.0  # an empty step
        steps.append(np.stack([edges[:-1], edges[1:], counts], axis=1))
    steps += [np.zeros((0, 3)), np.array([[0.0, 1.0, math.nan]]), np.array([[0.0, 1.0, -2.0], [1.0, 2.0, 5.0]])]
    series = query.HistogramSeries("r", "t", np.arange(len(steps)), np.zeros(len(steps)), steps)
    got = query.distribution(series)
    want = np.stack([query.percentiles(b) for b in steps])
    assert np.array_equal(got, want, equal_nan=True)


def _tensorboard_percentiles(buckets: np.ndarray) -> list[float]:
    from tensorboard.plugins.distribution.compressor import compress_histogram

    return [v for _, v in compress_histogram(buckets.tolist())]


@pytest.mark.parametrize("seed", range(8))
def test_percentiles_agree_with_tensorboard(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 40))
    edges = np.cumsum(rng.uniform(0.0, 2.0, k + 1)) - 5.0
    counts = rng.integers(0, 20, k).astype(np.float64)
    counts[rng.random(k) < 0.3] = 0.0  # empty buckets, also at the ends
    buckets = np.stack([edges[:-1], edges[1:], counts], axis=1)
    np.testing.assert_allclose(query.percentiles(buckets), _tensorboard_percentiles(buckets), rtol=1e-12, atol=1e-12)


def test_percentiles_of_known_histograms() -> None:
    # Uniform mass on [0, 10]: the percentile at b basis points is b / 1000.
    uniform = np.array([[0.0, 5.0, 50.0], [5.0, 10.0, 50.0]])
    np.testing.assert_allclose(query.percentiles(uniform), [b / 1000 for b in query.BASIS_POINTS])
    assert query.percentiles(np.zeros((0, 3))).tolist() == [0.0] * 9
    # TF2's "all values equal" form: every percentile is that value.
    assert query.percentiles(np.array([[3.0, 3.0, 0.0], [3.0, 3.0, 4.0]])).tolist() == [3.0] * 9
