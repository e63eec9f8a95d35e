"""The custom-scalars layouts of the fixture logdirs (PyTorch, tensorboardX) are read as TensorBoard's manifest records
them, and TensorBoard's layout endpoint answers exactly as a real TensorBoard did."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from telescope.plugins.custom_scalars import query
from telescope.store import Store
from telescope.tfrecord.proto import layout_pb2

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]


@pytest.mark.parametrize("name", NAMES)
def test_layouts_match_manifest(name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested(name)
    expected = {
        (run, tag): info
        for run, r in manifest(name)["runs"].items()
        for tag, info in r.get("data", {}).get("custom_scalars", {}).items()
    }
    assert {(r.run, r.tag) for r in query.layout_series_rows(store, config_only=False)} == set(expected)
    every = query.read_layouts(store, latest=False)
    latest = {f.run: f for f in query.read_layouts(store)}
    for (run, _), info in expected.items():
        assert sum(f.run == run for f in every) == info["count"]
        # The manifest holds the layout TensorBoard shows: the run's latest.
        assert latest[run].layout == json_format.ParseDict(info["layout"], layout_pb2.Layout())


def test_tensorboardx_writes_two_layouts_and_every_one_is_in_the_frame(ingested: Callable[[str], Store]) -> None:
    from telescope.plugins.custom_scalars.query import read_frame

    df = read_frame(ingested("tbx_dev"))
    assert set(df["category"]) == {"d_overview", "d_margins"}  # the first layout is superseded, not lost
    margin = df[df["kind"] == "margin"].iloc[0]
    assert margin["tags"] == ["d_m/mid", "d_m/lo", "d_m/hi"] and margin["run"] == "dev_exp"


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_layout_endpoint_agrees_with_snapshot(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    client = app_client(fixture_logdir(name))
    for mode in ("load_fast=false", "load_fast=true"):
        snap = manifest(name, "http")[mode]["snapshot"]
        assert client.get("/data/plugin/custom_scalars/layout").json() == snap["custom_scalars_layout"]


def test_tensorboard_scalars_endpoint_for_a_layout_chart(
    fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest("torch_dev", "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir("torch_dev"))
    body = client.get("/data/plugin/custom_scalars/scalars", params={"run": "runs/dev_main", "tag": "dev_twse/"}).json()
    assert body["regex_valid"] is True
    assert set(body["tag_to_events"]) == {"dev_twse/0050", "dev_twse/2330"}
    for tag, points in body["tag_to_events"].items():
        assert points == snap["scalars"]["runs/dev_main"][tag]
    bad = client.get("/data/plugin/custom_scalars/scalars", params={"run": "runs/dev_main", "tag": "("}).json()
    assert bad == {"regex_valid": False, "tag_to_events": {}}
