"""HTTP routes of the text kind: raw text per step (and, on request, each step as sanitised HTML for the UI), and
TensorBoard's text endpoints (sanitised HTML).

Server stage: parse the request, call ``query``, answer JSON. Nothing is sampled: every step is returned.
"""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Depends, Query

from telescope.errors import BadRequest
from telescope.plugins.routes import add_series_tags_route, series_columns
from telescope.plugins.text import query
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON
from telescope.server.markdown import render_markdown

router = APIRouter()

add_series_tags_route(router, "text", query.text_series_rows)


@router.get("/api/text", response_class=FastJSON)
def text(
    run: str = Query(...),
    tag: str = Query(...),
    format: str = Query("raw", description="raw, or html: also each step as sanitised HTML (`html`)"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    if format not in ("raw", "html"):
        raise BadRequest(f"format must be raw or html, not {format!r}.", code="bad_parameter")
    s = query.read_text(ctx.store, run=run, tag=tag)
    texts = s.texts()
    body = series_columns(s)
    body["shapes"] = [list(v.shape) for v in s.values]
    body["text"] = texts
    if format == "html":
        body["html"] = [page_html(t) for t in texts]
    return FastJSON(body)


# -- HTML for the UI ------------------------------------------------------------------------------------------

# Markdown images become links: a page showing logged text never fetches from a host the text names (a
# tracking pixel, or a request to an internal address made from the viewer's browser). The sanitiser writes
# every attribute as name="value" with quotes escaped, so this pattern sees each <img> whole.
_IMG = re.compile(r'<img((?:\s+[a-zA-Z-]+="[^"]*")*)\s*/?>')
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_PAGE_TAGS = nh3.ALLOWED_TAGS - {"img"}


def _image_link(m: re.Match[str]) -> str:
    attrs = dict(_ATTR.findall(m.group(1)))
    # Values are still escaped as the sanitiser wrote them, so they can go back into HTML as they are.
    alt = attrs.get("alt", "")
    label = f"image: {alt}" if alt else "image"
    src = attrs.get("src", "")
    href = f' href="{src}"' if src else ""
    return f'<a class="md-image"{href} title="Open the image (not loaded here)">{label}</a>'


def safe_for_page(rendered: str) -> str:
    """Sanitised HTML made ready for the UI: images turned into links, links opening in a new tab without
    ``window.opener`` or a referrer; a final sanitising pass so nothing else gets through."""
    return nh3.clean(
        _IMG.sub(_image_link, rendered),
        tags=_PAGE_TAGS,
        allowed_classes={"a": {"md-image"}},
        url_schemes={"http", "https", "mailto"},
        set_tag_attribute_values={"a": {"target": "_blank"}},
        link_rel="noopener noreferrer",
    )


def page_html(text: query.Text) -> str:
    """One step for the UI: a document as rendered Markdown, a table (rank 1 or more, rows as in ``text``) as a
    ``<table>`` whose cells are rendered Markdown."""
    if isinstance(text, str):
        return safe_for_page(render_markdown(text))
    rows = "".join("<tr>" + "".join(f"<td>{render_markdown(cell)}</td>" for cell in row) + "</tr>" for row in text)
    return safe_for_page(f"<table><tbody>{rows}</tbody></table>")


# -- TensorBoard-compatible endpoints (no sampling: every step) -------------------------------------------


def _cell(item: Any, markdown: bool) -> str:
    source = item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
    return render_markdown(source) if markdown else html.escape(source)


def _table(cells: npt.NDArray[np.object_], markdown: bool) -> str:
    """An HTML table laid out as TensorBoard lays it out (a vector is one column)."""
    rows = cells.reshape(cells.size, 1) if cells.ndim == 1 else cells
    body = "".join(
        "<tr>\n" + "".join(f"<td>{_cell(item, markdown)}</td>\n" for item in row) + "</tr>\n" for row in rows.tolist()
    )
    return f"<table>\n<tbody>\n{body}</tbody>\n</table>"


def text_html(arr: npt.NDArray[np.object_], *, markdown: bool = True) -> str:
    """One step as TensorBoard shows it: a rank-0 text rendered as Markdown, a vector or matrix as a table of
    rendered cells, a higher-rank tensor as its first 2-D slice under a warning. Always sanitised."""
    if arr.ndim == 0:
        return _cell(arr.item(), markdown)
    if arr.ndim <= 2:
        return _table(arr, markdown)
    warning = render_markdown(
        f"**Warning:** this text summary has {arr.ndim} dimensions, but only 2-D tables can be shown. "
        "Showing its first 2-D slice."
    )
    return warning + _table(arr[(0,) * (arr.ndim - 2)], markdown)


@router.get("/data/plugin/text/tags", response_class=FastJSON)
def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    """``{run: [tag, …]}``."""
    out: dict[str, list[str]] = {}
    for s in query.text_series_rows(ctx.store):
        out.setdefault(s.run, []).append(s.tag)
    return FastJSON(out)


@router.get("/data/plugin/text/text", response_class=FastJSON)
def tb_text(
    run: str = Query(...),
    tag: str = Query(...),
    markdown: str = Query("true", description="false: escaped plain text instead of rendered Markdown"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    """``[{"wall_time", "step", "text": sanitised HTML}, …]``; an unknown run or tag gives ``[]``, as in TensorBoard."""
    rows = query.text_series_rows(ctx.store, run=run, tag=tag)
    if not rows:
        return FastJSON([])
    (s,) = query.read_series(ctx.store, rows)
    enable = markdown != "false"
    return FastJSON(
        [
            {"wall_time": w, "step": step, "text": text_html(v, markdown=enable)}
            for w, step, v in zip(s.wall_times.tolist(), s.steps.tolist(), s.values, strict=True)
        ]
    )
