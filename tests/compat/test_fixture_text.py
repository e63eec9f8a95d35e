"""Every text sample in the fixture logdirs (Keras rank 0/1/2, PyTorch and tensorboardX ``/text_summary``
vectors) is read raw and exactly as TensorBoard's manifest records it, and TensorBoard's text endpoints answer
with the HTML a real TensorBoard served.

The HTML is identical except where the Markdown holds raw HTML: TensorBoard passes it to its sanitiser (keeping
e.g. ``<img src="x">``), we show it as escaped text; both are safe, which the test checks.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from telescope.plugins.text import query
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]


def _rows(value: Any, shape: list[int]) -> Any:
    """The manifest's value in our read shape (a vector is one cell per row)."""
    if not shape:
        return value
    if len(shape) == 1:
        return [[v] for v in value]
    return value


@pytest.mark.parametrize("name", NAMES)
def test_text_matches_manifest(name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested(name)
    expected = {
        (run, tag): info
        for run, r in manifest(name)["runs"].items()
        for tag, info in r.get("data", {}).get("text", {}).items()
    }
    rows = query.text_series_rows(store)
    assert {(r.run, r.tag) for r in rows} == set(expected)
    for s in query.read_series(store, rows):
        samples = expected[(s.run, s.tag)]["samples"]
        assert len(s.steps) == expected[(s.run, s.tag)]["count"] == len(samples)
        assert s.steps.tolist() == [x["step"] for x in samples]
        assert [list(v.shape) for v in s.values] == [x["shape"] for x in samples]
        assert s.texts() == [_rows(x["value"], x["shape"]) for x in samples]


class _Elements(HTMLParser):
    """Collects the elements and attributes a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _safe(html: str) -> bool:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        if tag in ("script", "iframe", "object", "style"):
            return False
        for name, val in attrs:
            if name.startswith("on") or (val or "").strip().lower().startswith("javascript:"):
                return False
    return True


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_text_endpoints_agree_with_snapshot(
    name: str,
    fixture_logdir: Callable[[str], Path],
    manifest: Callable[..., Any],
    app_client: Any,
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    raw = {
        (run, tag, x["step"]): x["value"]
        for run, r in manifest(name)["runs"].items()
        for tag, info in r.get("data", {}).get("text", {}).items()
        for x in info["samples"]
    }
    client = app_client(fixture_logdir(name))
    assert client.get("/data/plugin/text/tags").json() == snap["text_tags"]
    same = 0
    for run, by_tag in snap["text"].items():
        for tag, tb_entries in by_tag.items():
            ours = client.get("/data/plugin/text/text", params={"run": run, "tag": tag}).json()
            assert [(e["wall_time"], e["step"]) for e in ours] == [(e["wall_time"], e["step"]) for e in tb_entries]
            for mine, tb in zip(ours, tb_entries, strict=True):
                assert _safe(mine["text"])
                source = raw[(run, tag, tb["step"])]
                if "<" not in str(source):
                    assert mine["text"] == tb["text"], (run, tag, tb["step"])
                    same += 1
    if snap["text"]:
        assert same > 0
