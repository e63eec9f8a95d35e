"""The Text dashboard on real logdirs, as a person uses it, and what logged Markdown must never do to the page.

PyTorch's and tensorboardX's fixture logdirs hold Markdown with a ``<script>`` tag and an ``<img onerror>``; Keras'
holds a Markdown document, a 2-by-2 string tensor and a vector. A logdir written here adds ``javascript:`` links, raw
HTML with event handlers, a remote image, and a long text in two runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from telescope import SummaryWriter
from tests.browser.conftest import Server, dev_server, get_json, manifest_pairs

MAIN = "runs/dev_main"
MARKDOWN = "dev_text/markdown/text_summary"
KERAS_RUN = "logs/train_data/20261126-052700"

# Every way logged text might try to run code; each calls a hook the page defines, so running would be seen.
PAYLOADS = "\n\n".join(
    [
        "# Links",
        "[click me](javascript:__xss('md-link'))",
        "[upper](JAVASCRIPT:__xss('md-upper'))",
        "[spaced]( javascript:__xss('md-spaced'))",
        "<a href=\"javascript:__xss('raw-link')\">raw link</a>",
        "<img src=x onerror=\"__xss('img-onerror');console.log('xss-ran')\">",
        "<svg onload=\"__xss('svg-onload')\"></svg>",
        "<iframe src=\"javascript:__xss('iframe')\"></iframe>",
        "<script>__xss('script');console.log('xss-ran')</script>",
        "![remote pixel](https://tracker.example/pixel.png)",
        "[a real link](https://example.com/docs)",
        "**still bold**",
    ]
)
LONG = "\n\n".join(f"Paragraph {i}: the long notes of this run go on." for i in range(60))

HOOKS = """
window.__xss_hits = [];
window.__xss = (what) => window.__xss_hits.push(what);
"""


@dataclass
class Watch:
    """What a page did that payloads could cause: dialogs, console messages, requests."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def crafted_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    logdir = tmp_path_factory.mktemp("text_crafted")
    with SummaryWriter(logdir / "a") as w:
        w.add_text("xss", PAYLOADS, 0)
        w.add_text("notes", LONG, 0)
    with SummaryWriter(logdir / "b") as w:
        w.add_text("notes", "short notes of b", 0)
        w.add_text("notes", LONG, 5)
    return start_server(logdir)


@pytest.fixture()
def watched(page_factory: Callable[..., Page]) -> Iterator[Callable[..., tuple[Page, Watch]]]:
    """A page with the payload hooks installed and every dialog, console message and request recorded."""

    def make(color_scheme: str = "light") -> tuple[Page, Watch]:
        page = page_factory(color_scheme=color_scheme)
        watch = Watch()
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: watch.console.append(m.text))
        page.on("request", lambda r: watch.requests.append(r.url))
        page.add_init_script(HOOKS)
        return page, watch

    yield make


def text_card(page: Page, tag: str, run: str) -> Locator:
    return page.locator(f'article.card[data-kind="text"][data-tag="{tag}"][data-run="{run}"]')


def assert_nothing_ran(page: Page, watch: Watch, server: Server) -> None:
    page.wait_for_timeout(300)  # room for an onerror or a timer to fire, had anything been let through
    dom = page.evaluate(
        """() => {
          const all = [...document.querySelectorAll('*')];
          return {
            scripts: document.querySelectorAll('main script, main iframe, main svg script').length,
            handlers: all.flatMap(el => [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
                                         .map(a => el.tagName + ' ' + a.name)),
            jsUrls: all.flatMap(el => ['href', 'src', 'action', 'formaction', 'xlink:href']
                        .map(n => el.getAttribute(n)).filter(v => v && /^\\s*javascript:/i.test(v))),
            textImages: document.querySelectorAll('.text-md img, .text-md iframe, .text-md svg').length,
            hits: window.__xss_hits,
            title: document.title,
          };
        }"""
    )
    assert dom["scripts"] == 0
    assert dom["handlers"] == []
    assert dom["jsUrls"] == []
    assert dom["textImages"] == 0
    assert dom["hits"] == []
    assert "pwned" not in dom["title"]
    assert watch.dialogs == []
    assert not [m for m in watch.console if "xss" in m]
    assert [u for u in watch.requests if not u.startswith(server.url)] == []


def test_tab_appears_only_with_text(page: Page, torch_server: Server, edge_server: Server) -> None:
    assert get_json(edge_server.url + "api/status")["kinds"].get("text", 0) == 0
    page.goto(edge_server.url)
    expect(page.get_by_role("tab", name="Scalars")).to_be_visible()
    expect(page.get_by_role("tab", name="Text")).to_have_count(0)
    page.goto(torch_server.url)
    page.get_by_role("tab", name="Text").click()
    expect(page.get_by_role("tab", name="Text")).to_have_attribute("aria-selected", "true")
    expect(page.locator('article.card[data-kind="text"]').first).to_be_visible()


@pytest.mark.parametrize("fixture", ["torch_dev", "tbx_dev", "keras_dev"])
def test_a_card_per_run_and_tag(
    fixture: str,
    request: pytest.FixtureRequest,
    page: Page,
    manifest: Callable[[str], dict[str, Any]],
) -> None:
    server = dev_server(request, fixture)
    expected = manifest_pairs(manifest(fixture), "text")
    page.goto(server.url + "?tab=text")
    cards = page.locator('article.card[data-kind="text"]')
    expect(cards).to_have_count(len(expected))
    assert {(c.get_attribute("data-run"), c.get_attribute("data-tag")) for c in cards.all()} == expected
    for c in cards.all():
        expect(c).to_have_attribute("data-state", "ready")
        expect(c.locator(".text-md")).to_be_visible()


def test_markdown_renders_and_its_payloads_never_run(
    watched: Callable[..., tuple[Page, Watch]], torch_server: Server, shot: Any
) -> None:
    for scheme in ("light", "dark"):
        page, watch = watched(scheme)
        page.goto(torch_server.url + "?tab=text&text.step=0")
        card = text_card(page, MARKDOWN, MAIN)
        expect(card).to_have_attribute("data-state", "ready")
        expect(card).to_have_attribute("data-step", "0")
        md = card.locator(".text-md")
        expect(md.locator("h1")).to_have_text("Heading")
        expect(md.locator("strong")).to_have_text("bold")
        expect(md.locator("em")).to_have_text("italic")
        expect(md.locator("th")).to_have_text(["col A", "col B"])
        expect(md.locator("table table tbody tr")).to_have_count(2)  # the Markdown table inside the add_text cell
        link = md.get_by_role("link", name="link")
        expect(link).to_have_attribute("href", "https://example.com")
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", re.compile(r"(?=.*\bnoopener\b)(?=.*\bnoreferrer\b)"))
        # the raw HTML in the Markdown is shown as text
        expect(md).to_contain_text("<script>alert('xss')</script>")
        expect(md).to_contain_text("<img src=x onerror=alert(1)>")
        assert_nothing_ran(page, watch, torch_server)
        shot(page, f"text-torch-{scheme}")

        page.get_by_role("button", name="Text view: Raw").click()
        expect(card).to_have_attribute("data-view", "raw")
        raw = card.locator("pre.text-raw")
        expect(raw).to_contain_text("Some **bold** and *italic* text")
        expect(raw).to_contain_text("<script>alert('xss')</script>")
        expect(card.locator("strong")).to_have_count(0)
        assert_nothing_ran(page, watch, torch_server)


def test_tensorboardx_markdown_payload_never_runs(
    watched: Callable[..., tuple[Page, Watch]], tbx_server: Server
) -> None:
    page, watch = watched()
    page.goto(tbx_server.url + "?tab=text&text.step=0")
    card = text_card(page, "d_notes/text_summary", "dev_exp")
    expect(card).to_have_attribute("data-step", "0")
    md = card.locator(".text-md")
    expect(md.locator("strong")).to_have_text("markdown")
    expect(md.locator("th")).to_have_text(["k", "v"])
    expect(md).to_contain_text("<script>document.title='pwned'</script>")
    assert_nothing_ran(page, watch, tbx_server)


def test_crafted_payloads_never_run_and_remote_images_never_load(
    watched: Callable[..., tuple[Page, Watch]], crafted_server: Server, shot: Any
) -> None:
    page, watch = watched()
    page.goto(crafted_server.url + "?tab=text")
    card = text_card(page, "xss/text_summary", "a")
    expect(card).to_have_attribute("data-state", "ready")
    md = card.locator(".text-md")
    expect(md.locator("strong")).to_have_text("still bold")
    links = md.locator("a")
    # the real link, and the image as a link to it; none of the javascript: ones
    expect(links).to_have_count(2)
    expect(md.get_by_role("link", name="a real link")).to_have_attribute("href", "https://example.com/docs")
    image = md.locator("a.md-image")
    expect(image).to_have_attribute("href", "https://tracker.example/pixel.png")
    expect(image).to_contain_text("remote pixel")
    for a in links.all():
        expect(a).to_have_attribute("target", "_blank")
        expect(a).to_have_attribute("rel", "noopener noreferrer")
    expect(md).to_contain_text("[click me](javascript:__xss('md-link'))")
    assert_nothing_ran(page, watch, crafted_server)
    shot(page, "text-crafted")


def test_step_sliders_change_the_shown_step(page: Page, torch_server: Server) -> None:
    page.goto(torch_server.url + "?tab=text")
    card = text_card(page, MARKDOWN, MAIN)
    plain = text_card(page, "dev_text/plain/text_summary", MAIN)
    # the latest step by default
    expect(card).to_have_attribute("data-step", "1")
    expect(card).to_have_attribute("data-steps", "2")
    expect(card.locator(".text-md")).to_contain_text("second entry")
    expect(card.locator(".text-md code").first).to_have_text("inline code")

    slider = card.get_by_role("slider", name=f"Step of {MARKDOWN} in {MAIN}")
    slider.focus()
    page.keyboard.press("Home")
    expect(card).to_have_attribute("data-step", "0")
    expect(card.locator(".text-md h1")).to_have_text("Heading")
    expect(plain).to_have_attribute("data-step", "0")  # the other card keeps its own step

    # the global slider moves every card to its nearest step
    page.goto(torch_server.url + "?tab=text&text.step=1")
    expect(card).to_have_attribute("data-step", "1")
    expect(plain).to_have_attribute("data-step", "0")
    global_slider = page.locator(".toolbar").get_by_role("slider", name="Step")
    global_slider.focus()
    page.keyboard.press("Home")
    expect(card).to_have_attribute("data-step", "0")
    expect(page).to_have_url(re.compile(r"text\.step=0"))


def test_tables_from_string_tensors(page: Page, keras_server: Server, shot: Any) -> None:
    page.goto(keras_server.url + "?tab=text")
    table = text_card(page, "dev/table_2d", KERAS_RUN)
    expect(table.locator(".text-md tr")).to_have_count(2)
    expect(table.locator(".text-md td")).to_have_text(["a", "b", "c", "d"])
    expect(table.locator(".card-foot")).to_contain_text("2\u00d72 table")
    vector = text_card(page, "dev/vector_1d", KERAS_RUN)
    expect(vector.locator(".text-md td")).to_have_text(["first", "second", "third"])
    notes = text_card(page, "dev/notes", KERAS_RUN)
    notes.get_by_role("slider").focus()
    page.keyboard.press("Home")
    expect(notes.locator(".text-md th")).to_have_text(["epoch", "loss"])
    expect(notes.locator(".text-md td")).to_have_text(["0", "2.30", "1", "1.10"])
    shot(page, "text-keras")

    page.get_by_role("button", name="Text view: Raw").click()
    expect(table.locator("table.text-raw-table td")).to_have_text(["a", "b", "c", "d"])
    expect(notes.locator("pre.text-raw")).to_contain_text("| epoch | loss |")
    # step 1 of the document: its HTML-ish text is shown as written
    notes.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    expect(notes.locator("pre.text-raw")).to_have_text("step 1: plain text line `code` and <b>html-ish</b>")


def test_long_text_is_collapsed_until_expanded(page: Page, crafted_server: Server) -> None:
    page.goto(crafted_server.url + "?tab=text")
    cards = page.locator('article.card[data-tag="notes/text_summary"]')
    expect(cards).to_have_count(2)  # one per run
    card = text_card(page, "notes/text_summary", "a")
    clip = card.locator(".text-clip")
    expect(card.locator(".text-collapsible")).to_have_attribute("data-collapsed", "true")
    collapsed = clip.bounding_box()
    assert collapsed is not None and collapsed["height"] <= 280
    expect(card.locator(".text-md")).to_contain_text("Paragraph 0:")
    more = card.get_by_role("button", name="Show all")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(card.locator(".text-collapsible")).to_have_attribute("data-collapsed", "false")
    expanded = clip.bounding_box()
    assert expanded is not None and expanded["height"] > collapsed["height"] * 3
    expect(card.get_by_text("Paragraph 59:")).to_be_visible()
    card.get_by_role("button", name="Show less").click()
    expect(card.locator(".text-collapsible")).to_have_attribute("data-collapsed", "true")

    # b's short text at step 0 is not collapsed
    b = text_card(page, "notes/text_summary", "b")
    b.get_by_role("slider").focus()
    page.keyboard.press("Home")
    expect(b).to_have_attribute("data-step", "0")
    expect(b.locator(".text-collapsible")).to_have_attribute("data-collapsed", "false")
    expect(b.get_by_role("button", name="Show all")).to_have_count(0)
