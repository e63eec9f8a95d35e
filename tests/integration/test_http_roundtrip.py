"""SummaryWriter → event files → ingest → store → HTTP, in process."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import pytest

from telescope import SummaryWriter
from tests.helpers import scalar_event, start_event, write_events


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "train") as w:
        for step in range(5000):
            value = 100.0 if step == 3210 else math.sin(step / 50.0)
            w.add_scalar("loss", value, step, walltime=1_700_000_000.0 + step)
        w.add_scalar("odd", float("nan"), 0, walltime=1_700_000_000.0)
        w.add_scalar("odd", float("inf"), 1, walltime=1_700_000_001.0)
        w.add_scalar("odd", 2.0, 2, walltime=1_700_000_002.0, new_style=True)
    with SummaryWriter(root / "validation") as w:
        for step in range(0, 5000, 100):
            w.add_scalar("loss", 0.5, step, walltime=1_700_000_000.0 + step)
    return root


def test_series_downsampled_with_spike_kept(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    r = client.get("/api/scalars", params={"tag": "loss", "points": 200})
    assert r.status_code == 200
    body = r.json()
    train = next(s for s in body["series"] if s["run"] == "train")
    assert train["total"] == 5000
    assert train["downsampled"] is True
    assert len(train["steps"]) <= 200
    assert 100.0 in train["values"] and train["steps"][train["values"].index(100.0)] == 3210
    assert len(train["steps"]) == len(train["wall_times"]) == len(train["values"])
    validation = next(s for s in body["series"] if s["run"] == "validation")
    assert validation["downsampled"] is False and validation["total"] == 50


def test_zoom_window_returns_full_detail(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    r = client.get(
        "/api/scalars",
        params={"tag": "loss", "run": "train", "min_step": 3000, "max_step": 3099, "points": 200},
    )
    (s,) = r.json()["series"]
    assert s["steps"] == list(range(3000, 3100))
    assert s["downsampled"] is False


def test_one_tag_across_many_runs_written_in_pieces(
    tmp_path: Path, app_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small batches and pieces: the answer is read in several batches and written in several pieces, and is
    # still one JSON document with every run, in order, as each run alone answers it.
    from telescope.plugins.scalars import routes
    from telescope.query import scalars

    root = tmp_path / "logs"
    for r in range(12):
        with SummaryWriter(root / f"run{r:02d}") as w:
            for step in range(300):
                w.add_scalar("loss", float("nan") if (r, step) == (5, 7) else r + step / 300, step, walltime=1e9 + step)
    monkeypatch.setattr(scalars, "BATCH_POINTS", 700)
    monkeypatch.setattr(routes, "STREAM_PIECE_BYTES", 3000)
    client = app_client(root)
    r = client.get("/api/scalars", params={"tag": "loss", "points": 50})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["tag"] == "loss"
    assert [s["run"] for s in body["series"]] == [f"run{i:02d}" for i in range(12)]
    for s in body["series"]:
        (alone,) = client.get("/api/scalars", params={"tag": "loss", "points": 50, "run": s["run"]}).json()["series"]
        assert s == alone
        assert s["total"] == 300 and s["downsampled"] is True
    assert "NaN" in body["series"][5]["values"]


def test_non_finite_values_in_json(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    (s,) = client.get("/api/scalars", params={"tag": "odd"}).json()["series"]
    assert s["values"] == ["NaN", "Infinity", 2.0]


def test_exports_are_exact(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    r = client.get("/api/scalars/export", params={"tag": "loss", "format": "csv"})
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 5050
    spike = next(row for row in rows if row["run"] == "train" and row["step"] == "3210")
    assert float(spike["value"]) == 100.0
    j = client.get("/api/scalars/export", params={"tag": "loss", "run": "train", "format": "json"}).json()
    (series,) = j["series"]
    assert series["steps"] == list(range(5000))
    assert series["values"][3210] == 100.0
    odd = client.get("/api/scalars/export", params={"tag": "odd", "format": "csv"}).text.splitlines()
    assert odd[1].endswith(",nan") and odd[2].endswith(",inf")


def test_runs_tags_status(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    runs = client.get("/api/runs").json()["runs"]
    assert [r["name"] for r in runs] == ["train", "validation"]
    assert runs[0]["kinds"] == ["scalars"]
    tags = client.get("/api/tags", params={"kind": "scalars"}).json()["tags"]
    assert {t["tag"]: sorted(t["runs"]) for t in tags} == {"loss": ["train", "validation"], "odd": ["train"]}
    status = client.get("/api/status").json()
    assert status["ingest"]["state"] == "live"
    assert status["ingest"]["bytes_read"] == status["ingest"]["bytes_total"] > 0
    assert status["ingest"]["records"] == 5000 + 3 + 50 + 2
    assert status["empty_reason"] is None
    assert status["kinds"] == {"scalars": 2}


def test_hidden_points_on_request(tmp_path: Path, app_client: Any) -> None:
    run = tmp_path / "logs" / "r"
    write_events(run / "events.out.tfevents.1.h", *[scalar_event("x", s, 1.0) for s in range(10)])
    write_events(
        run / "events.out.tfevents.2.h",
        start_event(5, 1_700_000_500.0),
        *[scalar_event("x", s, 2.0, wall=1_700_000_500.0 + s) for s in range(5, 8)],
    )
    client = app_client(tmp_path / "logs")
    (s,) = client.get("/api/scalars", params={"tag": "x"}).json()["series"]
    assert s["steps"] == [0, 1, 2, 3, 4, 5, 6, 7]
    (h,) = client.get("/api/scalars", params={"tag": "x", "hidden": "true"}).json()["series"]
    assert len(h["steps"]) == 13
    assert sum(h["hidden"]) == 5
    text = client.get("/api/scalars/export", params={"tag": "x", "hidden": "true"}).text
    assert text.splitlines()[0] == "run,tag,step,wall_time,value,hidden"


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/scalars?tag=nope", 404, "unknown_tag"),
        ("/api/scalars?tag=loss&run=ghost", 404, "unknown_run"),
        ("/api/scalars", 400, "bad_parameter"),
        ("/api/scalars?tag=loss&points=abc", 400, "bad_parameter"),
        ("/api/scalars?tag=loss&points=1", 400, "bad_parameter"),
        ("/api/scalars?tag=loss&min_step=10&max_step=5", 400, "bad_parameter"),
        ("/api/scalars/export?tag=loss&format=xml", 400, "bad_parameter"),
        ("/api/tags?kind=scalars&run=ghost", 404, "unknown_run"),
        ("/data/plugin/scalars/scalars?run=ghost&tag=loss", 404, "unknown_run"),
        ("/api/no/such/thing", 404, "not_found"),
    ],
)
def test_one_error_shape(logdir: Path, app_client: Any, url: str, status: int, code: str) -> None:
    r = app_client(logdir).get(url)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in r.text
