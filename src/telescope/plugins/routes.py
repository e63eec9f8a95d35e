"""Route helpers shared by the kinds' ``routes.py`` (server stage: parse, call the kind's query, answer JSON).

* ``/api/<kind>/tags``: :func:`add_tags_route` registers it with its one parameter, ``run`` (repeated; all runs
  when omitted; NotFound for a run the logdir does not hold). Kinds with one series per (run, tag) register it
  with :func:`add_series_tags_route`, which answers :func:`tags_by_name`: each tag once, with the runs holding it.
* ``/data/plugin/<kind>/tags``: :func:`tensorboard_tags` answers as TensorBoard does.
* Kinds answering a whole series as columns start the answer with :func:`series_columns`.
* Kinds that write several blob items per step (images, audio): :func:`add_blob_item_routes` registers their tag
  listing, the route giving every step of a series with its items' URLs, and TensorBoard's tag listing;
  :func:`add_individual_blob_route` registers TensorBoard's route serving one item by the ``blob_key`` its
  endpoints hand out (:func:`blob_id_of` reads one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from telescope.errors import BadRequest
from telescope.plugins.blob_items import BlobSeries, BlobTag
from telescope.plugins.series import check_runs
from telescope.query import BlobInfo
from telescope.server.blobs import blob_url, get_blob
from telescope.server.context import ServerContext
from telescope.server.deps import get_context
from telescope.server.jsonutil import FastJSON
from telescope.server.markdown import render_markdown
from telescope.store import SeriesRow, Store

__all__ = [
    "add_blob_item_routes",
    "add_individual_blob_route",
    "add_series_tags_route",
    "add_tags_route",
    "blob_id_of",
    "series_columns",
    "tags_by_name",
    "tensorboard_tags",
]


class Described(Protocol):
    """What a tag listing shows of a series."""

    @property
    def run(self) -> str: ...
    @property
    def tag(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def description(self) -> str: ...


class Columns(Protocol):
    """A series read as columns: one step and wall time per value."""

    @property
    def run(self) -> str: ...
    @property
    def tag(self) -> str: ...
    @property
    def steps(self) -> npt.NDArray[np.int64]: ...
    @property
    def wall_times(self) -> npt.NDArray[np.float64]: ...


def series_columns(s: Columns) -> dict[str, Any]:
    """``{"run", "tag", "steps", "wall_times"}`` of a series answered as columns, the steps and wall times as
    contiguous int64 and float64 arrays (written whole by ``FastJSON``); the kind adds its own columns after."""
    return {
        "run": s.run,
        "tag": s.tag,
        "steps": np.ascontiguousarray(s.steps, dtype=np.int64),
        "wall_times": np.ascontiguousarray(s.wall_times, dtype=np.float64),
    }


def add_tags_route(
    router: APIRouter,
    kind: str,
    answer: Callable[[Store, Sequence[str] | None], Any],
    *,
    description: str | None = None,
) -> None:
    """Register ``GET /api/<kind>/tags``: ``answer(store, runs)`` once the runs asked for are known to exist
    (``runs`` is None when none were asked for)."""

    def tags(
        run: list[str] | None = Query(None, description="runs (repeat); all runs if omitted"),
        ctx: ServerContext = Depends(get_context),
    ) -> FastJSON:
        if run:
            check_runs(ctx.store, run)
        return FastJSON(answer(ctx.store, run or None))

    router.add_api_route(f"/api/{kind}/tags", tags, methods=["GET"], response_class=FastJSON, description=description)


def add_series_tags_route(router: APIRouter, kind: str, rows_of: Callable[[Store], Iterable[SeriesRow]]) -> None:
    """Register ``GET /api/<kind>/tags`` answering :func:`tags_by_name` of the series ``rows_of(store)`` gives."""
    add_tags_route(router, kind, lambda store, runs: tags_by_name(kind, rows_of(store), runs))


def tags_by_name(kind: str, rows: Iterable[SeriesRow], runs: Sequence[str] | None) -> dict[str, Any]:
    """``{"kind", "tags": [{"tag", "runs", "display_name", "description"}, …]}``: each tag of ``rows`` (of ``runs``
    when given) once, in the order of ``rows``, with the runs holding it."""
    if runs:
        wanted = set(runs)
        rows = [s for s in rows if s.run in wanted]
    by_tag: dict[str, dict[str, Any]] = {}
    for s in rows:
        entry = by_tag.setdefault(
            s.tag, {"tag": s.tag, "runs": [], "display_name": s.display_name, "description": s.description}
        )
        entry["runs"].append(s.run)
    return {"kind": kind, "tags": list(by_tag.values())}


def tensorboard_tags(
    found: Iterable[Described], extra: Callable[[Any], dict[str, Any]] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """TensorBoard's ``{run: {tag: {"displayName", "description" (rendered Markdown)}}}``, plus what ``extra``
    gives for each."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for s in found:
        entry: dict[str, Any] = {"displayName": s.display_name, "description": render_markdown(s.description)}
        if extra is not None:
            entry.update(extra(s))
        out.setdefault(s.run, {})[s.tag] = entry
    return out


def blob_id_of(blob_key: str) -> int:
    """The blob id in a ``blob_key`` this server handed out."""
    if not blob_key.isdigit():
        raise BadRequest(f"blob_key {blob_key[:40]!r} is not one this server handed out.", code="bad_parameter")
    return int(blob_key)


def _blob_tags(found: list[BlobTag], runs: Sequence[str] | None) -> dict[str, Any]:
    if runs:
        wanted = set(runs)
        found = [t for t in found if t.run in wanted]
    return {
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


def add_blob_item_routes(
    router: APIRouter,
    kind: str,
    *,
    read_tags: Callable[[Store], list[BlobTag]],
    read_series: Callable[..., BlobSeries[Any]],
    item_meta: Mapping[str, Any],
) -> None:
    """Register the routes every blob-item kind has: ``/api/<kind>/tags`` (each run's tags with how many steps
    and items per step they hold), ``/api/<kind>`` (every step of one series in a step window) and TensorBoard's
    ``/data/plugin/<kind>/tags``.

    Each item is answered as its ``index``, then the kind's ``item_meta`` fields of its recorded metadata (in that
    order, the given default where one is missing), then its ``length`` and ``url``."""
    add_tags_route(router, kind, lambda store, runs: _blob_tags(read_tags(store), runs))

    def item_json(info: BlobInfo) -> dict[str, Any]:
        meta = info.meta
        fields = {name: meta.get(name, default) for name, default in item_meta.items()}
        return {"index": info.index, **fields, "length": info.length, "url": blob_url(info)}

    def series(
        run: str = Query(...),
        tag: str = Query(...),
        min_step: int | None = Query(None),
        max_step: int | None = Query(None),
        ctx: ServerContext = Depends(get_context),
    ) -> FastJSON:
        found = read_series(ctx.store, run=run, tag=tag, min_step=min_step, max_step=max_step)
        return FastJSON(
            {
                "run": found.run,
                "tag": found.tag,
                "display_name": found.display_name,
                "description": found.description,
                "steps": [
                    {"step": s.step, "wall_time": s.wall_time, "items": [item_json(i) for i in s.items]}
                    for s in found.steps
                ],
            }
        )

    def tb_tags(ctx: ServerContext = Depends(get_context)) -> FastJSON:
        return FastJSON(tensorboard_tags(read_tags(ctx.store), lambda t: {"samples": t.samples}))

    router.add_api_route(f"/api/{kind}", series, methods=["GET"], response_class=FastJSON, name=kind)
    router.add_api_route(f"/data/plugin/{kind}/tags", tb_tags, methods=["GET"], response_class=FastJSON)


def add_individual_blob_route(router: APIRouter, path: str, *, name: str, content_type_note: str | None = None) -> None:
    """Register TensorBoard's ``GET <path>?blob_key=…``: the item a ``blob_key`` names, served as the core blob
    route serves it. With ``content_type_note`` (its description) the route also takes a ``content_type``
    parameter, as TensorBoard's audio URLs carry one, and ignores it: the item's own type is served."""

    def individual(request: Request, blob_key: str = Query(...), ctx: ServerContext = Depends(get_context)) -> Response:
        return get_blob(blob_id_of(blob_key), request, ctx)

    def ignored_content_type(content_type: str | None = Query(None, description=content_type_note)) -> None:
        pass

    # A parameter-only dependency adds ``content_type`` after ``blob_key`` in the API schema, as a parameter of
    # the route itself would.
    dependencies = [Depends(ignored_content_type)] if content_type_note is not None else None
    router.add_api_route(path, individual, methods=["GET"], name=name, dependencies=dependencies)
