"""The Audio dashboard on real logdirs (PyTorch, tensorboardX) and on TF2-style labelled batches, as a person
uses it: players per run and tag with the clip's sample rate and length, labels shown as text (never as
HTML), a step slider per card and a global one, and nothing downloaded before a clip is played."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, Request, expect

import telescope
from telescope.plugins.audio.summary import audio_tensor
from telescope.tfrecord.proto import event_pb2
from tests.browser.conftest import Server, dev_server, get_json, manifest_pairs
from tests.helpers import version_event, write_events

HOSTILE_LABEL = '**loud** <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>'


def tone(freq: float, rate: int, seconds: float) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return 0.4 * np.sin(2 * np.pi * freq * t)


@pytest.fixture(scope="module")
def labelled_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    """`train`: one 8 kHz clip at steps 0, 5, 10, 15 (our writer); `eval`: batches of three labelled 16 kHz
    clips at steps 4 and 12, written as TF2 writes them ([k, 2] string tensors)."""
    root = tmp_path_factory.mktemp("audio_labelled")
    with telescope.SummaryWriter(root / "train") as w:
        for step in (0, 5, 10, 15):
            w.add_audio("speech/tone", tone(220 + 20 * step, 8000, 0.25), step, sample_rate=8000)
    events = [version_event()]
    for step in (4, 12):
        clips = [tone(300 + 100 * i + step, 16000, 0.5) for i in range(3)]
        labels = [f"clip {i} at step {step}" if i else HOSTILE_LABEL for i in range(3)]
        summary = audio_tensor("speech/batch", clips, 16000, labels=labels)
        events.append(event_pb2.Event(wall_time=1_790_000_000.0 + step, step=step, summary=summary))
    write_events(root / "eval" / "events.out.tfevents.1790000000.host.1", *events)
    return start_server(root)


def cards(page: Page) -> Locator:
    return page.locator('article.card[data-kind="audio"]')


def card(page: Page, tag: str, run: str) -> Locator:
    return page.locator(f'article.card[data-kind="audio"][data-tag="{tag}"][data-run="{run}"]')


def listing(server: Server, run: str, tag: str) -> list[dict[str, Any]]:
    return get_json(f"{server.url}api/audio?run={quote(run, safe='')}&tag={quote(tag, safe='')}")["steps"]  # type: ignore[no-any-return]


def blob_requests(page: Page) -> list[str]:
    """The clip URLs the page fetches from now on."""
    urls: list[str] = []

    def on_request(r: Request) -> None:
        if "/api/blobs/" in r.url:
            urls.append(r.url)

    page.on("request", on_request)
    return urls


def open_audio(page: Page, server: Server, query: str = "") -> None:
    page.goto(server.url + "?tab=audio" + query)
    expect(cards(page).first).to_be_visible()


def test_the_tab_appears_only_with_audio(page: Page, keras_server: Server, torch_server: Server) -> None:
    page.goto(keras_server.url)
    expect(page.get_by_role("tab", name="Images")).to_have_count(1)
    expect(page.get_by_role("tab", name="Audio")).to_have_count(0)
    page.goto(torch_server.url)
    expect(page.get_by_role("tab", name="Audio")).to_have_count(1)
    page.get_by_role("tab", name="Audio").click()
    expect(cards(page)).to_have_count(1)


@pytest.mark.parametrize("fixture", ["torch_dev", "tbx_dev"])
def test_players_for_pytorch_and_tensorboardx_audio(
    page_factory: Callable[..., Page],
    fixture: str,
    request: pytest.FixtureRequest,
    manifest: Callable[[str], dict[str, Any]],
    shot: Any,
) -> None:
    server = dev_server(request, fixture)
    pairs = manifest_pairs(manifest(fixture), "audio")
    for scheme in ("light", "dark"):
        page = page_factory(color_scheme=scheme)
        blobs = blob_requests(page)
        open_audio(page, server)
        expect(cards(page)).to_have_count(len(pairs))
        assert {(c.get_attribute("data-run"), c.get_attribute("data-tag")) for c in cards(page).all()} == pairs
        for run, tag in pairs:
            c = card(page, tag, run)
            expect(c).to_have_attribute("data-state", "ready")
            steps = listing(server, run, tag)
            last = steps[-1]
            expect(c).to_have_attribute("data-step", str(last["step"]))
            (clip,) = last["items"]
            player = c.locator("audio")
            expect(player).to_have_count(1)
            expect(player).to_have_attribute("src", server.url + clip["url"])
            expect(player).to_have_attribute("preload", "none")
            expect(player).to_have_attribute("controls", "")
            # the writers' 8 kHz mono WAV: what the card says matches the clip
            rate = manifest(fixture)["runs"][run]["data"]["audio"][tag]
            assert rate["encoding"] == "WAV"
            facts = c.locator(".clip-facts")
            expect(facts).to_contain_text("8 kHz")
            expect(facts).to_contain_text("mono")
            expect(facts).to_contain_text(f"{clip['duration']:g} s")
            assert clip["sample_rate"] == 8000
        page.wait_for_timeout(300)
        assert blobs == []  # nothing is downloaded before a clip is played
        shot(page, f"audio-{fixture}-{scheme}")


def test_playing_a_clip_loads_it(page: Page, torch_server: Server) -> None:
    open_audio(page, torch_server)
    c = card(page, "dev_audio/tone", "runs/dev_main")
    expect(c).to_have_attribute("data-state", "ready")
    player = c.locator("audio")
    # load the clip as pressing play would (headless Chromium may have no audio output to really play to)
    page.evaluate("a => a.load()", player.element_handle())
    page.wait_for_function("a => a.readyState >= 1 && Number.isFinite(a.duration)", arg=player.element_handle())
    assert page.evaluate("a => a.duration", player.element_handle()) == pytest.approx(0.5, abs=0.01)
    assert page.evaluate("a => a.error", player.element_handle()) is None


def test_the_step_slider_changes_the_clip(page: Page, torch_server: Server) -> None:
    open_audio(page, torch_server)
    c = card(page, "dev_audio/tone", "runs/dev_main")
    expect(c).to_have_attribute("data-state", "ready")
    steps = listing(torch_server, "runs/dev_main", "dev_audio/tone")
    assert [s["step"] for s in steps] == [0, 1]
    c.get_by_role("slider").focus()
    page.keyboard.press("Home")
    expect(c).to_have_attribute("data-step", "0")
    expect(c.locator("audio")).to_have_attribute("src", torch_server.url + steps[0]["items"][0]["url"])
    page.keyboard.press("End")
    expect(c).to_have_attribute("data-step", "1")
    expect(c.locator("audio")).to_have_attribute("src", torch_server.url + steps[1]["items"][0]["url"])
    assert steps[0]["items"][0]["url"] != steps[1]["items"][0]["url"]


def test_batches_with_labels_shown_as_text(page: Page, labelled_server: Server, shot: Any) -> None:
    page.add_init_script("window.__pwned = 0")
    open_audio(page, labelled_server)
    expect(cards(page)).to_have_count(2)
    batch = card(page, "speech/batch", "eval")
    expect(batch).to_have_attribute("data-state", "ready")
    expect(batch).to_have_attribute("data-step", "12")
    expect(batch).to_have_attribute("data-clips", "3")
    steps = listing(labelled_server, "eval", "speech/batch")
    clips = batch.locator(".clip")
    expect(clips).to_have_count(3)
    for i, item in enumerate(steps[-1]["items"]):
        clip = clips.nth(i)
        expect(clip.locator("audio")).to_have_attribute("src", labelled_server.url + item["url"])
        expect(clip.locator("audio")).to_have_attribute("aria-label", f"Clip {i + 1} of 3 of speech/batch at step 12")
        expect(clip.locator(".clip-facts")).to_have_text("16 kHz · mono · 0.5 s · 8000 frames")
    # the label is the writer's Markdown as plain text: no element made of it, no script run
    expect(clips.nth(0).locator(".clip-label")).to_have_text(HOSTILE_LABEL)
    expect(batch.locator(".clip-label img, .clip-label script, .clip-label strong")).to_have_count(0)
    expect(clips.nth(1).locator(".clip-label")).to_have_text("clip 1 at step 12")
    assert page.evaluate("window.__pwned") == 0
    # several clips: the download is a menu with one entry per clip
    batch.get_by_role("button", name="Download a clip").click()
    items = batch.get_by_role("menuitem")
    expect(items).to_have_count(3)
    expect(items.nth(2)).to_have_attribute("href", labelled_server.url + steps[-1]["items"][2]["url"])
    expect(items.nth(2)).to_have_attribute("download", "speech_batch_step12_2.wav")
    page.keyboard.press("Escape")
    shot(page, "audio-labelled-light")


def test_the_global_slider_moves_every_card_to_its_nearest_step(page: Page, labelled_server: Server) -> None:
    open_audio(page, labelled_server)
    tone_card = card(page, "speech/tone", "train")
    batch = card(page, "speech/batch", "eval")
    expect(tone_card).to_have_attribute("data-state", "ready")
    expect(batch).to_have_attribute("data-state", "ready")
    global_slider = page.get_by_role("slider", name="Step", exact=True)
    union = [0, 4, 5, 10, 12, 15]
    expect(global_slider).to_have_attribute("max", str(len(union) - 1))
    global_slider.focus()
    page.keyboard.press("Home")
    expect(tone_card).to_have_attribute("data-step", "0")
    expect(batch).to_have_attribute("data-step", "4")
    expect(batch.locator(".clip-label").nth(1)).to_have_text("clip 1 at step 4")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # step 5
    expect(tone_card).to_have_attribute("data-step", "5")
    expect(batch).to_have_attribute("data-step", "4")
    page.keyboard.press("ArrowRight")  # step 10
    expect(tone_card).to_have_attribute("data-step", "10")
    expect(batch).to_have_attribute("data-step", "12")
    expect(page).to_have_url(re.compile(r"audio\.step=10"))
    tone_steps = listing(labelled_server, "train", "speech/tone")
    expect(tone_card.locator("audio")).to_have_attribute(
        "src", labelled_server.url + next(s for s in tone_steps if s["step"] == 10)["items"][0]["url"]
    )
