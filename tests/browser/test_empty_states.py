"""What a person sees when there is nothing to chart: the reason, and what to do about it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect


def test_empty_logdir_explains_why(page: Page, start_server: Any, tmp_path: Path, shot: Any) -> None:
    logdir = tmp_path / "empty_logs"
    logdir.mkdir()
    (logdir / "notes.txt").write_text("not an event file")
    server = start_server(logdir)
    page.goto(server.url)
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_be_visible()
    expect(empty).to_have_attribute("data-reason", "no_event_files")
    expect(empty).to_contain_text("No TensorBoard event files")
    expect(empty).to_contain_text("notes.txt")  # what was found instead
    expect(page.locator("article.card")).to_have_count(0)
    expect(page.get_by_role("tab")).to_have_count(0)  # no kind has data, so no tab
    shot(page, "empty-logdir")


def test_nested_runs_suggest_the_subdirectory(
    page_factory: Callable[..., Page], start_server: Any, fixture_logdir: Any, tmp_path: Path, shot: Any
) -> None:
    # The user points at project/wrong while Keras wrote its runs to project/logs/fit/<time>/{train,validation}.
    project = tmp_path / "project"
    (project / "wrong").mkdir(parents=True)
    (project / "wrong" / "README.md").write_text("nothing here")
    keras: Path = fixture_logdir("keras_dev")
    shutil.copytree(keras / "logs" / "fit", project / "logs" / "fit")
    server = start_server(project / "wrong", cwd=project)

    page = page_factory(color_scheme="dark")
    page.goto(server.url)
    suggestion = page.get_by_test_id("suggestion")
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("logs/fit")
    expect(suggestion).to_contain_text("telescope --logdir")
    expect(page.get_by_test_id("empty-state")).to_contain_text("README.md")
    shot(page, "empty-suggestion-dark")


def test_missing_logdir(page: Page, start_server: Any, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    server = start_server(tmp_path / "does" / "not" / "exist", live=False)
    page.goto(server.url)
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_have_attribute("data-reason", "logdir_missing")
    expect(empty).to_contain_text("does not exist")
    # What is listed is the nearest directory that exists, and it is labelled so (not as the missing logdir).
    listing = page.get_by_role("list", name=f"Contents of {tmp_path}")
    expect(listing).to_contain_text("notes.txt")
    expect(empty.locator("p strong")).to_have_text(str(tmp_path))


def test_logdir_one_level_deeper_is_suggested(page: Page, start_server: Any, tmp_path: Path) -> None:
    # Started in project/ with --logdir fit, while Keras wrote its runs to project/logs/fit.
    project = tmp_path / "project"
    run = project / "logs" / "fit" / "run1"
    run.mkdir(parents=True)
    (run / "events.out.tfevents.1.h").write_bytes(b"")
    server = start_server(project / "fit", cwd=project)
    page.goto(server.url)
    expect(page.get_by_test_id("empty-state")).to_have_attribute("data-reason", "logdir_missing")
    expect(page.get_by_test_id("empty-state")).to_contain_text("one level deeper")
    expect(page.get_by_test_id("suggestion")).to_contain_text("telescope --logdir logs/fit")


def test_several_logdirs_are_explained_one_by_one(
    page: Page, start_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shot: Any
) -> None:
    project = tmp_path / "project"
    run = project / "logs" / "fit" / "run1"
    run.mkdir(parents=True)
    (run / "events.out.tfevents.1.h").write_bytes(b"")
    (project / "empty").mkdir()
    (project / "empty" / "notes.txt").write_text("nothing here")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TELESCOPE_LOGDIR_SPEC", f"base:{project / 'fit'}")  # added to the --logdir given
    server = start_server(project / "empty", cwd=project)
    page.goto(server.url)
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_contain_text("No TensorBoard event files in these log directories")
    states = page.get_by_test_id("logdir-state")
    expect(states).to_have_count(2)
    expect(states.nth(0)).to_have_attribute("data-reason", "no_event_files")
    expect(states.nth(0)).to_contain_text("notes.txt")
    expect(states.nth(1)).to_have_attribute("data-reason", "logdir_missing")
    expect(states.nth(1)).to_contain_text("did you mean logs/fit?")
    expect(page.get_by_test_id("suggestion")).to_contain_text("telescope --logdir empty:empty --logdir base:logs/fit")
    shot(page, "empty-several-logdirs")


def test_a_missing_logdir_among_several_is_flagged(
    page: Page, start_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import scalar_event, write_events

    write_events(tmp_path / "a" / "r" / "events.out.tfevents.1.h", *[scalar_event("loss", s, 1.0) for s in range(5)])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TELESCOPE_LOGDIR_SPEC", f"gone:{tmp_path / 'nope'}")
    server = start_server(tmp_path / "a")
    page.goto(server.url)
    expect(page.locator("article.card")).to_have_count(1)  # the runs of the logdir that exists are shown
    banner = page.get_by_test_id("problems-banner")
    expect(banner).to_contain_text("1 folder not searched")
    banner.locator("summary").click()
    expect(banner).to_contain_text(f"gone: the logdir {tmp_path / 'nope'} does not exist")
