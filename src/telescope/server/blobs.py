"""Serving blob items (images, audio clips, graphs) by reference: ``/api/blobs/{id}``.

Kinds list their items with a URL from :func:`blob_url`; the bytes are read on demand from the event file.
A URL carries the item's content key (``?v=``): when it matches, a browser may keep the answer for good;
without it, or with a stale one (after a reindex), the answer must be revalidated. Content types come from
what the kind recorded, never from guessing, and are served with ``nosniff`` so a crafted payload is never
run as a page.
"""

from __future__ import annotations

import re

from crc32c import crc32c
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from telescope.query import BlobInfo, read_blob_item
from telescope.server.context import ServerContext
from telescope.server.deps import get_context

router = APIRouter(prefix="/api")

# Types a blob may be served as; anything else is a download.
_SAFE_TYPES = re.compile(r"^(image/(png|jpeg|gif|bmp|webp)|audio/[a-z0-9.+-]+|video/[a-z0-9.+-]+|application/json)$")


def blob_url(info: BlobInfo) -> str:
    """The URL of an item, relative to the app root (``api/blobs/...``), with its content key."""
    return f"api/blobs/{info.id}?v={info.key}"


@router.get("/blobs/{blob_id}")
def get_blob(blob_id: int, request: Request, ctx: ServerContext = Depends(get_context)) -> Response:
    data, meta = read_blob_item(ctx.store, blob_id, logdir=ctx.logdir)
    content_type = str(meta.get("content_type", ""))
    if not _SAFE_TYPES.match(content_type):
        content_type = "application/octet-stream"
    key = f"{int(crc32c(data)):08x}{len(data):x}"  # as BlobInfo.key
    etag = f'"{key}"'
    headers = {"ETag": etag, "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}
    if request.query_params.get("v") == key:
        headers["Cache-Control"] = "private, max-age=31536000, immutable"
    else:
        headers["Cache-Control"] = "no-cache"
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=content_type, headers=headers)
