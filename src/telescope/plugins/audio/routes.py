"""HTTP routes of the audio kind: tags, every step of a series with its clip URLs, and TensorBoard's audio
endpoints. The clip bytes themselves are served by the core blob route (``/api/blobs/{id}``); the routes every
blob-item kind has are registered by :func:`telescope.plugins.routes.add_blob_item_routes`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from telescope.plugins.audio import query
from telescope.plugins.routes import add_blob_item_routes, blob_id_of
from telescope.query import BlobInfo
from telescope.server.blobs import blob_url, get_blob
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON
from telescope.server.markdown import render_markdown

router = APIRouter()


def _clip_json(info: BlobInfo) -> dict[str, Any]:
    meta = info.meta
    return {
        "index": info.index,
        "content_type": meta.get("content_type", ""),
        "format": meta.get("format", ""),
        "sample_rate": meta.get("sample_rate"),
        "num_channels": meta.get("num_channels"),
        "length_frames": meta.get("length_frames"),
        "duration": meta.get("duration"),
        "label": meta.get("label", ""),
        "length": info.length,
        "url": blob_url(info),
    }


add_blob_item_routes(router, "audio", read_tags=query.read_tags, read_series=query.read_series, item_json=_clip_json)


# -- TensorBoard-compatible endpoints (no sampling: every step) ---------------------------------------------


@router.get("/data/plugin/audio/audio", response_class=FastJSON)
def tb_audio(
    run: str = Query(...),
    tag: str = Query(...),
    sample: int = Query(0, ge=0, description="which clip of each step (steps with fewer are left out)"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    series = query.read_series(ctx.store, run=run, tag=tag)
    out = []
    for s, clip in series.sampled(sample):
        content_type = str(clip.meta.get("content_type", "application/octet-stream"))
        label = str(clip.meta.get("label", ""))
        out.append(
            {
                "wall_time": s.wall_time,
                "label": render_markdown(label) if label else "",
                "step": s.step,
                "contentType": content_type,
                "query": urlencode({"blob_key": str(clip.id), "content_type": content_type}),
            }
        )
    return FastJSON(out)


@router.get("/data/plugin/audio/individualAudio")
def tb_individual_audio(
    request: Request,
    blob_key: str = Query(...),
    content_type: str | None = Query(None, description="ignored: the clip's own type is served"),
    ctx: ServerContext = Depends(get_context),
) -> Response:
    return get_blob(blob_id_of(blob_key), request, ctx)
