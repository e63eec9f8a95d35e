"""Text written with our writer (and TF2's rank-0 and rank-2 forms) → ingest → HTTP and the DataFrame API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from telescope import SummaryWriter
from telescope.plugins.text.summary import text as text_summary
from telescope.tfrecord.proto import event_pb2
from tests.helpers import version_event, write_events

WALL = 1_700_000_000.0
NOTE = "# Run notes\n\nlr = **0.1**, <script>alert(1)</script> ✓"


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "train") as w:
        w.add_text("notes", NOTE, 0, walltime=WALL)
        w.add_text("notes", "second", 4, walltime=WALL + 4)
    write_events(
        root / "tf2" / "events.out.tfevents.1.tf2",
        version_event(),
        event_pb2.Event(wall_time=WALL, step=0, summary=text_summary("doc", NOTE)),
        event_pb2.Event(wall_time=WALL, step=0, summary=text_summary("table", [["a", "b"], ["c", "d"]])),
    )
    return root


def test_tags(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/text/tags").json()
    assert {t["tag"]: t["runs"] for t in body["tags"]} == {
        "doc": ["tf2"],
        "notes/text_summary": ["train"],
        "table": ["tf2"],
    }


def test_raw_text_is_returned_unrendered(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/text", params={"run": "train", "tag": "notes/text_summary"}).json()
    assert body["steps"] == [0, 4] and body["wall_times"] == [WALL, WALL + 4]
    assert body["shapes"] == [[1], [1]]
    assert body["text"] == [[[NOTE]], [["second"]]]
    doc = client.get("/api/text", params={"run": "tf2", "tag": "doc"}).json()
    assert doc["shapes"] == [[]] and doc["text"] == [NOTE]
    table = client.get("/api/text", params={"run": "tf2", "tag": "table"}).json()
    assert table["text"] == [[["a", "b"], ["c", "d"]]]


def test_tensorboard_endpoints_render_sanitised_html(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    assert client.get("/data/plugin/text/tags").json() == {"train": ["notes/text_summary"], "tf2": ["doc", "table"]}
    (first, second) = client.get("/data/plugin/text/text", params={"run": "train", "tag": "notes/text_summary"}).json()
    assert first["step"] == 0 and first["wall_time"] == WALL
    assert first["text"].startswith("<table>\n<tbody>\n<tr>\n<td><h1>Run notes</h1>")
    assert "<strong>0.1</strong>" in first["text"] and "<script" not in first["text"] and "✓" in first["text"]
    assert second["text"] == "<table>\n<tbody>\n<tr>\n<td><p>second</p></td>\n</tr>\n</tbody>\n</table>"
    (doc,) = client.get("/data/plugin/text/text", params={"run": "tf2", "tag": "doc"}).json()
    assert doc["text"].startswith("<h1>Run notes</h1>")  # rank 0: no table
    (plain,) = client.get("/data/plugin/text/text", params={"run": "tf2", "tag": "doc", "markdown": "false"}).json()
    assert plain["text"].startswith("# Run notes") and "&lt;script&gt;" in plain["text"]
    assert client.get("/data/plugin/text/text", params={"run": "tf2", "tag": "nope"}).json() == []


@pytest.mark.parametrize(
    ("params", "code"),
    [({"run": "nope", "tag": "doc"}, "unknown_run"), ({"run": "tf2", "tag": "nope"}, "unknown_tag")],
)
def test_errors_are_json(logdir: Path, app_client: Any, params: dict[str, str], code: str) -> None:
    r = app_client(logdir).get("/api/text", params=params)
    assert r.status_code == 404 and r.json()["error"]["code"] == code
    assert app_client(logdir).get("/api/text", params={"run": "tf2"}).json()["error"]["code"] == "bad_parameter"


def test_dataframe_round_trip(logdir: Path, tmp_path: Path) -> None:
    from telescope.api import read_text

    df = read_text(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "text"]
    assert df.to_dict("records") == [
        {"run": "tf2", "tag": "doc", "step": 0, "wall_time": WALL, "text": NOTE},
        {"run": "tf2", "tag": "table", "step": 0, "wall_time": WALL, "text": [["a", "b"], ["c", "d"]]},
        {"run": "train", "tag": "notes/text_summary", "step": 0, "wall_time": WALL, "text": [[NOTE]]},
        {"run": "train", "tag": "notes/text_summary", "step": 4, "wall_time": WALL + 4, "text": [["second"]]},
    ]
