"""Served under a sub-path (``--path-prefix``), as behind a reverse proxy that forwards only that path: every
page, request and live update stays under it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from playwright.sync_api import Page, Request, expect

from telescope.writer import SummaryWriter

PREFIX = "/proxy/telescope"


def write_run(run_dir: Path, *, steps: range, image: bool) -> None:
    with SummaryWriter(run_dir) as w:
        for s in steps:
            w.add_scalar("loss", 1.0 / (s + 1), s)
        if image:
            pixels = np.zeros((3, 16, 24), dtype=np.uint8)
            pixels[0] = 200
            w.add_image("inputs", pixels, 0)
            w.add_text("notes", "**bold** and <script>window.__xss = 1</script>", 0)


def test_everything_stays_under_the_prefix(
    page_factory: Callable[..., Page], start_server: Any, tmp_path: Path, shot: Any
) -> None:
    logdir = tmp_path / "logs"
    write_run(logdir / "alpha", steps=range(20), image=True)
    server = start_server(logdir, args=["--path-prefix", PREFIX])
    assert server.url.endswith(PREFIX + "/")
    page = page_factory()
    paths: list[str] = []

    def seen(request: Request) -> None:
        if request.url.startswith("http"):
            paths.append(urlsplit(request.url).path)

    page.on("request", seen)
    page.goto(server.url + "?smoothing=0")

    card = page.locator('article.card[data-tag="loss"]')
    expect(card).to_have_attribute("data-state", "ready")
    expect(card.locator(".chart")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("live-indicator")).to_have_attribute("data-state", "live")

    page.get_by_role("tab", name="Images").click()
    img = page.locator('article.card[data-tag="inputs"] .img-box img')
    expect(img).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 24", arg=img.element_handle())

    page.get_by_role("tab", name="Text").click()
    text = page.locator('article.card[data-tag="notes/text_summary"]')  # PyTorch's tag for add_text
    expect(text.locator("strong")).to_have_text("bold")
    assert page.evaluate("window.__xss") is None

    # Live updates come through the prefix too: a new run shows up without a reload.
    page.get_by_role("tab", name="Scalars").click()
    write_run(logdir / "beta", steps=range(10), image=False)
    expect(page.locator('label.run-row[data-run="beta"]')).to_be_visible(timeout=15_000)
    expect(card).to_have_attribute("data-series-count", "2", timeout=15_000)
    shot(page, "path-prefix")

    assert paths, "the page made no requests"
    outside = sorted({p for p in paths if not p.startswith(PREFIX + "/")})
    assert outside == [], f"requests outside {PREFIX}/ (a proxy would not forward them): {outside}"
    assert f"{PREFIX}/api/blobs/" in " ".join(paths)
