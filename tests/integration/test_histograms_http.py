"""Histograms written with our writer (legacy and tensor forms) → ingest → HTTP and the DataFrame API, unchanged."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope import SummaryWriter
from telescope.plugins.histograms.summary import histogram_tensor
from telescope.tfrecord.proto import event_pb2
from tests.helpers import version_event, write_events

WALL = 1_700_000_000.0
RAW_LIMITS = [-1.0, 0.0, 1.0, 2.0, 3.0]
RAW_COUNTS = [[0.0, 2.0, 0.0, 5.0, 0.0], [0.0, 1.0, 1.0, 1.0, 1.0]]
TENSOR_STEPS = [
    np.array([[0.0, 1.0, 3.0], [1.0, 2.0, 1.0]]),
    np.array([[0.0, 1.0, 1.0], [2.0, 4.0, 2.0]]),  # a gap between 1 and 2
    np.array([[math.nan, math.nan, 2.0]]),  # TF2 given NaN values
]


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "train") as w:
        for step, counts in enumerate(RAW_COUNTS):
            w.add_histogram_raw(
                "raw", -0.5, 2.5, sum(counts), 0.0, 0.0, RAW_LIMITS, counts, step * 10, walltime=WALL + step
            )
        w.add_histogram("weights", np.arange(100.0), 0, walltime=WALL)
    with SummaryWriter(root / "eval") as w:
        w.add_histogram("weights", np.full(10, 3.0), 0, walltime=WALL)
    events = [version_event()]
    for step, rows in enumerate(TENSOR_STEPS):
        ev = event_pb2.Event(wall_time=WALL + step, step=step, summary=histogram_tensor("tf2", rows))
        events.append(ev)
    write_events(root / "train" / "events.out.tfevents.2.tf2", *events)
    return root


def test_tags_list_every_histogram_tag_with_its_runs(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/histograms/tags").json()
    assert body["kind"] == "histograms"
    assert {t["tag"]: t["runs"] for t in body["tags"]} == {
        "raw": ["train"],
        "tf2": ["train"],
        "weights": ["eval", "train"],
    }
    only_eval = app_client(logdir).get("/api/histograms/tags", params={"run": "eval"}).json()
    assert [t["tag"] for t in only_eval["tags"]] == ["weights"]


def test_legacy_histograms_as_columns(logdir: Path, app_client: Any) -> None:
    r = app_client(logdir).get("/api/histograms", params={"run": "train", "tag": "raw"})
    assert r.status_code == 200
    body = r.json()
    assert body["steps"] == [0, 10] and body["wall_times"] == [WALL, WALL + 1]
    assert body["shared"] is False
    # Outer empty buckets dropped; min and max become the outer edges.
    assert body["edges"] == [[-0.5, 0.0, 1.0, 2.5], [-0.5, 0.0, 1.0, 2.0, 2.5]]
    assert body["counts"] == [[2.0, 0.0, 5.0], [1.0, 1.0, 1.0, 1.0]]


def test_tensor_histograms_with_gap_and_non_finite_edges(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/histograms", params={"run": "train", "tag": "tf2"}).json()
    assert body["steps"] == [0, 1, 2]
    assert body["edges"][0] == [0.0, 1.0, 2.0] and body["counts"][0] == [3.0, 1.0]
    assert body["edges"][1] == [0.0, 1.0, 2.0, 4.0] and body["counts"][1] == [1.0, 0.0, 2.0]
    assert body["edges"][2] == ["NaN", "NaN"] and body["counts"][2] == [2.0]


def test_shared_bins(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/histograms", params={"run": "train", "tag": "raw", "bins": 6}).json()
    assert body["shared"] is True
    assert body["edges"] == pytest.approx([-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5])
    assert [sum(c) for c in body["counts"]] == pytest.approx([7.0, 4.0])
    # The last bucket of step 0 (5 values between 1 and 2.5) is spread over the three bins it covers.
    assert body["counts"][0] == pytest.approx([2.0, 0.0, 0.0, 5 / 3, 5 / 3, 5 / 3])


def test_distributions(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/distributions", params={"run": "eval", "tag": "weights"}).json()
    assert body["basis_points"] == [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000]
    assert body["steps"] == [0]
    assert [col[0] for col in body["percentiles"]] == [3.0] * 9  # every value is 3
    uniform = client.get("/api/distributions", params={"run": "train", "tag": "weights"}).json()
    median = uniform["percentiles"][4][0]
    assert 45 <= median <= 55


def test_tensorboard_endpoints(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    tags = client.get("/data/plugin/histograms/tags").json()
    assert tags["train"]["raw"] == {"displayName": "raw", "description": ""}
    assert set(tags) == {"train", "eval"}
    points = client.get("/data/plugin/histograms/histograms", params={"run": "train", "tag": "raw"}).json()
    assert points == [
        [WALL, 0, [[-0.5, 0.0, 2.0], [0.0, 1.0, 0.0], [1.0, 2.5, 5.0]]],
        [WALL + 1, 10, [[-0.5, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 2.0, 1.0], [2.0, 2.5, 1.0]]],
    ]
    dist = client.get("/data/plugin/distributions/distributions", params={"run": "eval", "tag": "weights"}).json()
    assert dist == [[WALL, 0, [[bp, 3.0] for bp in (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)]]]


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("/api/histograms", {"run": "nope", "tag": "raw"}, 404, "unknown_run"),
        ("/api/histograms", {"run": "train", "tag": "nope"}, 404, "unknown_tag"),
        ("/api/histograms", {"run": "train", "tag": "raw", "bins": 0}, 400, "bad_parameter"),
        ("/api/histograms", {"run": "train"}, 400, "bad_parameter"),
        ("/api/distributions", {"run": "eval", "tag": "raw"}, 404, "unknown_tag"),
        ("/api/histograms/tags", {"run": "nope"}, 404, "unknown_run"),
        ("/data/plugin/histograms/histograms", {"run": "train", "tag": "nope"}, 404, "unknown_tag"),
        ("/data/plugin/distributions/distributions", {"run": "nope", "tag": "raw"}, 404, "unknown_run"),
    ],
)
def test_errors_are_json(
    logdir: Path, app_client: Any, url: str, params: dict[str, Any], status: int, code: str
) -> None:
    r = app_client(logdir).get(url, params=params)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code and r.json()["error"]["status"] == status


def test_dataframe_round_trip(logdir: Path, tmp_path: Path) -> None:
    from telescope.api import read_histograms

    df = read_histograms(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "edges", "counts"]
    assert list(zip(df["run"], df["tag"], df["step"], strict=True)) == [
        ("eval", "weights", 0),
        ("train", "raw", 0),
        ("train", "raw", 10),
        ("train", "tf2", 0),
        ("train", "tf2", 1),
        ("train", "tf2", 2),
        ("train", "weights", 0),
    ]
    raw = df[df["tag"] == "raw"]
    assert raw["edges"].iloc[1].tolist() == [-0.5, 0.0, 1.0, 2.0, 2.5]
    assert raw["counts"].iloc[1].tolist() == [1.0, 1.0, 1.0, 1.0]
    for edges, counts in zip(df["edges"], df["counts"], strict=True):
        assert len(edges) == len(counts) + 1
    weights = df[(df["tag"] == "weights") & (df["run"] == "train")].iloc[0]
    assert weights["counts"].sum() == 100 and weights["edges"][0] == 0.0 and weights["edges"][-1] == 99.0
