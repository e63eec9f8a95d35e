"""HTTP routes of the graphs kind: which runs hold which graphs, one graph as JSON nodes, a profile's step stats,
and TensorBoard's graphs endpoints (``info``, ``graph`` and ``run_metadata`` as text-format protobuf)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response
from google.protobuf import text_format

from telescope.errors import BadRequest
from telescope.plugins.graphs import query
from telescope.plugins.graphs.metadata import PLUGIN_NAME, PLUGIN_NAME_KERAS_MODEL
from telescope.server.blobs import blob_url
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON
from telescope.tfrecord.proto import graph_pb2

router = APIRouter()

PBTXT = "text/x-protobuf"


@router.get("/api/graphs/runs", response_class=FastJSON)
def runs(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    by_run: dict[str, list[dict[str, Any]]] = {}
    for g in query.list_graphs(ctx.store):
        by_run.setdefault(g.run, []).append(
            {
                "tag": g.tag,
                "kind": g.kind,
                "plugin": g.plugin,
                "count": g.count,
                "step": g.newest.step,
                "wall_time": g.newest.wall_time,
                "node_count": g.newest.meta.get("node_count"),
                "op_graph": g.has_op_graph,
                "conceptual_graph": g.kind == "keras",
                "profile": g.has_profile,
                "url": blob_url(g.newest),
            }
        )
    return FastJSON({"runs": [{"run": run, "graphs": graphs} for run, graphs in by_run.items()]})


@router.get("/api/graphs/graph")
def graph(
    run: str = Query(...),
    tag: str | None = Query(None, description="the graph's tag; the run's op graph (__run_graph__) if omitted"),
    step: int | None = Query(None, description="the graph written at this step; the newest if omitted"),
    profile: str | None = Query(None, description="a profile tag of the run whose step stats go onto the nodes"),
    accept_encoding: str = Header(""),
    ctx: ServerContext = Depends(get_context),
) -> Response:
    # A large graph's JSON is megabytes of repeated scope names: send it gzipped to clients that take it.
    gzip = "gzip" in accept_encoding.lower()
    body = query.read_graph_json(ctx.store, run=run, tag=tag, step=step, profile=profile, gzip=gzip)
    headers = {"Vary": "Accept-Encoding"}
    if gzip:
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)


@router.get("/api/graphs/step_stats", response_class=FastJSON)
def step_stats(
    run: str = Query(...),
    tag: str = Query(...),
    step: int | None = Query(None),
    ctx: ServerContext = Depends(get_context),
) -> FastJSON:
    rm = query.read_run_metadata(ctx.store, run=run, tag=tag, step=step)
    return FastJSON({"run": run, "tag": tag, "devices": query.step_stats(rm)})


# -- TensorBoard-compatible endpoints ---------------------------------------------------------------------------


@router.get("/data/plugin/graphs/info", response_class=FastJSON)
def tb_info(ctx: ServerContext = Depends(get_context)) -> FastJSON:
    return FastJSON(query.tensorboard_info(ctx.store))


def _limit_attrs(graph_def: graph_pb2.GraphDef, limit: int | None, key: str | None) -> None:
    """Drop attributes larger than ``limit`` bytes, naming them in attribute ``key`` (TensorBoard's option)."""
    if limit is None:
        return
    if key is None:
        raise BadRequest("large_attrs_key is required with limit_attr_size.", code="bad_parameter")
    if limit <= 0:
        raise BadRequest(f"limit_attr_size must be > 0, not {limit}.", code="bad_parameter")
    for node in graph_def.node:
        for name in list(node.attr):
            if node.attr[name].ByteSize() > limit:
                del node.attr[name]
                node.attr[key].list.s.append(name.encode("utf-8"))


@router.get("/data/plugin/graphs/graph")
def tb_graph(
    run: str = Query(...),
    tag: str | None = Query(None),
    conceptual: str = Query("false"),
    limit_attr_size: int | None = Query(None),
    large_attrs_key: str | None = Query(None),
    ctx: ServerContext = Depends(get_context),
) -> Response:
    if conceptual == "true":
        plugins: tuple[str, ...] = (PLUGIN_NAME_KERAS_MODEL,)
    elif tag is None:
        plugins = (PLUGIN_NAME,)
    else:
        plugins = query.TRACE_PLUGINS
    _, _, graph_def = query.read_graph(ctx.store, run=run, tag=tag, plugins=plugins)
    _limit_attrs(graph_def, limit_attr_size, large_attrs_key)
    return Response(text_format.MessageToString(graph_def), media_type=PBTXT)


@router.get("/data/plugin/graphs/run_metadata")
def tb_run_metadata(
    run: str = Query(...), tag: str = Query(...), ctx: ServerContext = Depends(get_context)
) -> Response:
    rm = query.read_run_metadata(ctx.store, run=run, tag=tag)
    return Response(text_format.MessageToString(rm), media_type=PBTXT)
