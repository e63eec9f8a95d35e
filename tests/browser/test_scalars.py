"""The Scalars dashboard on a real Keras logdir, as a person uses it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, get_json, manifest_pairs
from tests.helpers import scalar_event, version_event, write_events

TRAIN = "logs/fit/20261126-052645/train"
VALIDATION = "logs/fit/20261126-052645/validation"


def scalar_tags(manifest: dict[str, Any]) -> set[str]:
    return {tag for _, tag in manifest_pairs(manifest, "scalars")}


def get_tags(server: Server) -> list[str]:
    return [t["tag"] for t in get_json(server.url + "api/tags?kind=scalars")["tags"]]


def card(page: Page, tag: str) -> Any:
    return page.locator(f'article.card[data-tag="{tag}"]')


def open_dashboard(page: Page, server: Server, query: str = "") -> None:
    page.goto(server.url + query)
    expect(page.locator("article.card").first).to_be_visible()


def test_a_chart_per_scalar_tag(
    page_factory: Callable[..., Page], keras_server: Server, manifest: Callable[[str], dict[str, Any]], shot: Any
) -> None:
    tags = scalar_tags(manifest("keras_dev"))
    for scheme in ("light", "dark"):
        page = page_factory(color_scheme=scheme)
        open_dashboard(page, keras_server)
        expect(page.locator("article.card")).to_have_count(len(tags))
        assert {c.get_attribute("data-tag") for c in page.locator("article.card").all()} == tags
        for c in page.locator("article.card").all():
            expect(c).to_have_attribute("data-state", "ready")
            expect(c.locator("canvas")).to_have_count(1)
            expect(c.locator(".chart")).to_have_attribute("data-drawn", "true")
        expect(card(page, "epoch_loss")).to_have_attribute("data-series-count", "2")
        expect(card(page, "epoch_learning_rate")).to_have_attribute("data-series-count", "1")
        expect(page.locator(".topbar")).to_contain_text("Telescope")
        expect(page.get_by_role("tab", name="Scalars")).to_have_attribute("aria-selected", "true")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        # hover a chart: the tooltip lists both runs of epoch_loss
        box = card(page, "epoch_loss").locator(".u-over").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        tooltip = page.locator(".tooltip:visible")
        expect(tooltip).to_have_count(1)
        expect(tooltip.locator("tr")).to_have_count(3)  # header + two runs
        shot(page, f"scalars-keras-{scheme}")


def test_unticking_a_run_removes_its_line(page: Page, keras_server: Server, shot: Any) -> None:
    open_dashboard(page, keras_server)
    loss = card(page, "epoch_loss")
    expect(loss).to_have_attribute("data-series-count", "2")
    expect(loss.locator(f'.legend-item[data-run="{VALIDATION}"]')).to_have_count(1)
    before = loss.locator("canvas").screenshot()

    page.get_by_role("checkbox", name=VALIDATION, exact=True).uncheck()

    expect(loss).to_have_attribute("data-series-count", "1")
    expect(loss.locator(f'.legend-item[data-run="{VALIDATION}"]')).to_have_count(0)
    expect(loss.locator(f'.legend-item[data-run="{TRAIN}"]')).to_have_count(1)
    # validation-only tags have no selected run left, so their cards go
    expect(card(page, "evaluation_loss_vs_iterations")).to_have_count(0)
    page.wait_for_timeout(100)
    assert loss.locator("canvas").screenshot() != before
    box = loss.locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    rows = page.locator(".tooltip:visible tr")
    expect(rows).to_have_count(2)  # header + train
    expect(page.locator(".tooltip:visible")).not_to_contain_text("validation")
    expect(page).to_have_url(re.compile(r"hide="))

    # "all" brings it back
    page.get_by_role("button", name="all", exact=True).click()
    expect(loss).to_have_attribute("data-series-count", "2")
    shot(page, "scalars-run-toggled")


def test_smoothing_slider_changes_the_line(page: Page, keras_server: Server) -> None:
    open_dashboard(page, keras_server, "?smoothing=0")
    loss = card(page, "epoch_loss")
    expect(loss).to_have_attribute("data-state", "ready")
    raw_sum = loss.get_attribute("data-smoothed-checksum")
    raw_pixels = loss.locator("canvas").screenshot()

    page.get_by_role("slider", name="Smoothing").fill("0.9")

    expect(loss).not_to_have_attribute("data-smoothed-checksum", raw_sum or "")
    page.wait_for_timeout(100)
    assert loss.locator("canvas").screenshot() != raw_pixels
    expect(page).to_have_url(re.compile(r"smoothing=0\.9"))


def test_tag_filter_hides_cards(page: Page, keras_server: Server, shot: Any) -> None:
    open_dashboard(page, keras_server)
    expect(page.locator("article.card")).to_have_count(6)
    page.keyboard.press("/")
    tag_filter = page.get_by_role("searchbox", name="Filter tags (regular expression)")
    expect(tag_filter).to_be_focused()
    page.keyboard.type("loss")
    expect(page.locator("article.card")).to_have_count(2)
    assert {c.get_attribute("data-tag") for c in page.locator("article.card").all()} == {
        "epoch_loss",
        "evaluation_loss_vs_iterations",
    }

    # an invalid regular expression is an error state, not a crash
    tag_filter.fill("epoch_(")
    expect(tag_filter).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("Invalid regex")
    expect(page.locator("article.card")).to_have_count(6)
    for c in page.locator("article.card").all():
        expect(c.locator(".chart")).to_have_attribute("data-drawn", "true")
    shot(page, "scalars-invalid-filter")

    tag_filter.fill("no-such-tag")
    expect(page.get_by_test_id("no-match")).to_be_visible()
    expect(page.locator("article.card")).to_have_count(0)


def test_view_survives_reload(page: Page, keras_server: Server) -> None:
    open_dashboard(page, keras_server)
    page.get_by_role("searchbox", name="Filter tags (regular expression)").fill("epoch")
    page.get_by_role("slider", name="Smoothing").fill("0.25")
    page.get_by_role("button", name="X axis: Relative").click()
    page.get_by_role("button", name="Y scale: Log").click()
    page.get_by_role("checkbox", name="Ignore outliers in chart scaling").check()
    page.get_by_role("checkbox", name=TRAIN, exact=True).uncheck()
    expect(page).to_have_url(re.compile(r"outliers=1"))
    expect(page).to_have_url(re.compile(r"hide="))

    page.reload()
    expect(page.locator("article.card").first).to_be_visible()
    expect(page.get_by_role("searchbox", name="Filter tags (regular expression)")).to_have_value("epoch")
    expect(page.get_by_role("slider", name="Smoothing")).to_have_value("0.25")
    expect(page.get_by_role("button", name="X axis: Relative")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Y scale: Log")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("checkbox", name="Ignore outliers in chart scaling")).to_be_checked()
    expect(page.get_by_role("checkbox", name=TRAIN, exact=True)).not_to_be_checked()
    # train is off: only validation's epoch_* tags are drawn, one line each
    expect(page.locator("article.card")).to_have_count(2)
    for c in page.locator("article.card").all():
        expect(c).to_have_attribute("data-series-count", "1")

    # smoothing is also a personal setting: a bare URL opens with the last one used
    page.goto(keras_server.url)
    expect(page.get_by_role("slider", name="Smoothing")).to_have_value("0.25")
    expect(page.get_by_role("checkbox", name=TRAIN, exact=True)).to_be_checked()


def test_theme_switch_persists(page: Page, keras_server: Server, shot: Any) -> None:
    open_dashboard(page, keras_server)
    assert page.evaluate("document.documentElement.dataset.theme") == "light"  # follows the system
    switch = page.get_by_test_id("theme-switch")
    switch.click()  # system -> light
    switch.click()  # light -> dark
    expect(switch).to_have_attribute("data-theme-choice", "dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.reload()
    expect(page.locator("article.card").first).to_be_visible()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    expect(card(page, "epoch_loss").locator(".chart")).to_have_attribute("data-drawn", "true")
    shot(page, "scalars-keras-dark-by-choice")


def test_cards_outside_the_viewport_wait(page: Page, start_server: Any, fixture_logdir: Any) -> None:
    server = start_server(fixture_logdir("torch_dev"))
    tags = get_tags(server)
    page.goto(server.url)
    cards = page.locator("article.card")
    expect(cards).to_have_count(len(tags))
    expect(cards.first.locator(".chart")).to_have_attribute("data-drawn", "true")
    last = cards.last
    expect(last).to_have_attribute("data-state", "loading")
    expect(last.locator("canvas")).to_have_count(0)
    last.scroll_into_view_if_needed()
    expect(last.locator(".chart")).to_have_attribute("data-drawn", "true")
    # groups collapse and say how many cards they hold
    head = page.locator('section.group[data-group="dev_dow"] .group-head')
    expect(head).to_contain_text("(3)")
    head.click()
    expect(page.locator('section.group[data-group="dev_dow"] article.card')).to_have_count(0)
    expect(head).to_have_attribute("aria-expanded", "false")


def test_api_errors_are_shown_in_place(page: Page, keras_server: Server) -> None:
    body = '{"error":{"status":404,"code":"unknown_tag","message":"No scalar tag \'epoch_loss\' in run \'x\'."}}'

    def fail_loss(route: Any) -> None:
        if "tag=epoch_loss" in route.request.url:
            route.fulfill(status=404, content_type="application/json", body=body)
        else:
            route.continue_()

    page.route("**/api/scalars?*", fail_loss)
    open_dashboard(page, keras_server)
    loss = card(page, "epoch_loss")
    expect(loss).to_have_attribute("data-state", "error")
    expect(loss.get_by_role("alert")).to_contain_text("No scalar tag 'epoch_loss' in run 'x'.")
    expect(card(page, "epoch_accuracy")).to_have_attribute("data-state", "ready")
    page.unroute("**/api/scalars?*")
    loss.get_by_role("button", name="Retry").click()
    expect(loss).to_have_attribute("data-state", "ready")


def test_enlarge_copy_link_and_escape(page_factory: Callable[..., Page], keras_server: Server, shot: Any) -> None:
    page = page_factory(permissions=["clipboard-read", "clipboard-write"])
    open_dashboard(page, keras_server, "?smoothing=0.3")
    loss = card(page, "epoch_loss")
    loss.get_by_role("button", name="Enlarge chart").click()
    expect(loss).to_have_attribute("data-enlarged", "true")
    expect(page).to_have_url(re.compile(r"card=epoch_loss"))
    width = loss.bounding_box()["width"]  # type: ignore[index]
    assert width > 1000
    shot(page, "scalars-enlarged")

    # "copy link" gives a URL that opens the page on this card, with the same view
    card(page, "epoch_accuracy").get_by_role("button", name="Copy link to this chart").click()
    link = page.evaluate("navigator.clipboard.readText()")
    assert "card=epoch_accuracy" in link
    assert "smoothing=0.3" in link
    page.goto(link)
    expect(card(page, "epoch_accuracy")).to_have_attribute("data-enlarged", "true")
    expect(card(page, "epoch_accuracy")).to_be_in_viewport()
    expect(card(page, "epoch_loss")).to_have_attribute("data-enlarged", "false")
    card(page, "epoch_accuracy").get_by_role("button", name="Shrink chart").click()
    card(page, "epoch_loss").get_by_role("button", name="Enlarge chart").click()

    page.keyboard.press("Escape")
    expect(card(page, "epoch_loss")).to_have_attribute("data-enlarged", "false")
    expect(page).not_to_have_url(re.compile(r"card="))

    # downloads point at the exact export
    card(page, "epoch_loss").get_by_role("button", name="Download data").click()
    csv = page.get_by_role("menuitem", name="Download CSV")
    expect(csv).to_have_attribute("href", re.compile(r"^api/scalars/export\?tag=epoch_loss&.*format=csv"))


def test_zoom_fetches_the_window(page: Page, keras_server: Server) -> None:
    open_dashboard(page, keras_server)
    c = card(page, "evaluation_loss_vs_iterations")
    expect(c).to_have_attribute("data-state", "ready")
    box = c.locator(".u-over").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    with page.expect_request(re.compile(r"api/scalars\?.*min_step=")) as req:
        page.mouse.move(box["x"] + box["width"] * 0.3, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=5)
        page.mouse.up()
    assert "max_step=" in req.value.url
    expect(c).to_have_attribute("data-zoomed", "true")
    c.locator(".u-over").dblclick()
    expect(c).to_have_attribute("data-zoomed", "false")


def test_nan_and_odd_tags(page_factory: Callable[..., Page], edge_server: Server, shot: Any) -> None:
    server = edge_server
    page = page_factory(color_scheme="dark")
    page.goto(server.url + "?tags=weird_simple|<i>|line1")
    c = card(page, "weird_simple")
    expect(c).to_have_attribute("data-state", "ready")
    note = c.get_by_test_id("nonfinite-note")
    expect(note).to_contain_text("1 NaN")
    expect(note).to_contain_text("+∞")
    expect(note).to_contain_text("\u2212∞")  # minus sign
    # tags with HTML are shown as text, never as markup
    expect(card(page, "<i>x</i>").locator(".card-title")).to_contain_text("<i>x</i>")
    expect(page.locator(".card-title i")).to_have_count(0)
    # hovering the NaN step shows "NaN" in the tooltip
    box = c.locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    expect(page.locator(".tooltip:visible")).to_contain_text("NaN")
    shot(page, "scalars-edge-dark")


def test_points_overwritten_by_a_restart(page: Page, edge_server: Server, shot: Any) -> None:
    page.goto(edge_server.url + "?tags=^resumed_loss$&runs=restart_step")
    c = card(page, "resumed_loss")
    expect(c).to_have_attribute("data-state", "ready")
    expect(c).to_have_attribute("data-overwritten-count", "0")
    before = c.locator("canvas").screenshot()
    with page.expect_request(re.compile(r"api/scalars\?.*hidden=true")):
        page.get_by_role("checkbox", name="Show points overwritten by restarts").check()
    expect(c).not_to_have_attribute("data-overwritten-count", "0")
    expect(c.locator(".card-foot")).to_contain_text("overwritten")
    page.wait_for_timeout(100)
    assert c.locator("canvas").screenshot() != before
    expect(page).to_have_url(re.compile(r"restarts=1"))
    shot(page, "scalars-overwritten")


def test_legend_counts_the_runs_it_leaves_out(page: Page, start_server: Any, tmp_path: Path) -> None:
    runs = [f"run{i}" for i in range(6)]
    for i, run in enumerate(runs):
        write_events(
            tmp_path / "logs" / run / "events.out.tfevents.1.h",
            version_event(),
            *[scalar_event("loss", s, 1.0 / (s + 1 + i)) for s in range(5)],
        )
    server = start_server(tmp_path / "logs")
    open_dashboard(page, server)
    loss = card(page, "loss")
    expect(loss.locator(".legend-item")).to_have_count(4)
    for item in loss.locator(".legend-item").all():
        expect(item).to_be_visible()
    more = loss.get_by_test_id("legend-more")
    expect(more).to_be_visible()
    expect(more).to_have_text("+2 more")
    # Not cut off by the legend's box (Playwright's visibility ignores clipping).
    legend, more_box = loss.locator(".legend").bounding_box(), more.bounding_box()
    assert legend is not None and more_box is not None
    assert more_box["y"] + more_box["height"] <= legend["y"] + legend["height"] + 0.5
    listed = {i.get_attribute("data-run") for i in loss.locator(".legend-item").all()}
    hidden = set((more.get_attribute("title") or "").split("\n"))
    assert listed | hidden == set(runs) and not listed & hidden
    # Enlarged, the card has room for every run.
    loss.get_by_role("button", name="Enlarge chart").click()
    expect(loss.locator(".legend-item")).to_have_count(6)
    expect(loss.get_by_test_id("legend-more")).to_have_count(0)
