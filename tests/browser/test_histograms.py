"""The Histograms and Distributions dashboards on real logdirs, as a person uses them.

PyTorch's fixture logdir has weight histograms in ``runs/dev_main`` and 550 steps of one tag in
``runs/dev_long``; Keras' has a histogram per weight. Logdirs written here with Telescope's writer add a
scalars-only logdir, two runs to compare, and a tag of 1,000 steps whose offset view is timed.
"""

from __future__ import annotations

import json
import math
import re
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from telescope import SummaryWriter
from tests.browser.conftest import ARTIFACTS, Server, get_json

LONG_RUN = "runs/dev_long"
LONG_TAG = "dev_long/activations"
THOUSAND = 1000


def histogram_tags(manifest: dict[str, Any]) -> set[str]:
    return {tag for run in manifest["runs"].values() for tag in run.get("plugins", {}).get("histograms", [])}


def card(page: Page, tag: str) -> Locator:
    return page.locator(f'article.card[data-tag="{tag}"]')


def api_histograms(server: Server, run: str, tag: str, bins: int) -> dict[str, Any]:
    q = urllib.parse.urlencode({"run": run, "tag": tag, "bins": bins})
    return get_json(server.url + f"api/histograms?{q}")  # type: ignore[no-any-return]


def api_distributions(server: Server, run: str, tag: str) -> dict[str, Any]:
    q = urllib.parse.urlencode({"run": run, "tag": tag})
    return get_json(server.url + f"api/distributions?{q}")  # type: ignore[no-any-return]


def hover(page: Page, target: Locator, fx: float, fy: float) -> Locator:
    """Move the mouse to a fraction of the target's box; the visible tooltip."""
    box = target.bounding_box()
    assert box is not None
    page.mouse.move(0, 0)  # from elsewhere, so the pointer moves even if it was already there
    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    tip = page.locator(".tooltip:visible")
    expect(tip).to_have_count(1)
    return tip


def format_count(v: float) -> str:
    """A count as the tooltip writes it (5 significant digits, for counts under 10 000)."""
    assert v < 1e4
    return f"{v:.5g}"


@pytest.fixture(scope="module")
def scalars_only_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    logdir = tmp_path_factory.mktemp("scalars_only")
    with SummaryWriter(logdir / "run") as w:
        for step in range(5):
            w.add_scalar("loss", 1.0 / (step + 1), step)
    return start_server(logdir)


@pytest.fixture(scope="module")
def two_runs_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    """Runs ``a`` (steps 0..99) and ``b`` (every tenth step, shifted right) of one tag."""
    logdir = tmp_path_factory.mktemp("two_runs")
    rng = np.random.default_rng(1)
    with SummaryWriter(logdir / "a") as w:
        for step in range(100):
            w.add_histogram("layer/weights", rng.normal(step / 50, 1.0, 400), step, walltime=1.7e9 + step)
    with SummaryWriter(logdir / "b") as w:
        for step in range(0, 100, 10):
            w.add_histogram("layer/weights", rng.normal(2 + step / 25, 0.5, 400), step, walltime=1.7e9 + step)
    return start_server(logdir)


@pytest.fixture(scope="module")
def thousand_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    """One run whose tag has 1,000 steps of histograms, each of 2,000 values in TensorFlow's buckets."""
    logdir = tmp_path_factory.mktemp("thousand")
    rng = np.random.default_rng(2)
    with SummaryWriter(logdir / "long") as w:
        for step in range(THOUSAND):
            values = rng.normal(step / 400, 1 + step / 1000, 2000)
            w.add_histogram("layer/activations", values, step, walltime=1.7e9 + 2.0 * step)
    server = start_server(logdir)
    assert get_json(server.url + "api/status")["kinds"].get("histograms") == 1
    return server


def test_tabs_appear_only_when_histograms_exist(
    page: Page, torch_server: Server, scalars_only_server: Server, shot: Any
) -> None:
    page.goto(scalars_only_server.url + "?tab=histograms")
    expect(page.get_by_role("tab", name="Scalars")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tab", name="Histograms")).to_have_count(0)
    expect(page.get_by_role("tab", name="Distributions")).to_have_count(0)
    expect(page.locator('article.card[data-tag="loss"]')).to_be_visible()

    page.goto(torch_server.url)
    expect(page.get_by_role("tab", name="Histograms")).to_be_visible()
    page.get_by_role("tab", name="Distributions").click()
    expect(page.get_by_role("tab", name="Distributions")).to_have_attribute("aria-selected", "true")
    expect(page).to_have_url(re.compile(r"tab=distributions"))
    expect(page.locator("article.card").first).to_have_attribute("data-state", "ready")
    shot(page, "histograms-tabs")


@pytest.mark.parametrize("fixture", ["torch_dev", "keras_dev"])
def test_a_card_per_histogram_tag(
    page_factory: Callable[..., Page],
    fixture: str,
    torch_server: Server,
    keras_server: Server,
    manifest: Callable[[str], dict[str, Any]],
    shot: Any,
) -> None:
    server = torch_server if fixture == "torch_dev" else keras_server
    tags = histogram_tags(manifest(fixture))
    assert len(tags) >= 7
    for scheme in ("light", "dark"):
        page = page_factory(color_scheme=scheme)
        for tab in ("histograms", "distributions"):
            page.goto(server.url + f"?tab={tab}")
            cards = page.locator("article.card")
            expect(cards).to_have_count(len(tags))
            assert {c.get_attribute("data-tag") for c in cards.all()} == tags
            first = cards.first
            expect(first).to_have_attribute("data-state", "ready")
            if tab == "histograms":
                expect(first.locator("canvas.hist-canvas")).to_have_attribute("data-drawn", "true")
            else:
                expect(first.locator(".chart").first).to_have_attribute("data-drawn", "true")
            page.wait_for_timeout(300)  # let the cards in view finish drawing
            shot(page, f"{tab}-{fixture}-{scheme}")


def test_offset_and_overlay_draw_differently(page: Page, torch_server: Server, shot: Any) -> None:
    page.goto(torch_server.url + f"?tab=histograms&tags=^{LONG_TAG}$")
    c = card(page, LONG_TAG)
    canvas = c.locator("canvas.hist-canvas")
    expect(c).to_have_attribute("data-state", "ready")
    expect(c).to_have_attribute("data-mode", "offset")
    expect(c).to_have_attribute("data-steps", "550")
    # 550 ridges would be a smear: steps closer than a few pixels are left out, the note says so
    drawn_steps = int(c.get_attribute("data-drawn-steps") or 0)
    assert 20 < drawn_steps < 550
    expect(c.locator(".card-foot")).to_contain_text(f"{drawn_steps} of 550 steps drawn")
    offset_pixels = canvas.screenshot()
    shot(page, "histograms-offset")

    page.get_by_role("button", name="View: Overlay").click()
    expect(c).to_have_attribute("data-mode", "overlay")
    expect(c).to_have_attribute("data-state", "ready")
    expect(page).to_have_url(re.compile(r"histograms\.mode=overlay"))
    page.wait_for_timeout(100)
    overlay_pixels = canvas.screenshot()
    assert overlay_pixels != offset_pixels
    shot(page, "histograms-overlay")

    # the view survives a reload (it is in the URL)
    page.reload()
    expect(page.get_by_role("button", name="View: Overlay")).to_have_attribute("aria-pressed", "true")
    expect(card(page, LONG_TAG)).to_have_attribute("data-mode", "overlay")

    # the time axis lays the ridges out by wall time instead of step, and labels them so
    page.get_by_role("button", name="View: Offset").click()
    expect(c).to_have_attribute("data-mode", "offset")
    expect(c).to_have_attribute("data-state", "ready")
    page.wait_for_timeout(100)
    by_step = canvas.screenshot()
    page.get_by_role("button", name="Time axis: Wall").click()
    expect(page).to_have_url(re.compile(r"[?&]x=wall"))
    expect(c).to_have_attribute("data-state", "ready")
    page.wait_for_timeout(100)
    assert canvas.screenshot() != by_step


def test_hover_shows_the_values_the_api_gives(page: Page, torch_server: Server) -> None:
    page.goto(torch_server.url + f"?tab=histograms&tags=^{LONG_TAG}$")
    c = card(page, LONG_TAG)
    expect(c).to_have_attribute("data-state", "ready")
    bins = int(c.get_attribute("data-bins") or 0)
    data = api_histograms(torch_server, LONG_RUN, LONG_TAG, bins)
    assert data["shared"] is True and len(data["edges"]) == bins + 1
    layer = c.locator(".hist-hover")

    def check(tip: Locator) -> tuple[int, int]:
        info = tip.locator("[data-step]").first
        step = int(info.get_attribute("data-step") or -1)
        b = int(info.get_attribute("data-bin") or -1)
        i = data["steps"].index(step)
        count = data["counts"][i][b]
        assert float(info.get_attribute("data-count") or "nan") == pytest.approx(count, rel=1e-9, abs=1e-12)
        assert float(info.get_attribute("data-left") or "nan") == pytest.approx(data["edges"][b], rel=1e-9)
        assert float(info.get_attribute("data-right") or "nan") == pytest.approx(data["edges"][b + 1], rel=1e-9)
        expect(tip).to_contain_text(str(step))
        expect(tip).to_contain_text(format_count(count))
        return step, b

    # offset: near the bottom is the front (latest) ridge; higher up, earlier steps
    front = check(hover(page, layer, 0.5, 0.85))
    back = check(hover(page, layer, 0.5, 0.35))
    assert back[0] < front[0]
    # a bin further right is a bin further right
    assert check(hover(page, layer, 0.65, 0.85))[1] > front[1]

    page.get_by_role("button", name="View: Overlay").click()
    expect(c).to_have_attribute("data-mode", "overlay")
    expect(c).to_have_attribute("data-state", "ready")
    check(hover(page, layer, 0.45, 0.6))
    page.mouse.move(5, 5)
    expect(page.locator(".tooltip:visible")).to_have_count(0)


def test_compare_runs_at_the_step_of_the_slider(page: Page, two_runs_server: Server, shot: Any) -> None:
    tag = "layer/weights"
    page.goto(two_runs_server.url + "?tab=histograms&histograms.mode=compare")
    c = card(page, tag)
    expect(c).to_have_attribute("data-state", "ready")
    expect(c).to_have_attribute("data-mode", "compare")
    expect(c).to_have_attribute("data-shown-step", "99")  # the latest
    for run in ("a", "b"):
        expect(c.locator(f'.legend-item[data-run="{run}"]')).to_have_count(1)
    canvas = c.locator("canvas.hist-canvas")
    latest_pixels = canvas.screenshot()
    layer = c.locator(".hist-hover")

    def steps_in_tooltip() -> dict[str, int]:
        tip = hover(page, layer, 0.5, 0.5)
        rows = tip.locator("tr[data-run]")
        expect(rows).to_have_count(2)
        return {r.get_attribute("data-run") or "": int(r.get_attribute("data-step") or -1) for r in rows.all()}

    assert steps_in_tooltip() == {"a": 99, "b": 90}  # b's nearest step to 99
    slider = c.get_by_role("slider", name=f"Step of {tag}")
    slider.focus()
    page.keyboard.press("Home")
    expect(c).to_have_attribute("data-shown-step", "0")
    expect(c).to_have_attribute("data-state", "ready")
    page.wait_for_timeout(100)
    assert canvas.screenshot() != latest_pixels
    assert steps_in_tooltip() == {"a": 0, "b": 0}
    shot(page, "histograms-compare")

    slider.focus()
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    expect(c).to_have_attribute("data-shown-step", "7")
    assert steps_in_tooltip() == {"a": 7, "b": 10}


def test_compare_one_run_counts_match_the_api(page: Page, torch_server: Server) -> None:
    page.goto(torch_server.url + f"?tab=histograms&histograms.mode=compare&tags=^{LONG_TAG}$")
    c = card(page, LONG_TAG)
    expect(c).to_have_attribute("data-state", "ready")
    c.get_by_role("slider", name=f"Step of {LONG_TAG}").focus()
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("PageUp")  # native range inputs move by a tenth of the way
    shown = int(c.get_attribute("data-shown-step") or -1)
    assert shown > 0
    data = api_histograms(torch_server, LONG_RUN, LONG_TAG, int(c.get_attribute("data-bins") or 0))
    tip = hover(page, c.locator(".hist-hover"), 0.5, 0.5)
    row = tip.locator(f'tr[data-run="{LONG_RUN}"]')
    assert int(row.get_attribute("data-step") or -1) == shown
    b = int(tip.locator("[data-bin]").first.get_attribute("data-bin") or -1)
    expected = data["counts"][data["steps"].index(shown)][b]
    assert float(row.get_attribute("data-count") or "nan") == pytest.approx(expected, rel=1e-9, abs=1e-12)
    expect(row).to_contain_text(format_count(expected))


def test_distribution_bands_and_hover_values(page: Page, torch_server: Server, shot: Any) -> None:
    page.goto(torch_server.url + f"?tab=distributions&tags=^{LONG_TAG}$")
    c = card(page, LONG_TAG)
    expect(c).to_have_attribute("data-state", "ready")
    expect(c.locator(".chart")).to_have_attribute("data-drawn", "true")
    data = api_distributions(torch_server, LONG_RUN, LONG_TAG)
    assert data["basis_points"] == [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000]

    for fx in (0.2, 0.7):
        tip = hover(page, c.locator(".u-over"), fx, 0.5)
        step = int(tip.locator(f'td[data-run="{LONG_RUN}"][data-step]').get_attribute("data-step") or -1)
        i = data["steps"].index(step)
        expect(tip).to_contain_text("median")
        for j, bp in enumerate(data["basis_points"]):
            cell = tip.locator(f'td[data-run="{LONG_RUN}"][data-bp="{bp}"]')
            expected = data["percentiles"][j][i]
            assert float(cell.get_attribute("data-value") or "nan") == pytest.approx(expected, rel=1e-9, abs=1e-12)
            expect(cell).to_have_text(re.compile(r"^[\u2212\d]"))  # a minus sign or a digit
    shot(page, "distributions-hover")

    # the x axis follows the app's setting: relative time labels the axis in durations
    chart = c.locator("canvas").first
    before = chart.screenshot()
    page.get_by_role("button", name="X axis: Relative").click()
    expect(page).to_have_url(re.compile(r"[?&]x=relative"))
    page.wait_for_timeout(200)
    assert chart.screenshot() != before


def test_canvas_is_sharp_and_follows_the_card_size(browser: Any, torch_server: Server) -> None:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=2)
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(torch_server.url + f"?tab=histograms&tags=^{LONG_TAG}$")
        c = card(page, LONG_TAG)
        expect(c).to_have_attribute("data-state", "ready")
        canvas = c.locator("canvas.hist-canvas")

        def sizes() -> tuple[float, int]:
            css_width = page.evaluate("(el) => el.getBoundingClientRect().width", canvas.element_handle())
            return float(css_width), int(canvas.get_attribute("width") or 0)

        css_width, pixels = sizes()
        assert pixels == round(css_width * 2)  # one canvas pixel per device pixel
        drawn_at = canvas.get_attribute("data-drawn-at")

        # another window width gives the card another width (here one column, wider): the drawing follows
        page.set_viewport_size({"width": 760, "height": 900})
        expect(canvas).not_to_have_attribute("data-drawn-at", drawn_at or "")
        expect(c).to_have_attribute("data-state", "ready")
        new_width, new_pixels = sizes()
        assert abs(new_width - css_width) > 10
        assert new_pixels == round(new_width * 2)
    finally:
        ctx.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def test_a_thousand_steps_draw_without_freezing_the_page(page: Page, thousand_server: Server, shot: Any) -> None:
    # Record long tasks (main thread busy for 50 ms or more) from the start of the page.
    page.add_init_script(
        "window.__longTasks = [];"
        "new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); })"
        ".observe({ type: 'longtask', buffered: true });"
    )
    started = time.monotonic()
    page.goto(thousand_server.url + "?tab=histograms")
    c = card(page, "layer/activations")
    expect(c).to_have_attribute("data-state", "ready", timeout=15_000)
    wall = time.monotonic() - started
    expect(c).to_have_attribute("data-mode", "offset")
    expect(c).to_have_attribute("data-steps", str(THOUSAND))
    canvas = c.locator("canvas.hist-canvas")
    drawn_at = float(canvas.get_attribute("data-drawn-at") or "nan")
    draw_ms = float(canvas.get_attribute("data-draw-ms") or "nan")
    long_tasks: list[float] = page.evaluate("window.__longTasks")

    # hovering reaches every step and answers at once
    t0 = time.monotonic()
    tip = hover(page, c.locator(".hist-hover"), 0.5, 0.8)
    hover_ms = (time.monotonic() - t0) * 1000
    step = int(tip.locator("[data-step]").first.get_attribute("data-step") or -1)
    assert 0 <= step < THOUSAND
    shot(page, "histograms-thousand-steps")

    report = {
        "steps": THOUSAND,
        "drawn_after_navigation_ms": drawn_at,
        "draw_ms": draw_ms,
        "ready_seen_by_test_s": round(wall, 3),
        "longest_task_ms": max(long_tasks, default=0.0),
        "hover_ms": round(hover_ms, 1),
        "ridges_drawn": int(c.get_attribute("data-drawn-steps") or 0),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "histograms-timing.json").write_text(json.dumps(report, indent=2))
    print(f"\n1,000-step histogram, offset view: {json.dumps(report)}")

    assert math.isfinite(drawn_at)
    assert drawn_at < 5000, f"the card was drawn {drawn_at:.0f} ms after navigation"
    assert draw_ms < 1000, f"drawing took {draw_ms:.0f} ms"
    assert max(long_tasks, default=0.0) < 2000, f"the page froze for {max(long_tasks):.0f} ms"
