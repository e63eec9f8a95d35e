"""PR curves written with our writer → ingest → HTTP and the DataFrame API, unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope import SummaryWriter

WALL = 1_700_000_000.0
LABELS = [1, 0, 1, 1, 0, 0]
PREDICTIONS = [[0.9, 0.8, 0.4, 0.1, 0.05, 0.3], [0.95, 0.1, 0.8, 0.7, 0.2, 0.1]]


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "train") as w:
        for i, predictions in enumerate(PREDICTIONS):
            w.add_pr_curve("pr/cat", LABELS, predictions, i * 5, num_thresholds=5, walltime=WALL + i)
        # Nothing predicted above 0.5: TensorBoard's view stops at threshold 0.5.
        w.add_pr_curve_raw(
            "pr/raw",
            [3, 2, 0, 0],
            [3, 1, 0, 0],
            [0, 2, 3, 3],
            [0, 1, 3, 3],
            [0.5, 2 / 3, 0, 0],
            [1, 2 / 3, 0, 0],
            0,
            walltime=WALL,
        )
    with SummaryWriter(root / "eval") as w:
        w.add_pr_curve("pr/cat", LABELS, PREDICTIONS[1], 5, num_thresholds=3, walltime=WALL)
    return root


def test_tags(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/pr_curves/tags").json()
    assert {t["tag"]: t["runs"] for t in body["tags"]} == {"pr/cat": ["eval", "train"], "pr/raw": ["train"]}


def test_every_step_as_columns(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/pr_curves", params={"run": "train", "tag": "pr/cat"}).json()
    assert body["steps"] == [0, 5] and body["wall_times"] == [WALL, WALL + 1]
    assert body["thresholds"] == [[0.0, 0.25, 0.5, 0.75, 1.0]] * 2
    # Step 5: positives scored 0.95, 0.8, 0.7; negatives 0.1, 0.2, 0.1.
    assert body["tp"][1] == [3.0, 3.0, 3.0, 2.0, 0.0]
    assert body["fp"][1] == [3.0, 0.0, 0.0, 0.0, 0.0]
    assert body["tn"][1] == [0.0, 3.0, 3.0, 3.0, 3.0]
    assert body["fn"][1] == [0.0, 0.0, 0.0, 1.0, 3.0]
    assert body["precision"][1] == [0.5, 1.0, 1.0, 1.0, 0.0]
    assert body["recall"][1] == pytest.approx([1.0, 1.0, 1.0, 2 / 3, 0.0], rel=1e-6)


def test_one_step(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/pr_curves", params={"run": "train", "tag": "pr/cat", "step": 5}).json()
    assert body["steps"] == [5] and len(body["tp"]) == 1
    missing = client.get("/api/pr_curves", params={"run": "train", "tag": "pr/cat", "step": 3})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_tensorboard_endpoints(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    tags = client.get("/data/plugin/pr_curves/tags").json()
    assert tags == {
        "train": {"pr/cat": {"displayName": "", "description": ""}, "pr/raw": {"displayName": "", "description": ""}},
        "eval": {"pr/cat": {"displayName": "", "description": ""}},
    }
    body = client.get("/data/plugin/pr_curves/pr_curves", params={"run": ["train", "eval"], "tag": "pr/cat"}).json()
    assert set(body) == {"train", "eval"} and [e["step"] for e in body["train"]] == [0, 5]
    assert body["eval"][0]["thresholds"] == [0.0, 0.5]  # no prediction reaches 1
    raw = client.get("/data/plugin/pr_curves/pr_curves", params={"run": "train", "tag": "pr/raw"}).json()["train"][0]
    assert raw["thresholds"] == [0.0, 1 / 3]
    assert raw["true_positives"] == [3, 2] and raw["false_negatives"] == [0, 1]
    assert raw["precision"] == pytest.approx([0.5, 2 / 3])


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("/api/pr_curves", {"run": "nope", "tag": "pr/cat"}, 404, "unknown_run"),
        ("/api/pr_curves", {"run": "eval", "tag": "pr/raw"}, 404, "unknown_tag"),
        ("/api/pr_curves", {"run": "eval", "tag": "pr/cat", "step": "x"}, 400, "bad_parameter"),
        ("/api/pr_curves/tags", {"run": "nope"}, 404, "unknown_run"),
        ("/data/plugin/pr_curves/pr_curves", {"tag": "pr/cat"}, 400, "bad_parameter"),
        ("/data/plugin/pr_curves/pr_curves", {"run": "train"}, 400, "bad_parameter"),
        ("/data/plugin/pr_curves/pr_curves", {"run": ["train", "nope"], "tag": "pr/cat"}, 404, "unknown_run"),
    ],
)
def test_errors_are_json(
    logdir: Path, app_client: Any, url: str, params: dict[str, Any], status: int, code: str
) -> None:
    r = app_client(logdir).get(url, params=params)
    assert r.status_code == status
    assert r.json()["error"] == {"status": status, "code": code, "message": r.json()["error"]["message"]}


def test_dataframe_round_trip(logdir: Path, tmp_path: Path) -> None:
    from telescope.api import read_pr_curves

    df = read_pr_curves(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == [
        "run",
        "tag",
        "step",
        "wall_time",
        "thresholds",
        "precision",
        "recall",
        "tp",
        "fp",
        "tn",
        "fn",
    ]
    assert list(zip(df["run"], df["tag"], df["step"], strict=True)) == [
        ("eval", "pr/cat", 5),
        ("train", "pr/cat", 0),
        ("train", "pr/cat", 5),
        ("train", "pr/raw", 0),
    ]
    raw = df.iloc[3]
    assert raw["thresholds"].tolist() == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    assert raw["tp"].tolist() == [3, 2, 0, 0] and raw["tn"].tolist() == [0, 2, 3, 3]
    np.testing.assert_array_equal(raw["recall"], np.float32([1, 2 / 3, 0, 0]))
