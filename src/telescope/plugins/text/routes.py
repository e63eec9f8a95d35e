"""HTTP routes of the text kind: raw text per step, and TensorBoard's text endpoints (sanitised HTML).

Server stage: parse the request, call ``query``, answer JSON. Nothing is sampled: every step is returned.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Depends, Query

from telescope.plugins.routes import add_series_tags_route
from telescope.plugins.text import query
from telescope.server.context import ServerContext, get_context
from telescope.server.jsonutil import FastJSON
from telescope.server.markdown import render_markdown

router = APIRouter()

add_series_tags_route(router, "text", query.text_series_rows)


@router.get("/api/text", response_class=FastJSON)
def text(run: str = Query(...), tag: str = Query(...), ctx: ServerContext = Depends(get_context)) -> FastJSON:
    s = query.read_text(ctx.store, run=run, tag=tag)
    return FastJSON(
        {
            "run": s.run,
            "tag": s.tag,
            "steps": np.ascontiguousarray(s.steps, dtype=np.int64),
            "wall_times": np.ascontiguousarray(s.wall_times, dtype=np.float64),
            "shapes": [list(v.shape) for v in s.values],
            "text": s.texts(),
        }
    )


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
