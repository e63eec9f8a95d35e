"""HTTP routes of the audio kind: tags, every step of a series with its clip URLs, and TensorBoard's audio
endpoints. The clip bytes themselves are served by the core blob route (``/api/blobs/{id}``); the routes every
blob-item kind has are registered by :func:`telescope.plugins.routes.add_blob_item_routes`."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query

from telescope.plugins.audio import query
from telescope.plugins.routes import add_blob_item_routes, add_individual_blob_route
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON
from telescope.server.markdown import render_markdown

router = APIRouter()

add_blob_item_routes(
    router,
    "audio",
    read_tags=query.read_tags,
    read_series=query.read_series,
    item_meta={
        "content_type": "",
        "format": "",
        "sample_rate": None,
        "num_channels": None,
        "length_frames": None,
        "duration": None,
        "label": "",
    },
)


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


add_individual_blob_route(
    router,
    "/data/plugin/audio/individualAudio",
    name="tb_individual_audio",
    content_type_note="ignored: the clip's own type is served",
)
