"""PR-curve values become ``[6, N]`` float64 arrays; malformed ones are reported with a reason while the rest of the
file is read; curves, thresholds and TensorBoard's trimming are as documented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from telescope.ingest import Ingester
from telescope.plugins.pr_curves import query
from telescope.plugins.pr_curves.decode import decode
from telescope.plugins.pr_curves.metadata import create_metadata
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events

# tp, fp, tn, fn, precision, recall at thresholds 0, 0.5, 1
CURVE = np.array(
    [
        [4.0, 3.0, 0.0],
        [4.0, 1.0, 0.0],
        [0.0, 3.0, 4.0],
        [0.0, 1.0, 4.0],
        [0.5, 0.75, 0.0],
        [1.0, 0.75, 0.0],
    ]
)


def shaped(dtype: int, *dims: int, **fields: object) -> tensor_pb2.TensorProto:
    t = tensor_pb2.TensorProto(dtype=dtype, **fields)  # type: ignore[arg-type]
    for d in dims:
        t.tensor_shape.dim.add(size=d)
    return t


def value(tensor: tensor_pb2.TensorProto, n: int = 3) -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(tag="pr", metadata=create_metadata(num_thresholds=n), tensor=tensor)


def test_float_tensor_content_as_written_by_tensorboard() -> None:
    t = shaped(types_pb2.DT_FLOAT, 6, 3, tensor_content=CURVE.astype(np.float32).tobytes())
    out = decode(value(t))
    assert out.dtype == np.float64 and out.shape == (6, 3)
    np.testing.assert_array_equal(out, CURVE)


def test_float_val_as_written_by_pytorch_and_double_precision() -> None:
    out = decode(value(shaped(types_pb2.DT_FLOAT, 6, 3, float_val=CURVE.reshape(-1).tolist())))
    np.testing.assert_array_equal(out, CURVE)
    third = np.full((6, 3), 1 / 3)
    out = decode(value(shaped(types_pb2.DT_DOUBLE, 6, 3, tensor_content=third.tobytes())))
    assert out[0, 0] == 1 / 3  # not rounded to float32


def test_num_thresholds_in_the_metadata_is_not_needed() -> None:
    t = shaped(types_pb2.DT_FLOAT, 6, 3, float_val=CURVE.reshape(-1).tolist())
    assert decode(value(t, n=0)).shape == (6, 3)


@pytest.mark.parametrize(
    ("tensor", "reason"),
    [
        (shaped(types_pb2.DT_FLOAT, 5, 3, float_val=[0.0] * 15), r"shape \[6, N\], not \[5, 3\]"),
        (shaped(types_pb2.DT_FLOAT, 18, float_val=[0.0] * 18), r"shape \[6, N\], not \[18\]"),
        (shaped(types_pb2.DT_FLOAT, 6, 0), r"at least one threshold"),
        (shaped(types_pb2.DT_STRING, 6, 1, string_val=[b"x"] * 6), "real numbers"),
        (shaped(types_pb2.DT_FLOAT, 6, 3, tensor_content=b"\0" * 70), "tensor_content has 70 bytes"),
    ],
)
def test_malformed_curves_are_rejected_with_a_reason(tensor: tensor_pb2.TensorProto, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(value(tensor))


def test_a_legacy_value_is_rejected() -> None:
    with pytest.raises(ValueError, match="must hold a tensor, not simple_value"):
        decode(summary_pb2.Summary.Value(tag="pr", simple_value=1.0, metadata=create_metadata(num_thresholds=2)))


def test_bad_value_is_reported_and_the_rest_of_the_file_read(tmp_path: Path) -> None:
    def event(step: int, v: summary_pb2.Summary.Value) -> event_pb2.Event:
        ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
        ev.summary.value.append(v)
        return ev

    good = value(shaped(types_pb2.DT_FLOAT, 6, 3, float_val=CURVE.reshape(-1).tolist()))
    bad = value(shaped(types_pb2.DT_FLOAT, 3, 6, float_val=CURVE.reshape(-1).tolist()))
    write_events(
        tmp_path / "logs" / "r" / "events.out.tfevents.1.h",
        version_event(),
        event(0, good),
        event(1, bad),
        event(2, good),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    s = query.read_pr_curves(store, run="r", tag="pr")
    assert s.steps.tolist() == [0, 2]
    (problem,) = store.status().problems
    assert "step 1" in problem.message and "[3, 6]" in problem.message and problem.offset > 0


def test_curve_columns_and_thresholds() -> None:
    c = query.curve_of(CURVE)
    assert c.thresholds.tolist() == [0.0, 0.5, 1.0]
    assert c.tp.tolist() == [4.0, 3.0, 0.0] and c.fn.tolist() == [0.0, 1.0, 4.0]
    assert c.precision.tolist() == [0.5, 0.75, 0.0] and c.recall.tolist() == [1.0, 0.75, 0.0]
    assert query.curve_of(np.ones((6, 1))).thresholds.tolist() == [0.0]


def test_trailing_thresholds_without_predicted_positives_are_trimmed_for_tensorboard() -> None:
    assert query.trim_empty_tail(query.curve_of(CURVE)) == 2
    assert query.trim_empty_tail(query.curve_of(np.zeros((6, 4)))) == 1
    full = CURVE.copy()
    full[0, 2] = 1.0
    assert query.trim_empty_tail(query.curve_of(full)) == 3
