"""Text written with our writer (and TF2's rank-0 and rank-2 forms) → ingest → HTTP and the DataFrame API."""

from __future__ import annotations

from html.parser import HTMLParser
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


def parse_elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of an HTML fragment with its attributes, as a browser's parser would see them."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


LINKS = "[docs](https://example.com/a) [bad](javascript:alert(1)) ![chart](https://tracker.example/p.png)"


def test_html_format_gives_each_step_sanitised(logdir: Path, app_client: Any) -> None:
    with SummaryWriter(logdir / "links") as w:
        w.add_text("links", LINKS + '\n\n<img src=x onerror="alert(1)">', 0, walltime=WALL)
    client = app_client(logdir)

    doc = client.get("/api/text", params={"run": "tf2", "tag": "doc", "format": "html"}).json()
    assert doc["text"] == [NOTE]  # the raw text is still there, for the raw view
    (page,) = doc["html"]
    assert page.startswith("<h1>Run notes</h1>") and "<table" not in page  # rank 0: one document
    assert "<strong>0.1</strong>" in page and "✓" in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, never run

    table = client.get("/api/text", params={"run": "tf2", "tag": "table", "format": "html"}).json()
    assert table["html"] == [
        "<table><tbody><tr><td><p>a</p></td><td><p>b</p></td></tr><tr><td><p>c</p></td><td><p>d</p></td></tr>"
        "</tbody></table>"
    ]
    notes = client.get("/api/text", params={"run": "train", "tag": "notes/text_summary", "format": "html"}).json()
    assert notes["steps"] == [0, 4] and len(notes["html"]) == 2
    assert notes["html"][0].startswith("<table><tbody><tr><td><h1>Run notes</h1>")  # rank 1: a one-column table

    (links,) = client.get("/api/text", params={"run": "links", "tag": "links/text_summary", "format": "html"}).json()[
        "html"
    ]
    assert '<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">docs</a>' in links
    elements = parse_elements(links)
    assert {tag for tag, _ in elements} == {"table", "tbody", "tr", "td", "p", "a"}  # no <img>: nothing loads
    assert all(not name.startswith("on") for _, attrs in elements for name in attrs)
    hrefs = [attrs["href"] for tag, attrs in elements if tag == "a"]
    assert hrefs == ["https://example.com/a", "https://tracker.example/p.png"]  # the javascript: one is plain text
    assert all(
        attrs["target"] == "_blank" and attrs["rel"] == "noopener noreferrer" for t, attrs in elements if t == "a"
    )
    assert "image: chart</a>" in links  # the image is a link to it
    assert "&lt;img src=x onerror=" in links  # the raw HTML is shown as text


def test_raw_is_the_default_format(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    assert "html" not in client.get("/api/text", params={"run": "tf2", "tag": "doc"}).json()
    r = client.get("/api/text", params={"run": "tf2", "tag": "doc", "format": "pdf"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_parameter"
