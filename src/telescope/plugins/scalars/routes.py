"""HTTP routes of the scalars kind: series for charts, exact exports, and TensorBoard's scalars endpoints."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import orjson
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from telescope.errors import BadRequest
from telescope.plugins.scalars import query
from telescope.query.scalars import ScalarSeries, read_scalar_series
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON, float_list, json_number
from telescope.server.markdown import render_markdown

router = APIRouter()

DEFAULT_POINTS = 1000
MAX_POINTS = 200_000


def _series_json(s: ScalarSeries, *, with_hidden: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "run": s.run,
        "steps": np.ascontiguousarray(s.steps, dtype=np.int64),
        "wall_times": np.ascontiguousarray(s.wall_times, dtype=np.float64),
        "values": float_list(s.values),
        "total": s.total,
        "downsampled": s.downsampled,
    }
    if with_hidden:
        out["hidden"] = np.ascontiguousarray(s.hidden, dtype=np.bool_)
    return out


# The answer for one tag is written out a piece at a time, a piece being at least this many bytes: one tag across a
# thousand runs is tens of MB of JSON, which would otherwise be held whole, twice (the body and the socket's
# buffer), beside every run's points.
STREAM_PIECE_BYTES = 1 << 20


@router.get("/api/scalars", response_class=StreamingResponse)
def scalars(
    tag: str = Query(..., description="the tag"),
    run: list[str] | None = Query(None, description="runs (repeat); all runs holding the tag if omitted"),
    min_step: int | None = Query(None),
    max_step: int | None = Query(None),
    points: int = Query(DEFAULT_POINTS, ge=4, le=MAX_POINTS, description="point budget per run"),
    hidden: bool = Query(False, description="include points hidden by a restart (flagged in `hidden`)"),
    ctx: ServerContext = Depends(get_context),
) -> StreamingResponse:
    # Raises here, before the answer starts, for bad parameters and unknown runs or tags.
    series = query.iter_tag(
        ctx.store,
        tag=tag,
        runs=run,
        min_step=min_step,
        max_step=max_step,
        max_points=points,
        include_hidden=hidden,
    )

    def body() -> Iterator[bytes]:
        piece = [b'{"tag":', orjson.dumps(tag), b',"series":[']
        size = 0
        for i, s in enumerate(series):
            item = orjson.dumps(_series_json(s, with_hidden=hidden), option=orjson.OPT_SERIALIZE_NUMPY)
            piece.append(item if i == 0 else b"," + item)
            size += len(item)
            if size >= STREAM_PIECE_BYTES:
                yield b"".join(piece)
                piece, size = [], 0
        piece.append(b"]}")
        yield b"".join(piece)

    return StreamingResponse(body(), media_type="application/json")


def _safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80] or "scalars"


def _csv_number(v: float) -> str:
    return repr(v) if v == v and v not in (float("inf"), float("-inf")) else str(v)


@router.get("/api/scalars/export")
def export(
    tag: str = Query(...),
    run: list[str] | None = Query(None),
    format: str = Query("csv", description="csv or json"),
    hidden: bool = Query(False),
    ctx: ServerContext = Depends(get_context),
) -> StreamingResponse:
    """Every point of one tag (in the given runs, or all), exact."""
    if format not in ("csv", "json"):
        raise BadRequest(f"format must be csv or json, not {format!r}.", code="bad_parameter")
    rows = query.scalar_series_rows(ctx.store, tag=tag, runs=run)
    store = ctx.store
    name = _safe_filename(tag if not run or len(run) > 1 else f"{run[0]}_{tag}")

    def csv_lines() -> Iterator[str]:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["run", "tag", "step", "wall_time", "value", *(["hidden"] if hidden else [])])
        yield buf.getvalue()
        for row in rows:
            s = read_scalar_series(store, row, include_hidden=hidden)
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            for i, (step, wall, value) in enumerate(
                zip(s.steps.tolist(), s.wall_times.tolist(), s.values.tolist(), strict=True)
            ):
                rec = [s.run, s.tag, step, repr(wall), _csv_number(value)]
                if hidden:
                    rec.append(int(s.hidden[i]))
                w.writerow(rec)
            yield buf.getvalue()

    def json_chunks() -> Iterator[str]:
        yield '{"tag":' + json.dumps(tag, ensure_ascii=False) + ',"series":['
        for i, row in enumerate(rows):
            s = read_scalar_series(store, row, include_hidden=hidden)
            body = _series_json(s, with_hidden=hidden)
            del body["downsampled"]
            yield ("," if i else "") + orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY).decode()
        yield "]}"

    media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
    return StreamingResponse(
        csv_lines() if format == "csv" else json_chunks(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'},
    )


# -- TensorBoard-compatible endpoints (no sampling: every point) ------------------------------------------


@router.get("/data/plugin/scalars/tags", response_class=FastJSON)
def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for s in query.scalar_series_rows(ctx.store):
        out.setdefault(s.run, {})[s.tag] = {
            "displayName": s.display_name,
            "description": render_markdown(s.description),
        }
    return FastJSON(out)


@router.get("/data/plugin/scalars/scalars")
def tb_scalars(
    run: str = Query(...),
    tag: str = Query(...),
    format: str = Query("json"),
    ctx: ServerContext = Depends(get_context),
) -> Any:
    if format not in ("json", "csv"):
        raise BadRequest(f"format must be json or csv, not {format!r}.", code="bad_parameter")
    (s,) = query.iter_tag(ctx.store, tag=tag, runs=[run])
    rows = zip(s.wall_times.tolist(), s.steps.tolist(), s.values.tolist(), strict=True)
    if format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["Wall time", "Step", "Value"])
        w.writerows(rows)
        return StreamingResponse(
            iter([buf.getvalue()]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{_safe_filename(run + "_" + tag)}.csv"'},
        )
    return FastJSON([[w, st, json_number(v)] for w, st, v in rows])
