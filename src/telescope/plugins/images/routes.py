"""HTTP routes of the images kind: tags, every step of a series with its image URLs, and TensorBoard's images
endpoints. The image bytes themselves are served by the core blob route (``/api/blobs/{id}``); the routes every
blob-item kind has are registered by :func:`telescope.plugins.routes.add_blob_item_routes`."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query

from telescope.plugins.images import query
from telescope.plugins.routes import add_blob_item_routes, add_individual_blob_route
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON

router = APIRouter()

add_blob_item_routes(
    router,
    "images",
    read_tags=query.read_tags,
    read_series=query.read_series,
    item_meta={"width": 0, "height": 0, "format": "", "content_type": ""},
)


# -- TensorBoard-compatible endpoints (no sampling: every step) ---------------------------------------------


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
            {"wall_time": s.wall_time, "step": s.step, "query": urlencode({"blob_key": str(image.id)})}
            for s, image in series.sampled(sample)
        ]
    )


add_individual_blob_route(router, "/data/plugin/images/individualImage", name="tb_individual_image")
