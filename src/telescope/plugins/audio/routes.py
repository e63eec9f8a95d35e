"""HTTP routes of the audio kind: tags, every step of a series with its clip URLs, and TensorBoard's audio
endpoints. The clip bytes themselves are served by the core blob route (``/api/blobs/{id}``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from telescope.errors import BadRequest
from telescope.plugins.audio import query
from telescope.query import BlobInfo
from telescope.server.blobs import blob_url, get_blob
from telescope.server.context import ServerContext, get_context
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


@router.get("/api/audio/tags", response_class=FastJSON)
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


@router.get("/api/audio", response_class=FastJSON)
def audio(
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
                {"step": s.step, "wall_time": s.wall_time, "items": [_clip_json(c) for c in s.clips]}
                for s in series.steps
            ],
        }
    )


# -- TensorBoard-compatible endpoints (no sampling: every step) ---------------------------------------------


@router.get("/data/plugin/audio/tags", response_class=FastJSON)
def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for t in query.read_tags(ctx.store):
        out.setdefault(t.run, {})[t.tag] = {
            "displayName": t.display_name,
            "description": render_markdown(t.description),
            "samples": t.samples,
        }
    return FastJSON(out)


@router.get("/data/plugin/audio/audio", response_class=FastJSON)
def tb_audio(
    run: str = Query(...),
    tag: str = Query(...),
    sample: int = Query(0, ge=0, description="which clip of each step (steps with fewer are left out)"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    series = query.read_series(ctx.store, run=run, tag=tag)
    out = []
    for s in series.steps:
        if len(s.clips) <= sample:
            continue
        clip = s.clips[sample]
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
    if not blob_key.isdigit():
        raise BadRequest(f"blob_key {blob_key[:40]!r} is not one this server handed out.", code="bad_parameter")
    return get_blob(int(blob_key), request, ctx)
