"""HTTP routes of the pr_curves kind: curves as columns, and TensorBoard's PR-curve endpoints.

Server stage: parse the request, call ``query``, answer JSON. Nothing is sampled: every step is returned.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Query

from telescope.errors import BadRequest
from telescope.plugins.pr_curves import query
from telescope.plugins.routes import add_series_tags_route, series_columns, tensorboard_tags
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON, float_list

router = APIRouter()

add_series_tags_route(router, "pr_curves", query.pr_curve_series_rows)


@router.get("/api/pr_curves", response_class=FastJSON)
def pr_curves(
    run: str = Query(...),
    tag: str = Query(...),
    step: int | None = Query(None, description="only this step"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    s = query.read_pr_curves(ctx.store, run=run, tag=tag, step=step)
    body = series_columns(s)
    for name in query.CURVE_COLUMNS:
        body[name] = [float_list(getattr(c, name)) for c in s.curves]
    return FastJSON(body)


# -- TensorBoard-compatible endpoints (no sampling: every step) -------------------------------------------


@router.get("/data/plugin/pr_curves/tags", response_class=FastJSON)
def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(tensorboard_tags(query.pr_curve_series_rows(ctx.store)))


def _tb_entry(step: int, wall_time: float, curve: query.PrCurve) -> dict[str, Any]:
    """One step as TensorBoard answers it: thresholds past the last predicted positive left out, counts as
    integers."""
    end = query.trim_empty_tail(curve)
    return {
        "wall_time": wall_time,
        "step": step,
        "precision": float_list(curve.precision[:end]),
        "recall": float_list(curve.recall[:end]),
        "true_positives": curve.tp[:end].astype(np.int64).tolist(),
        "false_positives": curve.fp[:end].astype(np.int64).tolist(),
        "true_negatives": curve.tn[:end].astype(np.int64).tolist(),
        "false_negatives": curve.fn[:end].astype(np.int64).tolist(),
        "thresholds": curve.thresholds[:end].tolist(),
    }


@router.get("/data/plugin/pr_curves/pr_curves", response_class=FastJSON)
def tb_pr_curves(
    run: list[str] | None = Query(None, description="runs (repeat)"),
    tag: str | None = Query(None),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    """``{run: [{wall_time, step, precision, recall, true_positives, …, thresholds}, …]}`` for one tag."""
    if not run:
        raise BadRequest("No runs provided when fetching PR curve data.", code="bad_parameter")
    if not tag:
        raise BadRequest("No tag provided when fetching PR curve data.", code="bad_parameter")
    out = {}
    for r in run:
        s = query.read_pr_curves(ctx.store, run=r, tag=tag)
        out[r] = [
            _tb_entry(step, w, c) for step, w, c in zip(s.steps.tolist(), s.wall_times.tolist(), s.curves, strict=True)
        ]
    return FastJSON(out)
