"""The generated protobuf modules match the .proto files, and field numbers match TensorBoard's."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2

PROTO_DIR = Path(event_pb2.__file__).parent


def test_generated_modules_are_up_to_date() -> None:
    pytest.importorskip("grpc_tools")
    from telescope.tfrecord.proto.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(Path(tmp))
        assert fresh, "protoc produced nothing"
        for path in fresh:
            committed = PROTO_DIR / path.name
            assert committed.exists(), f"{path.name} is not committed; run python -m telescope.tfrecord.proto.generate"
            assert committed.read_bytes() == path.read_bytes(), (
                f"{path.name} is stale; run python -m telescope.tfrecord.proto.generate"
            )


def test_wire_compatible_with_tensorboard() -> None:
    tb_event = pytest.importorskip("tensorboard.compat.proto.event_pb2")
    ours = event_pb2.Event(wall_time=1.5, step=3)
    v = ours.summary.value.add(tag="t")
    v.metadata.plugin_data.plugin_name = "scalars"
    v.metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
    v.tensor.CopyFrom(tensor_pb2.TensorProto(dtype=1, float_val=[0.25]))
    theirs = tb_event.Event.FromString(ours.SerializeToString())
    assert theirs.step == 3
    assert theirs.summary.value[0].tensor.float_val[0] == 0.25
    assert theirs.summary.value[0].metadata.data_class == 1
    assert event_pb2.Event.FromString(theirs.SerializeToString()) == ours
