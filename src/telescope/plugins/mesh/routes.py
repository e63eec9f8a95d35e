"""HTTP routes of the mesh kind: meshes grouped by name, and TensorBoard's mesh endpoints.

Server stage: parse the request, call ``query``, answer JSON (or raw little-endian arrays for TensorBoard's data
route). Nothing is sampled: every step is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from telescope.errors import BadRequest
from telescope.plugins.mesh import query
from telescope.plugins.mesh.metadata import COLOR, FACE, VERTEX, ContentType
from telescope.plugins.routes import add_tags_route
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON, json_number
from telescope.store import Store

router = APIRouter()

# The element types TensorBoard's mesh viewer reads each part's bytes as.
_WIRE_TYPES: dict[int, str] = {VERTEX: "<f4", FACE: "<i4", COLOR: "u1"}


def _tags(store: Store, runs: Sequence[str] | None) -> dict[str, Any]:
    by_tag: dict[str, dict[str, Any]] = {}
    for group in query.mesh_groups(store):
        if runs and group.run not in runs:
            continue
        first = group.parts.get(VERTEX) or next(iter(group.parts.values()))
        entry = by_tag.setdefault(
            group.name,
            {
                "tag": group.name,
                "runs": [],
                "display_name": first.row.display_name,
                "description": first.row.description,
                "parts": [],
            },
        )
        entry["runs"].append(group.run)
        for content_type in (VERTEX, FACE, COLOR):
            name = query.PART_NAMES[content_type]
            if content_type in group.parts and name not in entry["parts"]:
                entry["parts"].append(name)
    for entry in by_tag.values():
        entry["parts"].sort(key=["vertices", "faces", "colors"].index)
    return {"kind": "mesh", "tags": sorted(by_tag.values(), key=lambda e: e["tag"])}


add_tags_route(
    router, "mesh", _tags, description="The meshes by name, with the runs holding each and the parts they have."
)


def _nested(arr: np.ndarray | None) -> Any:
    if arr is None:
        return None
    if arr.dtype.kind == "f" and not bool(np.isfinite(arr).all()):
        return [[[json_number(v) for v in point] for point in mesh] for mesh in arr.tolist()]
    return arr.tolist()


@router.get("/api/mesh", response_class=FastJSON)
def mesh(
    run: str = Query(...),
    tag: str = Query(..., description="the mesh name"),
    step: int | None = Query(None, description="only this step (every step if omitted)"),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    s = query.read_mesh(ctx.store, run=run, tag=tag, step=step)
    return FastJSON(
        {
            "run": s.run,
            "tag": s.tag,
            "config": s.config,
            "steps": np.ascontiguousarray(s.steps, dtype=np.int64),
            "wall_times": np.ascontiguousarray(s.wall_times, dtype=np.float64),
            "vertices": [_nested(v) for v in s.vertices],
            "faces": [_nested(f) for f in s.faces],
            "colors": [_nested(c) for c in s.colors],
        }
    )


# -- TensorBoard-compatible endpoints (no sampling: every step) -------------------------------------------


@router.get("/data/plugin/mesh/tags", response_class=FastJSON)
def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    """``{run: {mesh name: {"samples": B}}}``."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for group in query.mesh_groups(ctx.store):
        part = group.parts.get(VERTEX) or next(iter(group.parts.values()))
        out.setdefault(group.run, {})[group.name] = {"samples": part.shape[0] if part.shape else 1}
    return FastJSON(out)


@router.get("/data/plugin/mesh/meshes", response_class=FastJSON)
def tb_meshes(run: str = Query(...), tag: str = Query(...), ctx: ServerContext = Depends(get_context)) -> FastJSON:
    """One entry per part and step, ordered by step: ``{wall_time, step, content_type, components, config,
    data_shape}``."""
    group = query.mesh_group(ctx.store, run=run, tag=tag)
    s = query.read_group(ctx.store, group)
    entries = []
    for content_type in (VERTEX, FACE, COLOR):
        part = group.parts.get(content_type)
        if part is None:
            continue
        for step, wall_time, arr in zip(s.steps.tolist(), s.wall_times.tolist(), s.part(content_type), strict=True):
            if arr is None:
                continue
            entries.append(
                {
                    "wall_time": wall_time,
                    "step": step,
                    "content_type": content_type,
                    "components": group.components,
                    "config": group.json_config,
                    "data_shape": list(part.shape) or list(arr.shape),
                }
            )
    entries.sort(key=lambda e: e["step"])
    return FastJSON(entries)


@router.get("/data/plugin/mesh/data")
def tb_data(
    run: str = Query(...),
    tag: str = Query(...),
    content_type: str = Query(..., description="VERTEX, FACE or COLOR"),
    step: int = Query(0),
    sample: int = Query(0, ge=0),
    ctx: ServerContext = Depends(get_context),
) -> Response:
    """One part of sample ``sample`` at ``step`` as raw little-endian values (float32 vertices, int32 faces, uint8
    colors), as TensorBoard serves it to its mesh viewer."""
    if content_type not in ("VERTEX", "FACE", "COLOR"):
        raise BadRequest(f"content_type must be VERTEX, FACE or COLOR, not {content_type!r}.", code="bad_parameter")
    wanted = int(ContentType.Value(content_type))
    group = query.mesh_group(ctx.store, run=run, tag=tag)
    if wanted not in group.parts:
        return Response(b"", media_type="application/octet-stream")
    s = query.read_group(ctx.store, group, step=step)
    dtype = _WIRE_TYPES[wanted]
    chunks = []
    for arr in s.part(wanted):
        if arr is None:
            continue
        if sample >= arr.shape[0]:
            raise BadRequest(f"sample {sample} is out of range: the mesh has {arr.shape[0]}.", code="bad_parameter")
        chunks.append(np.ascontiguousarray(arr[sample], dtype=dtype).tobytes())
    return Response(b"".join(chunks), media_type="application/octet-stream")
