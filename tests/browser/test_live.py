"""Live updates: points and runs written while the page is open appear without a reload."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from telescope.writer import SummaryWriter


def write(run_dir: Path, tag: str, steps: range) -> None:
    w = SummaryWriter(run_dir)
    for s in steps:
        w.add_scalar(tag, 1.0 / (s + 1), s)
    w.close()


def test_new_points_and_runs_appear(
    page_factory: Callable[..., Page], start_server: Any, tmp_path: Path, shot: Any
) -> None:
    logdir = tmp_path / "live_logs"
    write(logdir / "alpha", "loss", range(0, 20))
    server = start_server(logdir)
    page = page_factory()
    page.goto(server.url + "?smoothing=0")
    card = page.locator('article.card[data-tag="loss"]')
    expect(card).to_have_attribute("data-series-count", "1")
    expect(card).to_have_attribute("data-state", "ready")
    before = card.get_attribute("data-smoothed-checksum")
    live = page.get_by_test_id("live-indicator")
    expect(live).to_have_attribute("data-state", "live")

    # zoom first: live updates must keep it
    box = card.locator(".u-over").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.1, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.9, y, steps=4)
    page.mouse.up()
    expect(card).to_have_attribute("data-zoomed", "true")

    write(logdir / "alpha", "loss", range(20, 40))  # the same run grows (a new file, as a restart would)
    write(logdir / "beta", "loss", range(0, 10))  # a new run appears
    write(logdir / "beta", "accuracy", range(0, 10))  # with a new tag

    expect(page.locator('label.run-row[data-run="beta"]')).to_be_visible(timeout=15_000)
    expect(card).to_have_attribute("data-series-count", "2", timeout=15_000)
    expect(page.locator('article.card[data-tag="accuracy"]')).to_be_visible(timeout=15_000)
    expect(card).not_to_have_attribute("data-smoothed-checksum", before or "")
    expect(card).to_have_attribute("data-zoomed", "true")
    shot(page, "live-updated")


def test_an_empty_logdir_fills_in_when_training_starts(
    page_factory: Callable[..., Page], start_server: Any, tmp_path: Path
) -> None:
    logdir = tmp_path / "not_yet"
    logdir.mkdir()
    server = start_server(logdir)
    page = page_factory()
    page.goto(server.url)
    expect(page.get_by_test_id("empty-state")).to_be_visible()

    write(logdir / "first_run", "train/loss", range(0, 5))

    expect(page.get_by_role("tab", name="Scalars")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("empty-state")).to_have_count(0)
    card = page.locator('article.card[data-tag="train/loss"]')
    expect(card).to_have_attribute("data-state", "ready", timeout=15_000)
    expect(card.locator(".chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator('section.group[data-group="train"] .group-head')).to_contain_text("(1)")
