"""The Custom Scalars dashboard on real logdirs, as a person uses it.

PyTorch's fixture logdir has a layout with a multiline chart and two margin charts, tensorboardX's one margin
chart. A logdir written here adds regexes that must match at the start of a tag only, an invalid regex, and a
category the layout marks closed.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from telescope import SummaryWriter
from telescope.plugins.custom_scalars.summary import layout_from_dict
from tests.browser.conftest import Server, dev_server, get_json

MAIN = "runs/dev_main"


def chart_card(page: Page, category: str, chart: str) -> Locator:
    return page.locator(f'section[data-category="{category}"] article.card[data-chart="{chart}"]')


def manifest_layout(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    (layout,) = [
        r["data"]["custom_scalars"]["custom_scalars__config__"]["layout"]
        for r in manifest["runs"].values()
        if "custom_scalars" in r.get("data", {})
    ]
    return layout["category"]  # type: ignore[no-any-return]


def api_points(server: Server, run: str, tag: str) -> dict[int, float]:
    q = urllib.parse.urlencode({"tag": tag, "run": run, "points": 100000})
    (series,) = get_json(server.url + f"api/scalars?{q}")["series"]
    return dict(zip(series["steps"], series["values"], strict=True))


def hover(page: Page, c: Locator, fx: float) -> Locator:
    box = c.locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(0, 0)
    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.5)
    tip = page.locator(".tooltip:visible")
    expect(tip).to_have_count(1)
    return tip


def tooltip_rows(tip: Locator) -> list[tuple[str, float, int]]:
    """(full series name, value, step) per row of a Scalars tooltip without smoothing."""
    header = [h.inner_text() for h in tip.locator("tr").first.locator("th").all()]
    assert header[:5] == ["", "Series", "Value", "Step", "Relative"]
    out = []
    for row in tip.locator("tr").all()[1:]:
        cells = row.locator("td").all()
        name = cells[1].get_attribute("title") or ""
        value = float(cells[2].inner_text().replace("\u2212", "-"))
        step = int(cells[3].inner_text().replace("\u202f", ""))
        out.append((name, value, step))
    return out


@pytest.fixture(scope="module")
def crafted_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    logdir = tmp_path_factory.mktemp("custom_scalars")
    layout = layout_from_dict(
        {
            "Losses": {
                "loss": ["Multiline", ["loss"]],  # loss/train and loss/val, not val/loss
                "accuracy": ["Multiline", [r"acc/\w+$"]],
                "broken": ["Multiline", ["loss("]],
            },
            "Bands": {"band": ["Margin", ["m/mid", "m/lo", "m/hi"]]},
        }
    )
    layout.category[1].closed = True
    with SummaryWriter(logdir / "r1") as w:
        w.add_custom_scalars(layout)
        for step in range(10):
            w.add_scalar("loss/train", 1.0 / (step + 1), step)
            w.add_scalar("loss/val", 1.2 / (step + 1), step)
            w.add_scalar("val/loss", 5.0, step)
            w.add_scalar("acc/train", step / 10, step)
            w.add_scalar("acc/train/top5", 1.0, step)
            w.add_scalar("m/mid", step % 3, step)
            w.add_scalar("m/lo", step % 3 - 0.5, step)
            w.add_scalar("m/hi", step % 3 + 0.5, step)
    with SummaryWriter(logdir / "r2") as w:
        for step in range(10):
            w.add_scalar("loss/train", 0.8 / (step + 1), step)
    return start_server(logdir)


def test_tab_appears_only_with_a_layout(page: Page, keras_server: Server, torch_server: Server) -> None:
    assert get_json(keras_server.url + "api/status")["kinds"].get("custom_scalars", 0) == 0
    page.goto(keras_server.url)
    expect(page.get_by_role("tab", name="Scalars")).to_be_visible()
    expect(page.get_by_role("tab", name="Custom Scalars")).to_have_count(0)
    page.goto(torch_server.url)
    page.get_by_role("tab", name="Custom Scalars").click()
    expect(page.locator("section[data-category]").first).to_be_visible()


@pytest.mark.parametrize("fixture", ["torch_dev", "tbx_dev"])
def test_a_card_per_chart_of_the_layout(
    fixture: str,
    request: pytest.FixtureRequest,
    page_factory: Callable[..., Page],
    manifest: Callable[..., Any],
    shot: Any,
) -> None:
    server = dev_server(request, fixture)
    categories = manifest_layout(manifest(fixture))
    for scheme in ("light", "dark"):
        page = page_factory(color_scheme=scheme)
        page.goto(server.url + "?tab=custom_scalars")
        sections = page.locator("section[data-category]")
        expect(sections).to_have_count(len(categories))
        assert [s.get_attribute("data-category") for s in sections.all()] == [c["title"] for c in categories]
        for cat in categories:
            cards = page.locator(f'section[data-category="{cat["title"]}"] article.card')
            expect(cards).to_have_count(len(cat["chart"]))
            for chart in cat["chart"]:
                c = chart_card(page, cat["title"], chart["title"])
                expect(c).to_have_attribute("data-state", "ready")
                expect(c.locator(".chart")).to_have_attribute("data-drawn", "true")
                if "multiline" in chart:
                    expect(c).to_have_attribute("data-series-count", str(len(chart["multiline"]["tag"])))
                else:
                    expect(c).to_have_attribute("data-series-count", str(3 * len(chart["margin"]["series"])))
        shot(page, f"custom_scalars-{fixture}-{scheme}")


def test_hover_shows_the_values_the_api_gives(page: Page, torch_server: Server) -> None:
    page.goto(torch_server.url + "?tab=custom_scalars&smoothing=0")
    for category, chart, tags in [
        ("dev_Taiwan", "twse", ["dev_twse/0050", "dev_twse/2330"]),
        ("dev_USA", "dow", ["dev_dow/aaa", "dev_dow/bbb", "dev_dow/ccc"]),
    ]:
        c = chart_card(page, category, chart)
        expect(c).to_have_attribute("data-state", "ready")
        points = {tag: api_points(torch_server, MAIN, tag) for tag in tags}
        for fx in (0.1, 0.55, 0.9):
            rows = tooltip_rows(hover(page, c, fx))
            assert len(rows) == len(tags)
            shown_tags = set()
            for name, value, step in rows:
                tag = next(t for t in tags if name.startswith(t + " ") and name.endswith(" · " + MAIN))
                shown_tags.add(tag)
                assert math.isclose(value, points[tag][step], rel_tol=1e-4, abs_tol=1e-9), (name, step)
            assert shown_tags == set(tags)
    page.mouse.move(5, 5)


def test_regexes_match_at_the_start_of_tags(page: Page, crafted_server: Server) -> None:
    page.goto(crafted_server.url + "?tab=custom_scalars&smoothing=0")
    loss = chart_card(page, "Losses", "loss")
    expect(loss).to_have_attribute("data-state", "ready")
    # loss/train in both runs and loss/val in r1; val/loss does not start with "loss"
    expect(loss).to_have_attribute("data-series-count", "3")
    expect(loss.locator(".legend-item")).to_have_count(3)
    assert {i.get_attribute("data-line") for i in loss.locator(".legend-item").all()} == {
        "loss/train · r1",
        "loss/train · r2",
        "loss/val · r1",
    }
    # anchored at the start only; $ still anchors the end: acc/train but not acc/train/top5
    accuracy = chart_card(page, "Losses", "accuracy")
    expect(accuracy).to_have_attribute("data-series-count", "1")
    expect(accuracy.locator(".legend-item")).to_have_text(["acc/train"])
    broken = chart_card(page, "Losses", "broken")
    expect(broken).to_have_attribute("data-state", "empty")
    expect(broken.locator(".field-error")).to_contain_text("Invalid regex loss(")

    # unticking a run removes its lines
    page.get_by_role("checkbox", name="r2", exact=True).uncheck()
    expect(loss).to_have_attribute("data-series-count", "2")


def test_closed_categories_start_closed(page: Page, crafted_server: Server, shot: Any) -> None:
    page.goto(crafted_server.url + "?tab=custom_scalars")
    losses = page.locator('section[data-category="Losses"]')
    bands = page.locator('section[data-category="Bands"]')
    expect(losses.get_by_role("button", name="Losses")).to_have_attribute("aria-expanded", "true")
    expect(bands.get_by_role("button", name="Bands")).to_have_attribute("aria-expanded", "false")
    expect(bands.locator("article.card")).to_have_count(0)

    bands.get_by_role("button", name="Bands").click()
    band = chart_card(page, "Bands", "band")
    expect(band).to_have_attribute("data-state", "ready")
    expect(band).to_have_attribute("data-series-count", "3")
    expect(band.locator(".legend-item")).to_have_text(["m/mid"])  # the bounds are the band, not legend entries
    expect(page).to_have_url(re.compile(r"custom_scalars\.toggled="))
    losses.get_by_role("button", name="Losses").click()
    expect(losses.locator("article.card")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"custom_scalars\.toggled=[^&]*Bands[^&]*Losses"))

    # a shared link keeps what was opened and closed
    page.reload()
    expect(page.locator('section[data-category="Bands"] article.card')).to_have_count(1)
    expect(page.locator('section[data-category="Losses"] article.card')).to_have_count(0)
    expect(band.locator(".chart")).to_have_attribute("data-drawn", "true")
    shot(page, "custom_scalars-crafted")
