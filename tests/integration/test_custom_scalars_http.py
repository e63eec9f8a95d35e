"""Layouts written with our writer in several runs → ingest → the merged layout over HTTP and the DataFrame API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from telescope import SummaryWriter


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "b") as w:
        w.add_custom_scalars(
            {"Loss": {"all": ["Multiline", ["loss/.*"]], "band": ["Margin", ["loss/m", "loss/lo", "loss/hi"]]}}
        )
        for step in range(3):
            w.add_scalar("loss/train", 1.0 / (step + 1), step, walltime=1_700_000_000.0 + step)
            w.add_scalar("loss/val", 2.0 / (step + 1), step, walltime=1_700_000_000.0 + step)
    with SummaryWriter(root / "a") as w:
        w.add_custom_scalars({"Loss": {"all": ["Multiline", ["loss/.*"]]}, "LR": {"lr": ["Multiline", ["lr"]]}})
    with SummaryWriter(root / "c") as w:
        w.add_scalar("other", 1.0, 0)
    return root


def test_layout_merged_across_runs_in_name_order(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/custom_scalars/layout").json()
    assert body["runs"] == ["a", "b"]
    assert body["categories"] == [
        {
            "title": "Loss",
            "closed": False,
            "charts": [
                {"title": "all", "kind": "multiline", "tags": ["loss/.*"]},
                {
                    "title": "band",
                    "kind": "margin",
                    "series": [{"value": "loss/m", "lower": "loss/lo", "upper": "loss/hi"}],
                },
            ],
        },
        {"title": "LR", "closed": False, "charts": [{"title": "lr", "kind": "multiline", "tags": ["lr"]}]},
    ]


def test_tensorboard_layout_and_scalars(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    tb = client.get("/data/plugin/custom_scalars/layout").json()
    assert tb["version"] == 0 and [c["title"] for c in tb["category"]] == ["Loss", "LR"]
    assert tb["category"][0]["chart"][1] == {
        "title": "band",
        "margin": {"series": [{"value": "loss/m", "lower": "loss/lo", "upper": "loss/hi"}]},
    }
    body = client.get("/data/plugin/custom_scalars/scalars", params={"run": "b", "tag": "loss/.*"}).json()
    assert body["regex_valid"] is True and set(body["tag_to_events"]) == {"loss/train", "loss/val"}
    assert [p[1:] for p in body["tag_to_events"]["loss/val"]] == [[0, 2.0], [1, 1.0], [2, pytest.approx(2 / 3)]]
    assert client.get("/data/plugin/custom_scalars/scalars", params={"run": "nope", "tag": "x"}).json() == {
        "regex_valid": True,
        "tag_to_events": {},
    }
    missing_run = client.get("/data/plugin/custom_scalars/scalars", params={"tag": "x"})
    assert missing_run.status_code == 400 and missing_run.json()["error"]["code"] == "bad_parameter"


def test_no_layout_anywhere(tmp_path: Path, app_client: Any) -> None:
    with SummaryWriter(tmp_path / "logs" / "run") as w:
        w.add_scalar("x", 1.0, 0)
    client = app_client(tmp_path / "logs")
    assert client.get("/api/custom_scalars/layout").json() == {"runs": [], "categories": []}
    assert client.get("/data/plugin/custom_scalars/layout").json() == {}


def test_dataframe_round_trip(logdir: Path, tmp_path: Path) -> None:
    from telescope.api import read_custom_scalars

    df = read_custom_scalars(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "category", "title", "kind", "tags"]
    rows = [(r.run, r.tag, r.step, r.category, r.title, r.kind, r.tags) for r in df.itertuples()]
    assert rows == [
        ("a", "custom_scalars__config__", 0, "Loss", "all", "multiline", ["loss/.*"]),
        ("a", "custom_scalars__config__", 0, "LR", "lr", "multiline", ["lr"]),
        ("b", "custom_scalars__config__", 0, "Loss", "all", "multiline", ["loss/.*"]),
        ("b", "custom_scalars__config__", 0, "Loss", "band", "margin", ["loss/m", "loss/lo", "loss/hi"]),
    ]
