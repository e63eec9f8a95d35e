"""HTTP routes of the custom_scalars kind: the logdir's chart layout, and TensorBoard's custom-scalars endpoints.

Server stage: parse the request, call ``query``, answer JSON. The charts' data are ordinary scalars, read through
the scalars kind.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Query

from telescope.errors import NotFound
from telescope.plugins.custom_scalars import query
from telescope.plugins.scalars.query import scalar_series_rows
from telescope.query import read_scalar_series
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON, json_number
from telescope.tfrecord.proto import layout_pb2

router = APIRouter()


def _chart_json(chart: layout_pb2.Chart) -> dict[str, Any]:
    which = chart.WhichOneof("content")
    if which == "multiline":
        return {"title": chart.title, "kind": "multiline", "tags": list(chart.multiline.tag)}
    if which == "margin":
        series = [{"value": s.value, "lower": s.lower, "upper": s.upper} for s in chart.margin.series]
        return {"title": chart.title, "kind": "margin", "series": series}
    return {"title": chart.title, "kind": None}


@router.get("/api/custom_scalars/layout", response_class=FastJSON)
def layout(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    merged, runs = query.merged_layout(ctx.store)
    categories = (
        []
        if merged is None
        else [
            {"title": c.title, "closed": c.closed, "charts": [_chart_json(chart) for chart in c.chart]}
            for c in merged.category
        ]
    )
    return FastJSON({"runs": runs, "categories": categories})


# -- TensorBoard-compatible endpoints ------------------------------------------------------------------------


def _tb_chart(chart: layout_pb2.Chart) -> dict[str, Any]:
    out: dict[str, Any] = {"title": chart.title}
    which = chart.WhichOneof("content")
    if which == "multiline":
        out["multiline"] = {"tag": list(chart.multiline.tag)}
    elif which == "margin":
        out["margin"] = {
            "series": [{"value": s.value, "lower": s.lower, "upper": s.upper} for s in chart.margin.series]
        }
    return out


@router.get("/data/plugin/custom_scalars/layout", response_class=FastJSON)
def tb_layout(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    """The merged ``Layout`` as TensorBoard writes it in JSON (``{}`` when no run has one)."""
    merged, _ = query.merged_layout(ctx.store)
    if merged is None:
        return FastJSON({})
    return FastJSON(
        {
            "category": [
                {"title": c.title, "chart": [_tb_chart(chart) for chart in c.chart], "closed": c.closed}
                for c in merged.category
            ],
            "version": merged.version,
        }
    )


@router.get("/data/plugin/custom_scalars/scalars", response_class=FastJSON)
def tb_scalars(
    run: str = Query(...),
    tag: str = Query("", description="regular expression matched at the start of tags"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    """``{"regex_valid": bool, "tag_to_events": {tag: [[wall_time, step, value], …]}}`` for the scalar tags of
    ``run`` that ``tag`` matches (at their start, as Python's ``re.match``)."""
    try:
        pattern = re.compile(tag) if tag else None
    except re.error:
        pattern = None
    if pattern is None:
        return FastJSON({"regex_valid": False, "tag_to_events": {}})
    try:
        rows = scalar_series_rows(ctx.store, runs=[run])
    except NotFound:
        rows = []
    events = {}
    for row in rows:
        if pattern.match(row.tag):
            s = read_scalar_series(ctx.store, row)
            events[row.tag] = [
                [w, step, json_number(v)]
                for w, step, v in zip(s.wall_times.tolist(), s.steps.tolist(), s.values.tolist(), strict=True)
            ]
    return FastJSON({"regex_valid": True, "tag_to_events": events})
