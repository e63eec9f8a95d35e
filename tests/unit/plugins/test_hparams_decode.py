"""Decoding hparams values (the payload is in the metadata, with or without the empty tensor), rejecting
malformed ones with a reason, and the query rules of docs/event-format §7.3: sessions, metrics found per
session run and group, and the experiment inferred when none was written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from google.protobuf import struct_pb2

from telescope.ingest import Ingester
from telescope.plugins.hparams.decode import decode
from telescope.plugins.hparams.metadata import create_metadata, null_tensor
from telescope.plugins.hparams.query import read_frame, read_hparams
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, hparams_pb2, summary_pb2
from tests.helpers import scalar_event, version_event, write_events

START_TAG = "_hparams_/session_start_info"


def start_info(group: str = "", start: float = 0.0, **values: float | str | bool) -> hparams_pb2.HParamsPluginData:
    info = hparams_pb2.SessionStartInfo(group_name=group, start_time_secs=start)
    for k, v in values.items():
        if isinstance(v, bool):
            info.hparams[k].bool_value = v
        elif isinstance(v, str):
            info.hparams[k].string_value = v
        else:
            info.hparams[k].number_value = v
    return hparams_pb2.HParamsPluginData(session_start_info=info)


def hp_value(tag: str, data: hparams_pb2.HParamsPluginData, *, tensor: bool = True) -> summary_pb2.Summary.Value:
    value = summary_pb2.Summary.Value(tag=tag, metadata=create_metadata(data))
    if tensor:
        value.tensor.CopyFrom(null_tensor())
    return value


def hp_event(tag: str, data: hparams_pb2.HParamsPluginData, step: int = 0) -> event_pb2.Event:
    return event_pb2.Event(
        wall_time=1_700_000_000.0, step=step, summary=summary_pb2.Summary(value=[hp_value(tag, data)])
    )


@pytest.mark.parametrize("tensor", [True, False], ids=["tf2-empty-tensor", "pytorch-no-tensor"])
def test_decode_keeps_the_plugin_content(tensor: bool) -> None:
    value = hp_value(START_TAG, start_info(lr=0.1), tensor=tensor)
    out = decode(value)
    assert out.shape == () and out.dtype == object
    assert out[()] == value.metadata.plugin_data.content
    parsed = hparams_pb2.HParamsPluginData.FromString(out[()])
    assert parsed.session_start_info.hparams["lr"].number_value == 0.1


def _raw(plugin: str, content: bytes) -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(
        tag=START_TAG,
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin, content=content)
        ),
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (summary_pb2.Summary.Value(tag=START_TAG), "no plugin metadata"),
        (_raw("scalars", b""), "not 'scalars'"),
        (_raw("hparams", b"\xff\xff\xff"), "not a serialized HParamsPluginData"),
        (_raw("hparams", hparams_pb2.HParamsPluginData(version=1).SerializeToString()), "version 1"),
        (_raw("hparams", b""), "holds no experiment"),
    ],
)
def test_malformed_values_are_rejected_with_a_reason(value: summary_pb2.Summary.Value, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(value)


def _ingest(tmp_path: Path) -> Store:
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    return store


def test_bad_value_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    bad = event_pb2.Event(wall_time=1_700_000_000.0, step=0)
    bad.summary.value.add().CopyFrom(_raw("hparams", b"\x12\x05broken"))
    bad.summary.value[0].tag = "_hparams_/experiment"
    write_events(
        tmp_path / "logs" / "trial" / "events.out.tfevents.1",
        version_event(),
        bad,
        hp_event(START_TAG, start_info(lr=0.3)),
        scalar_event("acc", 4, 0.5),
    )
    store = _ingest(tmp_path)
    (problem,) = store.status().problems
    assert problem.path == "trial/events.out.tfevents.1" and problem.offset > 0
    assert "_hparams_/experiment" in problem.message and "HParamsPluginData" in problem.message
    (session,) = read_hparams(store).sessions
    assert session.hparams == {"lr": 0.3}


def test_inferred_experiment_and_metrics_by_group(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    # Two TF2-style trials in one group, one more alone; metrics in the session run and in sub-runs.
    write_events(
        logs / "a" / "ev.tfevents.1",
        version_event(),
        hp_event(START_TAG, start_info("g", 5.0, lr=0.1, opt="adam", bn=True, k=1.0)),
    )
    write_events(
        logs / "a" / "train" / "ev.tfevents.1",
        version_event(),
        *(scalar_event("loss", s, 1.0 / (s + 1)) for s in range(5)),
    )
    write_events(logs / "a" / "validation" / "ev.tfevents.1", version_event(), scalar_event("loss", 4, 0.75))
    write_events(
        logs / "b" / "ev.tfevents.1",
        version_event(),
        hp_event(START_TAG, start_info("g", lr=0.2, opt=3.0, bn=True)),
        scalar_event("acc", 2, 0.25),
    )
    # A session nested in another: its scalars belong to the deepest one.
    write_events(
        logs / "b" / "inner" / "ev.tfevents.1",
        version_event(),
        hp_event(START_TAG, start_info(lr=0.4)),
        scalar_event("acc", 7, 0.5),
    )
    write_events(logs / "outside" / "ev.tfevents.1", version_event(), scalar_event("other", 0, 1.0))
    store = _ingest(tmp_path)
    data = read_hparams(store)
    exp = data.experiment
    assert exp.inferred and exp.runs == ()
    infos = {h.name: h for h in exp.hparams}
    assert list(infos) == ["bn", "k", "lr", "opt"]
    assert (infos["lr"].type, infos["lr"].interval, infos["lr"].differs) == ("float64", (0.1, 0.4), True)
    assert infos["opt"].type == "string" and set(infos["opt"].discrete or ()) == {"adam", "3.0"}  # mixed → string
    assert (infos["bn"].type, infos["bn"].discrete, infos["bn"].differs) == ("bool", (True,), False)
    assert {(m.group, m.tag) for m in exp.metrics} == {("train", "loss"), ("validation", "loss"), ("", "acc")}
    by_run = {s.run: s for s in data.sessions}
    assert set(by_run) == {"a", "b", "b/inner"}
    a = by_run["a"]
    assert (a.group, a.start_time_secs, a.status_name) == ("g", 5.0, "unknown")
    assert {(m.group, m.tag): (m.step, m.value) for m in a.metrics} == {
        ("train", "loss"): (4, float(np.float32(0.2))),
        ("validation", "loss"): (4, 0.75),
    }
    assert [(m.tag, m.value) for m in by_run["b"].metrics] == [("acc", 0.25)]
    assert [(m.tag, m.value) for m in by_run["b/inner"].metrics] == [("acc", 0.5)]
    assert by_run["b/inner"].group == "b/inner" and by_run["b/inner"].parent == "b"
    df = read_frame(store)
    assert list(df.columns) == ["run", "bn", "k", "lr", "opt", "acc", "train/loss", "validation/loss"]
    row = df.set_index("run").loc["a"]
    assert row["lr"] == 0.1 and row["opt"] == "adam" and row["train/loss"] == np.float32(0.2)
    assert np.isnan(df.set_index("run").loc["b", "train/loss"])


def test_written_experiment_end_status_and_newest_values(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    exp = hparams_pb2.Experiment(
        description="sweep",
        hparam_infos=[
            hparams_pb2.HParamInfo(
                name="opt",
                type=hparams_pb2.DATA_TYPE_STRING,
                domain_discrete=struct_pb2.ListValue(values=[struct_pb2.Value(string_value="adam")]),
            )
        ],
        metric_infos=[hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag="acc"), display_name="Accuracy")],
    )
    end = hparams_pb2.HParamsPluginData(
        session_end_info=hparams_pb2.SessionEndInfo(status=hparams_pb2.STATUS_FAILURE, end_time_secs=9.0)
    )
    write_events(
        logs / "trial" / "ev.tfevents.1",
        version_event(),
        hp_event("_hparams_/experiment", hparams_pb2.HParamsPluginData(experiment=exp)),
        hp_event(START_TAG, start_info(opt="sgd")),
        hp_event(START_TAG, start_info(opt="adam"), step=1),  # a restarted trial: the newest values count
        hp_event("_hparams_/session_end_info", end),
        scalar_event("acc", 3, 0.5),
        scalar_event("acc", 1, 0.25),  # a step going back hides step 3: 0.25 is the last value
        scalar_event("ignored", 0, 1.0),
    )
    data = read_hparams(_ingest(tmp_path))
    assert not data.experiment.inferred and data.experiment.description == "sweep"
    assert [m.tag for m in data.experiment.metrics] == ["acc"]
    (s,) = data.sessions
    assert s.hparams == {"opt": "adam"}
    assert (s.status_name, s.end_time_secs) == ("failure", 9.0)
    assert [(m.tag, m.step, m.value) for m in s.metrics] == [("acc", 1, 0.25)]


def test_no_hparams_data_gives_an_empty_experiment(tmp_path: Path) -> None:
    write_events(tmp_path / "logs" / "r" / "ev.tfevents.1", version_event(), scalar_event("loss", 0, 1.0))
    store = _ingest(tmp_path)
    data = read_hparams(store)
    assert data.sessions == [] and data.experiment.hparams == [] and data.experiment.metrics == []
    assert list(read_frame(store).columns) == ["run"]
