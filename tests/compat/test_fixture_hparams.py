"""Every hparams series in the fixture logdirs (TF2 ``hp`` API, PyTorch and tensorboardX ``add_hparams``) is
found and matches TensorBoard's manifest exactly; sessions carry their values, status and metrics; and
TensorBoard's hparams endpoints answer as a real TensorBoard server did."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from telescope.plugins.hparams.decode import parse_content
from telescope.plugins.hparams.query import read_frame, read_hparams
from telescope.query import read_tensor_series
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]

# What TensorBoard's dashboard sends (every status, groups sorted by nothing, a generous page).
TB_REQUEST = {
    "experimentName": "",
    "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
    "colParams": [],
    "startIndex": 0,
    "sliceSize": 1000,
}


@pytest.mark.parametrize("name", NAMES)
def test_hparams_series_match_manifest(
    name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]
) -> None:
    store = ingested(name)
    expected = {
        (run, tag): info
        for run, r in manifest(name)["runs"].items()
        for tag, info in r.get("data", {}).get("hparams", {}).items()
    }
    rows = {(s.run, s.tag): s for s in store.list_series(plugin="hparams")}
    assert set(rows) == set(expected)
    for key, info in expected.items():
        series = read_tensor_series(store, rows[key])
        assert len(series.values) == info["count"], key
        data = parse_content(bytes(series.values[-1][()]))
        assert data.WhichOneof("data") == info["kind"]
        assert json_format.MessageToDict(getattr(data, info["kind"])) == info["data"], key


def test_tf2_sessions_and_written_experiment(ingested: Callable[[str], Store]) -> None:
    data = read_hparams(ingested("keras_dev"))
    exp = data.experiment
    assert not exp.inferred and exp.runs == ("logs/hparam_tuning",)
    assert [h.name for h in exp.hparams] == ["dropout", "num_units", "optimizer"]
    by_name = {h.name: h for h in exp.hparams}
    assert by_name["num_units"].discrete == (8.0, 24.0)
    assert by_name["dropout"].interval == (0.0, 0.3)
    assert by_name["optimizer"].type == "string" and by_name["optimizer"].differs
    assert [(m.group, m.tag, m.display_name) for m in exp.metrics] == [("", "accuracy", "Accuracy")]
    assert [s.run for s in data.sessions] == ["logs/hparam_tuning/run-0", "logs/hparam_tuning/run-1"]
    first = data.sessions[0]
    assert first.hparams == {"dropout": 0.0, "num_units": 8.0, "optimizer": "adam"}
    assert first.status_name == "unknown" and first.parent == "logs/hparam_tuning"
    assert [(m.tag, m.value, m.step) for m in first.metrics] == [("accuracy", 1.0, 1)]


@pytest.mark.parametrize(
    ("name", "parent", "bool_key"), [("torch_dev", "runs/dev_hparams", "augment"), ("tbx_dev", "dev_hp", "use_bn")]
)
def test_add_hparams_sessions_are_tied_to_their_parent_run(
    name: str, parent: str, bool_key: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]
) -> None:
    store = ingested(name)
    data = read_hparams(store)
    runs = manifest(name)["runs"]
    session_runs = sorted(
        r for r, v in runs.items() if "_hparams_/session_start_info" in v.get("plugins", {}).get("hparams", [])
    )
    assert [s.run for s in data.sessions] == session_runs and len(session_runs) == 3
    for s in data.sessions:
        assert s.parent == parent
        assert s.status_name == "success"
        want = runs[s.run]["data"]["hparams"]["_hparams_/session_start_info"]["data"]["hparams"]
        assert s.hparams == want
        scalars = runs[s.run]["data"]["scalars"]
        assert {m.tag: (m.step, m.value) for m in s.metrics} == {t: tuple(v["last"]) for t, v in scalars.items()}
    # PyTorch writes booleans as numbers, tensorboardX as booleans.
    kinds = {type(s.hparams[bool_key]) for s in data.sessions}
    assert kinds == ({float} if name == "torch_dev" else {bool})
    df = read_frame(store)
    assert df["run"].tolist() == session_runs
    assert {c for c in df.columns if c != "run"} == {h.name for h in data.experiment.hparams} | {
        m.tag for m in data.experiment.metrics
    }


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_hparams_endpoints(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir(name))
    r = client.request("POST", "/data/plugin/hparams/experiment", json={"experimentName": ""})
    assert r.status_code == 200, r.text
    assert r.json() == snap["hparams_experiment"]
    r = client.request("POST", "/data/plugin/hparams/session_groups", json=TB_REQUEST)
    assert r.status_code == 200, r.text
    assert r.json() == snap["hparams_session_groups"]
