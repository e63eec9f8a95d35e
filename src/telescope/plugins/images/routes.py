"""HTTP routes of the images kind: tags, every step of a series with its image URLs, and TensorBoard's images
endpoints. The image bytes themselves are served by the core blob route (``/api/blobs/{id}``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from telescope.errors import BadRequest
from telescope.plugins.images import query
from telescope.query import BlobInfo
from telescope.server.blobs import blob_url, get_blob
from telescope.server.context import ServerContext, get_context
from telescope.server.jsonutil import FastJSON
from telescope.server.markdown import render_markdown

router = APIRouter()


def _image_json(info: BlobInfo) -> dict[str, Any]:
    meta = info.meta
    return {
        "index": info.index,
        "width": meta.get("width", 0),
        "height": meta.get("height", 0),
        "format": meta.get("format", ""),
        "content_type": meta.get("content_type", ""),
        "length": info.length,
        "url": blob_url(info),
    }


@router.get("/api/images/tags", response_class=FastJSON)
def tags(
    run: list[str] | None = Query(None, description="runs (repeat); all runs if omitted"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    found = query.read_tags(ctx.store)
    if run:
        query.check_runs(ctx.store, run)
        wanted = set(run)
        found = [t for t in found if t.run in wanted]
    return FastJSON(
        {
            "tags": [
                {
                    "run": t.run,
                    "tag": t.tag,
                    "display_name": t.display_name,
                    "description": t.description,
                    "steps": t.steps,
                    "samples": t.samples,
                }
                for t in found
            ]
        }
    )


@router.get("/api/images", response_class=FastJSON)
def images(
    run: str = Query(...),
    tag: str = Query(...),
    min_step: int | None = Query(None),
    max_step: int | None = Query(None),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    series = query.read_series(ctx.store, run=run, tag=tag, min_step=min_step, max_step=max_step)
    return FastJSON(
        {
            "run": series.run,
            "tag": series.tag,
            "display_name": series.display_name,
            "description": series.description,
            "steps": [
                {"step": s.step, "wall_time": s.wall_time, "items": [_image_json(i) for i in s.images]}
                for s in series.steps
            ],
        }
    )


# -- TensorBoard-compatible endpoints (no sampling: every step) ---------------------------------------------


@router.get("/data/plugin/images/tags", response_class=FastJSON)
def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for t in query.read_tags(ctx.store):
        out.setdefault(t.run, {})[t.tag] = {
            "displayName": t.display_name,
            "description": render_markdown(t.description),
            "samples": t.samples,
        }
    return FastJSON(out)


@router.get("/data/plugin/images/images", response_class=FastJSON)
def tb_images(
    run: str = Query(...),
    tag: str = Query(...),
    sample: int = Query(0, ge=0, description="which image of each step (steps with fewer are left out)"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    series = query.read_series(ctx.store, run=run, tag=tag)
    return FastJSON(
        [
            {"wall_time": s.wall_time, "step": s.step, "query": urlencode({"blob_key": str(s.images[sample].id)})}
            for s in series.steps
            if len(s.images) > sample
        ]
    )


@router.get("/data/plugin/images/individualImage")
def tb_individual_image(
    request: Request, blob_key: str = Query(...), ctx: ServerContext = Depends(get_context)
) -> Response:
    return get_blob(blob_id_of(blob_key), request, ctx)


def blob_id_of(blob_key: str) -> int:
    """The blob id in a ``blob_key`` this server handed out."""
    if not blob_key.isdigit():
        raise BadRequest(f"blob_key {blob_key[:40]!r} is not one this server handed out.", code="bad_parameter")
    return int(blob_key)
