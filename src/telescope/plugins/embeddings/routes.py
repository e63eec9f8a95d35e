"""HTTP routes of the embeddings kind: the embeddings of each run, one embedding's vectors (binary float32 or
JSON), labels and sprite, and TensorBoard's projector endpoints."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from telescope.errors import BadRequest
from telescope.plugins.embeddings import query
from telescope.plugins.embeddings.files import MAX_METADATA_BYTES, read_limited
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON, float_list

router = APIRouter()

_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif", b"BM": "image/bmp"}
_SAFE = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox", "Cache-Control": "no-cache"}


def _image_type(data: bytes) -> str:
    for magic, content_type in _IMAGE_TYPES.items():
        if data.startswith(magic):
            return content_type
    return "application/octet-stream"


def _embedding_json(e: query.Embedding) -> dict[str, Any]:
    info = e.info
    return {
        "run": e.run,
        "tensor_name": e.tensor_name,
        "shape": list(e.shape) if e.shape is not None else None,
        "tensor_path": info.tensor_path or None,
        "tensor_format": e.tensor_format,
        "tensor_bytes": e.tensor_bytes,
        "metadata_path": info.metadata_path or None,
        "sprite": (
            {"image_path": info.sprite.image_path, "single_image_dim": list(e.sprite_dim) if e.sprite_dim else None}
            if info.sprite.image_path
            else None
        ),
        "bookmarks_path": info.bookmarks_path or None,
        "problems": e.problems,
    }


@router.get("/api/embeddings", response_class=FastJSON)
def embeddings(
    run: str | None = Query(None, description="one run; every run (and the logdir itself) if omitted"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    found, problems = query.list_embeddings(ctx.store, run=run)
    return FastJSON({"embeddings": [_embedding_json(e) for e in found], "config_problems": problems})


@router.get("/api/embeddings/tensor")
def tensor(
    run: str = Query(...),
    name: str = Query(...),
    format: str = Query("binary", description="binary (float32, little-endian, row-major) or json"),
    num_rows: int | None = Query(None, ge=1, description="only the first rows"),
    ctx: ServerContext = Depends(get_context),
) -> Response:
    if format not in ("binary", "json"):
        raise BadRequest(f"format must be binary or json, not {format!r}.", code="bad_parameter")
    values = query.read_tensor(ctx.store, run=run, name=name, num_rows=num_rows)
    rows, dims = values.shape
    if format == "json":
        return FastJSON({"run": run, "name": name, "shape": [rows, dims], "values": [float_list(r) for r in values]})
    return Response(
        values.astype("<f4", copy=False).tobytes(),
        media_type="application/octet-stream",
        headers={"X-Tensor-Shape": f"{rows},{dims}", "X-Tensor-Dtype": "float32"},
    )


@router.get("/api/embeddings/metadata", response_class=FastJSON)
def metadata(
    run: str = Query(...),
    name: str = Query(...),
    num_rows: int | None = Query(None, ge=1),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    labels = query.read_labels(ctx.store, run=run, name=name, num_rows=num_rows)
    return FastJSON({"run": run, "name": name, "columns": labels.columns, "rows": labels.rows})


@router.get("/api/embeddings/sprite")
def sprite(run: str = Query(...), name: str = Query(...), ctx: ServerContext = Depends(get_context)) -> Response:
    data = query.read_sprite(ctx.store, run=run, name=name)
    return Response(data, media_type=_image_type(data), headers=_SAFE)


# -- TensorBoard-compatible endpoints -----------------------------------------------------------------------------


@router.get("/data/plugin/projector/runs", response_class=FastJSON)
def tb_runs(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(query.tensorboard_runs(ctx.store))


@router.get("/data/plugin/projector/info", response_class=FastJSON)
def tb_info(run: str = Query(...), ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(query.tensorboard_config(ctx.store, run=run))


@router.get("/data/plugin/projector/tensor")
def tb_tensor(
    run: str = Query(...),
    name: str = Query(...),
    num_rows: int | None = Query(None, ge=1),
    ctx: ServerContext = Depends(get_context),
) -> Response:
    values = query.read_tensor(ctx.store, run=run, name=name, num_rows=num_rows)
    return Response(values.astype("<f4", copy=False).tobytes(), media_type="application/octet-stream")


@router.get("/data/plugin/projector/metadata")
def tb_metadata(
    run: str = Query(...),
    name: str = Query(...),
    num_rows: int | None = Query(None, ge=1),
    ctx: ServerContext = Depends(get_context),
) -> Response:
    path = query.metadata_path(ctx.store, run=run, name=name)
    try:
        text = read_limited(path, MAX_METADATA_BYTES, "metadata file").decode("utf-8", "replace")
    except ValueError as e:
        raise BadRequest(str(e), code="bad_embedding") from e
    lines = text.splitlines(keepends=True)
    if num_rows is not None:
        header = 1 if lines and "\t" in lines[0] else 0
        lines = lines[: num_rows + header]
    return Response("".join(lines), media_type="text/plain; charset=utf-8", headers=_SAFE)


@router.get("/data/plugin/projector/sprite_image")
def tb_sprite_image(
    run: str = Query(...), name: str = Query(...), ctx: ServerContext = Depends(get_context)
) -> Response:
    data = query.read_sprite(ctx.store, run=run, name=name)
    return Response(data, media_type=_image_type(data), headers=_SAFE)
