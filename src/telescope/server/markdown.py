"""Markdown to safe HTML for the TensorBoard-compatible endpoints (which answer with rendered HTML).

Rendering uses markdown-it (CommonMark plus tables); the result is sanitised with nh3 (an allow-list HTML
sanitiser), so scripts, event handlers and ``javascript:`` links never reach a page.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}


@cache
def _md() -> MarkdownIt:
    # Imported on first use: most pages never render a description, and the server starts sooner without it.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def render_markdown(text: str) -> str:
    """``text`` as sanitised HTML (empty string for empty text)."""
    if not text:
        return ""
    html = _md().render(text)
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"}).strip()
