"""Hyperparameters over HTTP: trials written with our SummaryWriter (PyTorch's sub-run layout and the
same-run mode) → ingest → the hparams routes, TensorBoard's session_groups queries, and read_hparams."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import telescope
from telescope import SummaryWriter

TRIALS = [
    ({"lr": 0.1, "optimizer": "adam", "dropout": True}, {"hparam/accuracy": 0.7, "hparam/loss": 0.3}),
    ({"lr": 0.01, "optimizer": "sgd", "dropout": False}, {"hparam/accuracy": 0.9, "hparam/loss": 0.1}),
    ({"lr": 0.001, "optimizer": "sgd", "dropout": True}, {"hparam/accuracy": 0.8, "hparam/loss": 0.2}),
]


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "sweep") as w:
        for i, (hparams, metrics) in enumerate(TRIALS):
            w.add_hparams(hparams, metrics, run_name=f"trial_{i}")
    with SummaryWriter(root / "solo") as w:
        for step in range(10):
            w.add_scalar("loss", 1.0 / (step + 1), step)
        w.add_hparams({"lr": 0.5, "optimizer": "adam"}, {"hparam/accuracy": 0.5}, same_run=True)
    return root


def f32(x: float) -> float:
    return float(np.float32(x))


def test_experiment(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/hparams/experiment").json()
    assert [h["name"] for h in body["hparams"]] == ["dropout", "lr", "optimizer"]
    types = {h["name"]: (h["type"], h["differs"]) for h in body["hparams"]}
    assert types == {"dropout": ("bool", True), "lr": ("float64", True), "optimizer": ("string", True)}
    assert [(m["group"], m["tag"]) for m in body["metrics"]] == [("", "hparam/accuracy"), ("", "hparam/loss")]
    assert body["inferred"] is False


def test_sessions_with_parent_status_and_metrics(logdir: Path, app_client: Any) -> None:
    sessions = app_client(logdir).get("/api/hparams/sessions").json()["sessions"]
    by_run = {s["run"]: s for s in sessions}
    assert set(by_run) == {"solo", "sweep/trial_0", "sweep/trial_1", "sweep/trial_2"}
    t1 = by_run["sweep/trial_1"]
    assert t1["parent"] == "sweep" and t1["group"] == "sweep/trial_1" and t1["status"] == "success"
    assert t1["hparams"] == {"dropout": False, "lr": 0.01, "optimizer": "sgd"}
    assert {m["tag"]: m["value"] for m in t1["metrics"]} == {"hparam/accuracy": f32(0.9), "hparam/loss": f32(0.1)}
    solo = by_run["solo"]
    assert solo["parent"] is None
    assert solo["hparams"] == {"lr": 0.5, "optimizer": "adam"}
    assert [(m["tag"], m["value"]) for m in solo["metrics"]] == [("hparam/accuracy", 0.5)]


def _groups(client: Any, request: dict[str, Any]) -> dict[str, Any]:
    r = client.request("POST", "/data/plugin/hparams/session_groups", json=request)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_tensorboard_session_groups_filter_sort_page(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    everything = _groups(client, {})
    assert everything["totalSize"] == 4
    by_acc = _groups(
        client,
        {"colParams": [{"metric": {"group": "", "tag": "hparam/accuracy"}, "order": "ORDER_DESC"}]},
    )
    assert [g["name"] for g in by_acc["sessionGroups"]] == ["sweep/trial_1", "sweep/trial_2", "sweep/trial_0", "solo"]
    sgd = _groups(client, {"colParams": [{"hparam": "optimizer", "filterDiscrete": ["sgd"]}]})
    assert [g["name"] for g in sgd["sessionGroups"]] == ["sweep/trial_1", "sweep/trial_2"]
    small_lr = _groups(
        client,
        {"colParams": [{"hparam": "lr", "filterInterval": {"minValue": 0.005, "maxValue": 0.2}, "order": "ORDER_ASC"}]},
    )
    assert [g["hparams"]["lr"] for g in small_lr["sessionGroups"]] == [0.01, 0.1]
    regexp = _groups(client, {"colParams": [{"hparam": "optimizer", "filterRegexp": "^ad"}]})
    assert {g["name"] for g in regexp["sessionGroups"]} == {"solo", "sweep/trial_0"}
    # "dropout" is missing in solo: excluded on request, else sorted last.
    dropout = _groups(
        client, {"colParams": [{"hparam": "dropout", "order": "ORDER_ASC", "excludeMissingValues": True}]}
    )
    assert [g["hparams"]["dropout"] for g in dropout["sessionGroups"]] == [False, True, True]
    page = _groups(client, {"colParams": [{"hparam": "lr", "order": "ORDER_ASC"}], "startIndex": 1, "sliceSize": 2})
    assert page["totalSize"] == 4 and [g["hparams"]["lr"] for g in page["sessionGroups"]] == [0.01, 0.1]
    failed_only = _groups(client, {"allowedStatuses": ["STATUS_FAILURE"]})
    assert failed_only == {"sessionGroups": [], "totalSize": 0}
    # GET with the request in the query string, as TensorBoard also accepts.
    r = client.get("/data/plugin/hparams/session_groups", params={"request": json.dumps({"sliceSize": 1})})
    assert r.status_code == 200 and len(r.json()["sessionGroups"]) == 1 and r.json()["totalSize"] == 4
    session = everything["sessionGroups"][1]["sessions"][0]
    assert session["name"] == "sweep/trial_0" and session["status"] == "STATUS_SUCCESS"


def test_tensorboard_experiment(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.request("POST", "/data/plugin/hparams/experiment", json={"experimentName": ""}).json()
    assert [h["name"] for h in body["hparamInfos"]] == ["dropout", "lr", "optimizer"]
    assert {h["name"]: h["type"] for h in body["hparamInfos"]}["dropout"] == "DATA_TYPE_BOOL"
    no_metrics = client.get("/data/plugin/hparams/experiment", params={"request": '{"includeMetrics": false}'}).json()
    assert no_metrics["metricInfos"] == []


@pytest.mark.parametrize(
    ("request_body", "code"),
    [
        ("{not json", "bad_parameter"),
        ("[1, 2]", "bad_parameter"),
        ('{"allowedStatuses": ["STATUS_DONE"]}', "bad_parameter"),
        ('{"colParams": [{"hparam": "lr", "filterRegexp": "("}]}', "bad_parameter"),
        ('{"aggregationType": "AGGREGATION_MAX"}', "bad_parameter"),
    ],
)
def test_bad_requests_are_json_errors(logdir: Path, app_client: Any, request_body: str, code: str) -> None:
    r = app_client(logdir).request(
        "POST",
        "/data/plugin/hparams/session_groups",
        content=request_body,
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == code


def test_aggregation_over_a_group(tmp_path: Path, app_client: Any) -> None:
    from telescope.plugins.hparams.metadata import create_metadata, null_tensor
    from telescope.tfrecord.proto import event_pb2, hparams_pb2, summary_pb2
    from tests.helpers import scalar_event, version_event, write_events

    for i, acc in enumerate([0.2, 0.6, 0.4]):
        info = hparams_pb2.SessionStartInfo(group_name="seeds")
        info.hparams["lr"].number_value = 0.1
        value = summary_pb2.Summary.Value(
            tag="_hparams_/session_start_info",
            metadata=create_metadata(hparams_pb2.HParamsPluginData(session_start_info=info)),
            tensor=null_tensor(),
        )
        start = event_pb2.Event(wall_time=1.0, summary=summary_pb2.Summary(value=[value]))
        write_events(
            tmp_path / "logs" / f"seed{i}" / "ev.tfevents.1", version_event(), start, scalar_event("acc", 10 * i, acc)
        )
    client = app_client(tmp_path / "logs")
    (group,) = _groups(client, {})["sessionGroups"]
    assert group["name"] == "seeds" and len(group["sessions"]) == 3
    (avg,) = group["metricValues"]
    assert avg["value"] == pytest.approx(0.4) and avg["trainingStep"] == 10
    (best,) = _groups(client, {"aggregationType": "AGGREGATION_MAX", "aggregationMetric": {"tag": "acc"}})[
        "sessionGroups"
    ]
    assert best["metricValues"][0]["value"] == pytest.approx(0.6) and best["metricValues"][0]["trainingStep"] == 10
    (median,) = _groups(client, {"aggregationType": "AGGREGATION_MEDIAN"})["sessionGroups"]
    assert median["metricValues"][0]["value"] == pytest.approx(0.4)


def test_read_hparams_api(logdir: Path, tmp_path: Path) -> None:
    df = telescope.read_hparams(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "dropout", "lr", "optimizer", "hparam/accuracy", "hparam/loss"]
    assert df["run"].tolist() == ["solo", "sweep/trial_0", "sweep/trial_1", "sweep/trial_2"]
    trial = df.set_index("run").loc["sweep/trial_2"]
    assert trial["lr"] == 0.001 and trial["optimizer"] == "sgd" and trial["dropout"] is True
    assert trial["hparam/loss"] == f32(0.2)
    assert np.isnan(df.set_index("run").loc["solo", "hparam/loss"])
