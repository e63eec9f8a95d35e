"""HTTP routes of the histograms kind: histograms and distributions as columns, and TensorBoard's endpoints.

Server stage: parse the request, call ``query``, answer JSON. Nothing is sampled: every step is returned.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Query

from telescope.plugins.histograms import query
from telescope.plugins.routes import add_series_tags_route, series_columns, tensorboard_tags
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON, float_list, json_number

router = APIRouter()


def _rows(arr: np.ndarray) -> list[list[Any]]:
    """A 2-D float array as nested lists, non-finite values as TensorBoard writes them ("NaN", "Infinity")."""
    if bool(np.isfinite(arr).all()):
        rows: list[list[Any]] = arr.tolist()
        return rows
    return [[json_number(v) for v in row] for row in arr.tolist()]


add_series_tags_route(router, "histograms", query.histogram_series_rows)


@router.get("/api/histograms", response_class=FastJSON)
def histograms(
    run: str = Query(...),
    tag: str = Query(...),
    bins: int | None = Query(
        None, ge=1, le=query.MAX_BINS, description="count every step on this many shared equal-width bins"
    ),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    s = query.read_histograms(ctx.store, run=run, tag=tag)
    body = series_columns(s)
    if bins is None:
        pairs = [query.bucket_edges(b) for b in s.buckets]
        body["shared"] = False
        body["edges"] = [float_list(e) for e, _ in pairs]
        body["counts"] = [float_list(c) for _, c in pairs]
    else:
        shared = query.shared_bins(s.buckets, bins)
        body["shared"] = True
        body["edges"] = float_list(shared.edges)
        body["counts"] = [float_list(c) for c in shared.counts]
    return FastJSON(body)


@router.get("/api/distributions", response_class=FastJSON)
def distributions(run: str = Query(...), tag: str = Query(...), ctx: ServerContext = Depends(get_context)) -> FastJSON:
    s = query.read_histograms(ctx.store, run=run, tag=tag)
    values = query.distribution(s)
    return FastJSON(
        {
            **series_columns(s),
            "basis_points": list(query.BASIS_POINTS),
            "percentiles": [float_list(np.ascontiguousarray(values[:, j])) for j in range(values.shape[1])],
        }
    )


# -- TensorBoard-compatible endpoints (no sampling: every step) -------------------------------------------


@router.get("/data/plugin/histograms/tags", response_class=FastJSON)
def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(tensorboard_tags(query.histogram_series_rows(ctx.store)))


@router.get("/data/plugin/histograms/histograms", response_class=FastJSON)
def tb_histograms(run: str = Query(...), tag: str = Query(...), ctx: ServerContext = Depends(get_context)) -> FastJSON:
    """``[[wall_time, step, [[left, right, count], …]], …]``."""
    s = query.read_histograms(ctx.store, run=run, tag=tag)
    return FastJSON(
        [[w, step, _rows(b)] for w, step, b in zip(s.wall_times.tolist(), s.steps.tolist(), s.buckets, strict=True)]
    )


@router.get("/data/plugin/distributions/tags", response_class=FastJSON)
def tb_distribution_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(tensorboard_tags(query.histogram_series_rows(ctx.store)))


@router.get("/data/plugin/distributions/distributions", response_class=FastJSON)
def tb_distributions(
    run: str = Query(...), tag: str = Query(...), ctx: ServerContext = Depends(get_context)
) -> FastJSON:
    """``[[wall_time, step, nine [basis_point, value] pairs], …]``."""
    s = query.read_histograms(ctx.store, run=run, tag=tag)
    values = query.distribution(s)
    out = []
    for i, (w, step) in enumerate(zip(s.wall_times.tolist(), s.steps.tolist(), strict=True)):
        pairs = [[bp, json_number(v)] for bp, v in zip(query.BASIS_POINTS, values[i].tolist(), strict=True)]
        out.append([w, step, pairs])
    return FastJSON(out)
