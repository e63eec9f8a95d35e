"""The PR Curves dashboard on real logdirs, as a person uses it.

PyTorch's fixture logdir has one PR curve at steps 0, 1 and 2; tensorboardX's has two tags. A logdir written here
adds three runs to overlay, one of which logs at other steps than the others.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from telescope import SummaryWriter
from tests.browser.conftest import Server, dev_server, get_json

MAIN = "runs/dev_main"
TORCH_TAG = "dev_pr/class_1"
# The chart's axes run over [-0.015, 1.015] (a margin so curves along an edge stay whole).
LO, HI = -0.015, 1.015


def card(page: Page, tag: str) -> Locator:
    return page.locator(f'article.card[data-tag="{tag}"]')


def pr_tags(manifest: dict[str, Any]) -> set[str]:
    return {tag for run in manifest["runs"].values() for tag in run.get("plugins", {}).get("pr_curves", [])}


def api_curves(server: Server, run: str, tag: str) -> dict[str, Any]:
    return get_json(server.url + "api/pr_curves?" + urllib.parse.urlencode({"run": run, "tag": tag}))  # type: ignore[no-any-return]


def drawn(curves: dict[str, Any], s: int) -> list[int]:
    """The thresholds a curve is drawn through: finite precision and recall, something predicted positive."""
    p, r, tp, fp = (curves[k][s] for k in ("precision", "recall", "tp", "fp"))
    return [
        i
        for i in range(len(p))
        if isinstance(p[i], float | int) and isinstance(r[i], float | int) and tp[i] + fp[i] > 0
    ]


def point_xy(box: dict[str, float], recall: float, precision: float) -> tuple[float, float]:
    return (
        box["x"] + (recall - LO) / (HI - LO) * box["width"],
        box["y"] + (HI - precision) / (HI - LO) * box["height"],
    )


def hover_point(page: Page, c: Locator, recall: float, precision: float) -> Locator:
    box = c.locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(0, 0)
    page.mouse.move(*point_xy(box, recall, precision))
    tip = page.locator(".pr-tooltip:visible")
    expect(tip).to_have_count(1)
    return tip


def assert_row_matches_api(row: Locator, curves: dict[str, Any]) -> int:
    """The row's numbers are the API's at the row's step and threshold index; returns the index."""
    step = int(row.get_attribute("data-step") or "")
    i = int(row.get_attribute("data-index") or "")
    s = curves["steps"].index(step)
    for field, key in [("threshold", "thresholds"), ("precision", "precision"), ("recall", "recall")]:
        shown = float(row.locator(f'td[data-field="{field}"]').inner_text())
        assert math.isclose(shown, curves[key][s][i], abs_tol=5.1e-5), (field, shown, curves[key][s][i])
    for field in ("tp", "fp", "tn", "fn"):
        shown = float(row.locator(f'td[data-field="{field}"]').inner_text())
        assert math.isclose(shown, curves[field][s][i], rel_tol=5e-4), (field, shown, curves[field][s][i])
    return i


@pytest.fixture(scope="module")
def runs_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    """Three classifiers of different skill; "coin" logs at steps 5, 15, 25, 35, the others at 0, 10, 20, 30."""
    logdir = tmp_path_factory.mktemp("pr_runs")
    rng = np.random.default_rng(7)
    for name, skill, steps in [
        ("good", 2.0, range(0, 40, 10)),
        ("weak", 0.6, range(0, 40, 10)),
        ("coin", 0.0, range(5, 40, 10)),
    ]:
        with SummaryWriter(logdir / name) as w:
            for step in steps:
                labels = rng.integers(0, 2, 400)
                logits = rng.normal(0, 1, 400) + skill * (2 * labels - 1) * (1 + step / 40)
                w.add_pr_curve("eval/pr", labels, 1 / (1 + np.exp(-logits)), step)
    return start_server(logdir)


def test_tab_appears_only_with_pr_curves(page: Page, keras_server: Server, torch_server: Server) -> None:
    assert get_json(keras_server.url + "api/status")["kinds"].get("pr_curves", 0) == 0
    page.goto(keras_server.url)
    expect(page.get_by_role("tab", name="Scalars")).to_be_visible()
    expect(page.get_by_role("tab", name="PR Curves")).to_have_count(0)
    page.goto(torch_server.url)
    page.get_by_role("tab", name="PR Curves").click()
    expect(card(page, TORCH_TAG)).to_have_attribute("data-state", "ready")


@pytest.mark.parametrize("fixture", ["torch_dev", "tbx_dev"])
def test_a_card_per_pr_curve_tag(
    fixture: str,
    request: pytest.FixtureRequest,
    page_factory: Callable[..., Page],
    manifest: Callable[..., Any],
    shot: Any,
) -> None:
    server = dev_server(request, fixture)
    tags = pr_tags(manifest(fixture))
    for scheme in ("light", "dark"):
        page = page_factory(color_scheme=scheme)
        page.goto(server.url + "?tab=pr_curves")
        cards = page.locator("article.card")
        expect(cards).to_have_count(len(tags))
        assert {c.get_attribute("data-tag") for c in cards.all()} == tags
        for c in cards.all():
            expect(c).to_have_attribute("data-state", "ready")
            expect(c).to_have_attribute("data-series-count", "1")
            expect(c.locator(".chart")).to_have_attribute("data-drawn", "true")
            expect(
                c.get_by_role("img", name=re.compile(r"^Precision \(y\) against recall \(x\) at step \d+, 1 run$"))
            ).to_be_visible()
        shot(page, f"pr_curves-{fixture}-{scheme}")


def test_step_sliders_change_the_curve(page: Page, torch_server: Server, manifest: Callable[..., Any]) -> None:
    steps = manifest("torch_dev")["runs"][MAIN]["data"]["pr_curves"][TORCH_TAG]["steps"]
    assert steps == [0, 1, 2]
    page.goto(torch_server.url + "?tab=pr_curves")
    c = card(page, TORCH_TAG)
    expect(c).to_have_attribute("data-step", "2")  # the latest by default
    expect(c).to_have_attribute("data-steps", "3")
    expect(c.locator(".chart")).to_have_attribute("data-drawn", "true")
    page.wait_for_timeout(100)
    latest = c.locator("canvas").screenshot()

    c.get_by_role("slider", name=f"Step of {TORCH_TAG}").focus()
    page.keyboard.press("Home")
    expect(c).to_have_attribute("data-step", "0")
    expect(c).to_have_attribute("data-shown-steps", "0")
    page.wait_for_timeout(100)
    first = c.locator("canvas").screenshot()
    assert first != latest
    page.keyboard.press("ArrowRight")
    expect(c).to_have_attribute("data-step", "1")

    # the global slider (in the URL) moves the card
    page.goto(torch_server.url + "?tab=pr_curves&pr_curves.step=0")
    expect(c).to_have_attribute("data-step", "0")
    page.locator(".toolbar").get_by_role("slider", name="Step").focus()
    page.keyboard.press("End")
    expect(c).to_have_attribute("data-step", "2")


def test_hover_shows_the_values_the_api_gives(page: Page, torch_server: Server) -> None:
    curves = api_curves(torch_server, MAIN, TORCH_TAG)
    page.goto(torch_server.url + "?tab=pr_curves&pr_curves.step=0")
    c = card(page, TORCH_TAG)
    expect(c).to_have_attribute("data-step", "0")
    expect(c.locator(".chart")).to_have_attribute("data-drawn", "true")
    s = curves["steps"].index(0)
    indices = drawn(curves, s)
    for i in (indices[len(indices) // 3], indices[2 * len(indices) // 3]):
        recall, precision = curves["recall"][s][i], curves["precision"][s][i]
        tip = hover_point(page, c, recall, precision)
        rows = tip.locator("tr[data-run]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_attribute("data-run", MAIN)
        j = assert_row_matches_api(rows.first, curves)
        # the hovered point is the one under the cursor (or one drawn at the same place)
        assert abs(curves["recall"][s][j] - recall) < 0.01 and abs(curves["precision"][s][j] - precision) < 0.01
        expect(c.locator('.pr-marker[data-hovered="true"]')).to_be_visible()
    # leaving the chart hides the tooltip
    page.mouse.move(5, 5)
    expect(page.locator(".pr-tooltip:visible")).to_have_count(0)


def test_runs_are_overlaid_in_their_colours(page_factory: Callable[..., Page], runs_server: Server, shot: Any) -> None:
    for scheme in ("light", "dark"):
        page = page_factory(color_scheme=scheme)
        page.goto(runs_server.url + "?tab=pr_curves&pr_curves.step=20")
        c = card(page, "eval/pr")
        expect(c).to_have_attribute("data-state", "ready")
        expect(c).to_have_attribute("data-series-count", "3")
        # each run (in sidebar order) at its step nearest 20; coin logged at 15 and 25 and shows the earlier
        expect(c).to_have_attribute("data-shown-steps", "15,20,20")
        expect(c.locator(".card-foot")).to_contain_text("1 run at another step")
        for run in ("good", "weak", "coin"):
            legend = c.locator(f'.legend-item[data-run="{run}"] .swatch')
            sidebar = page.locator(".run-row", has_text=re.compile(rf"^\s*{run}\s*$")).locator(".swatch")
            assert legend.evaluate("e => getComputedStyle(e).backgroundColor") == sidebar.evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )

        good = api_curves(runs_server, "good", "eval/pr")
        s = good["steps"].index(20)
        i = drawn(good, s)[len(drawn(good, s)) // 2]
        tip = hover_point(page, c, good["recall"][s][i], good["precision"][s][i])
        rows = tip.locator("tr[data-run]")
        expect(rows).to_have_count(3)
        expect(rows.first).to_have_attribute("data-run", "good")
        # every run at the hovered threshold (the same thresholds here), at its own step
        thresholds = {r.locator('td[data-field="threshold"]').inner_text() for r in rows.all()}
        assert len(thresholds) == 1
        for row in rows.all():
            run = row.get_attribute("data-run") or ""
            assert_row_matches_api(row, api_curves(runs_server, run, "eval/pr"))
        expect(tip.locator('tr[data-run="coin"]')).to_have_attribute("data-step", "15")
        expect(c.locator(".pr-marker:visible")).to_have_count(3)
        shot(page, f"pr_curves-runs-{scheme}")

    page.mouse.move(5, 5)
    page.get_by_role("checkbox", name="weak", exact=True).uncheck()
    expect(c).to_have_attribute("data-series-count", "2")
    expect(c.locator('.legend-item[data-run="weak"]')).to_have_count(0)
