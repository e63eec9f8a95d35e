"""What a person sees when there is nothing to chart: the reason, and what to do about it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    server = start_server(tmp_path / "does" / "not" / "exist", live=False)
    page.goto(server.url)
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_have_attribute("data-reason", "logdir_missing")
    expect(empty).to_contain_text("does not exist")
