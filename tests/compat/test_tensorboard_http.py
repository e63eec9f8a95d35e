"""TensorBoard's own data endpoints answer as a real TensorBoard server did for the same logdirs.

The snapshots in ``manifests/NAME.http.json`` were taken from ``tensorboard --load_fast false`` (the Python
backend). That server samples long series to 1,000 points; Telescope returns every point, so those series are
compared against the manifest's full list instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NAMES = ["keras_dev", "torch_dev", "tbx_dev"]


def _num(v: Any) -> Any:
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return v


@pytest.mark.parametrize("name", NAMES)
def test_runs_and_scalar_tags(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir(name))
    assert client.get("/data/runs").json() == snap["runs"]
    assert client.get("/data/plugin/scalars/tags").json() == snap["scalars_tags"]
    listing = client.get("/data/plugins_listing").json()
    assert listing["scalars"]["enabled"] == snap["plugins_enabled"]["scalars"]


@pytest.mark.parametrize("name", NAMES)
def test_scalar_values(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    full = manifest(name)["runs"]
    client = app_client(fixture_logdir(name))
    compared = 0
    for run, tags in snap["scalars"].items():
        for tag, points in tags.items():
            r = client.get("/data/plugin/scalars/scalars", params={"run": run, "tag": tag})
            assert r.status_code == 200, (run, tag, r.text)
            ours = r.json()
            expected_count = full[run]["data"]["scalars"][tag]["count"]
            assert len(ours) == expected_count
            if len(points) == expected_count:
                assert [[w, s, _num(v)] for w, s, v in ours] == [[w, s, _num(v)] for w, s, v in points]
            else:  # TensorBoard sampled this series; every point it sent is among ours
                ours_set = {(s, w) for w, s, _ in ours}
                assert all((s, w) in ours_set for w, s, _ in points)
            compared += 1
    assert compared > 0


def test_csv_format(fixture_logdir: Callable[[str], Path], app_client: Any) -> None:
    client = app_client(fixture_logdir("keras_dev"))
    r = client.get(
        "/data/plugin/scalars/scalars",
        params={"run": "logs/fit/20261126-052645/train", "tag": "epoch_loss", "format": "csv"},
    )
    assert r.status_code == 200
    lines = r.text.strip().splitlines()
    assert lines[0] == "Wall time,Step,Value"
    assert len(lines) == 4
    assert lines[1].split(",")[1] == "0"
