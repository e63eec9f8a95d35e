"""Malformed values of every kind are skipped one by one, each reported with its file, offset and reason, while
everything around them is read (and shown over HTTP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import scalar_event, version_event, write_events


def value_event(
    step: int, tag: str, plugin: str, tensor: tensor_pb2.TensorProto, data_class: int = 0
) -> event_pb2.Event:
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
    md = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin), data_class=data_class
    )
    ev.summary.value.add(tag=tag, tensor=tensor, metadata=md)
    return ev


def shaped(dtype: int, dims: list[int], **fields: Any) -> tensor_pb2.TensorProto:
    t = tensor_pb2.TensorProto(dtype=dtype, **fields)
    for d in dims:
        t.tensor_shape.dim.add(size=d)
    return t


def test_each_bad_value_is_reported_and_the_rest_is_read(tmp_path: Path, app_client: Any) -> None:
    good_hist = shaped(types_pb2.DT_DOUBLE, [2, 3], double_val=[0, 1, 5, 1, 2, 7])
    bad = [
        # a histogram of the wrong shape
        value_event(1, "hist", "histograms", shaped(types_pb2.DT_DOUBLE, [4], double_val=[1, 2, 3, 4])),
        # tensor_content cut short
        value_event(2, "hist", "histograms", shaped(types_pb2.DT_DOUBLE, [2, 3], tensor_content=b"\x00" * 20)),
        # a PR curve of strings
        value_event(1, "pr", "pr_curves", shaped(types_pb2.DT_STRING, [6, 1], string_val=[b"x"] * 6)),
        # an "image" that is not one, and one with absurd dimensions
        value_event(1, "img", "images", shaped(types_pb2.DT_STRING, [3], string_val=[b"4", b"4", b"not a png"]), 3),
        value_event(2, "img", "images", shaped(types_pb2.DT_STRING, [3], string_val=[b"9" * 12, b"1", b"\x89PNG"]), 3),
    ]
    events = [version_event(), value_event(0, "hist", "histograms", good_hist)]
    for i, ev in enumerate(bad):
        events += [ev, scalar_event("loss", i, float(i))]
    events.append(value_event(9, "hist", "histograms", good_hist))
    # A kind nobody knows: kept as an opaque tensor, not a problem.
    events.append(value_event(3, "mystery", "someone_elses_plugin", shaped(types_pb2.DT_FLOAT, [2], float_val=[1, 2])))
    write_events(tmp_path / "logs" / "run" / "events.out.tfevents.1.h", *events)

    client = app_client(tmp_path / "logs")
    status = client.get("/api/status").json()
    problems = [p for p in status["ingest"]["problems"] if p["kind"] == "bad_value"]
    assert len(problems) == len(bad)
    assert all(p["path"] == "run/events.out.tfevents.1.h" and p["offset"] > 0 for p in problems)
    assert len({p["offset"] for p in problems}) == len(bad)
    messages = " | ".join(p["message"] for p in problems)
    assert "'hist'" in messages and "'pr'" in messages and "'img'" in messages

    loss = client.get("/api/scalars", params={"tag": "loss"}).json()["series"][0]
    assert loss["steps"] == list(range(len(bad)))
    hist = client.get("/api/histograms", params={"run": "run", "tag": "hist"}).json()
    assert hist["steps"] == [0, 9]
    assert hist["counts"] == [[5.0, 7.0], [5.0, 7.0]]
    assert "someone_elses_plugin" in status["kinds"]
