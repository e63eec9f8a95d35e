"""Pure read functions for the graphs kind (no HTTP): which runs hold which graphs, one graph as a ``GraphDef``
(an op graph, a Keras model's conceptual graph, or the merged function graphs of a trace), the step stats of a
profile, and every graph as a DataFrame.

A (run, tag) may hold several graphs (one per step written); the newest is the one shown unless a step is asked
for, as TensorBoard does.
"""

from __future__ import annotations

import gzip as gzip_module
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telescope.errors import BadRequest, NotFound
from telescope.plugins.blob_items import read_blob_frame
from telescope.plugins.graphs.decode import DATA_NAMES, graph_kind
from telescope.plugins.graphs.keras_graph import keras_model_to_graph_def
from telescope.plugins.graphs.metadata import (
    PLUGIN_NAME,
    PLUGIN_NAME_KERAS_MODEL,
    PLUGIN_NAME_RUN_METADATA,
    PLUGIN_NAME_RUN_METADATA_WITH_GRAPH,
    PLUGIN_NAME_TAGGED_RUN_METADATA,
    RUN_GRAPH_TAG,
    parse_graph_def,
    parse_run_metadata,
)
from telescope.plugins.graphs.nodes import graph_from_run_metadata
from telescope.plugins.graphs.view import JsonCache, graph_view, graph_view_json
from telescope.plugins.series import raise_unknown
from telescope.query import BlobInfo, list_blobs_many, read_blob
from telescope.store import SeriesRow, Store
from telescope.tfrecord.proto import graph_pb2, run_metadata_pb2

if TYPE_CHECKING:
    import pandas as pd

PROFILE_PLUGINS = (PLUGIN_NAME_TAGGED_RUN_METADATA, PLUGIN_NAME_RUN_METADATA)
TRACE_PLUGINS = (PLUGIN_NAME_RUN_METADATA, PLUGIN_NAME_RUN_METADATA_WITH_GRAPH)


@dataclass(frozen=True)
class GraphEntry:
    """One graph series: its newest item, and how many it holds."""

    run: str
    tag: str
    plugin: str
    kind: str  # "op" | "keras" | "run_metadata"
    count: int
    newest: BlobInfo

    @property
    def has_profile(self) -> bool:
        """Whether the graph comes with step stats (compute time and memory per node)."""
        return self.plugin in PROFILE_PLUGINS

    @property
    def has_op_graph(self) -> bool:
        return self.plugin in (PLUGIN_NAME, *TRACE_PLUGINS)


def graph_series_rows(store: Store, *, run: str | None = None, tag: str | None = None) -> list[SeriesRow]:
    """The graph series of every graph plugin name, ordered by run then tag."""
    rows = [r for name in DATA_NAMES for r in store.list_series(plugin=name, run=run, tag=tag)]
    return sorted((r for r in rows if r.storage_class == "blobs"), key=lambda r: (r.run, r.tag))


def list_graphs(store: Store) -> list[GraphEntry]:
    """Every graph series of the logdir with its newest graph."""
    rows = graph_series_rows(store)
    out = []
    for row, items in zip(rows, list_blobs_many(store, rows), strict=True):
        if items:
            out.append(GraphEntry(row.run, row.tag, row.plugin, graph_kind(row.plugin), len(items), items[-1]))
    return out


def tensorboard_info(store: Store) -> dict[str, dict[str, Any]]:
    """What TensorBoard's ``/data/plugin/graphs/info`` says: per run, its run graph and tagged graphs."""
    out: dict[str, dict[str, Any]] = {}
    for g in list_graphs(store):
        run = out.setdefault(g.run, {"run": g.run, "tags": {}, "run_graph": False})
        if g.plugin == PLUGIN_NAME:
            if g.tag == RUN_GRAPH_TAG:
                run["run_graph"] = True
            continue
        item = run["tags"].setdefault(
            g.tag, {"tag": g.tag, "conceptual_graph": False, "op_graph": False, "profile": False}
        )
        if g.plugin == PLUGIN_NAME_KERAS_MODEL:
            item["conceptual_graph"] = True
        if g.plugin in TRACE_PLUGINS:
            item["op_graph"] = True
        if g.has_profile:
            item["profile"] = True
    return out


def find_graph(
    store: Store, *, run: str, tag: str | None = None, step: int | None = None, plugins: Collection[str] = DATA_NAMES
) -> tuple[GraphEntry, BlobInfo]:
    """The series ``tag`` of ``run`` (the run's op graph when None) among ``plugins``, and its newest item (or
    the one at ``step``). NotFound says what is missing."""
    wanted = tag if tag is not None else RUN_GRAPH_TAG
    rows = [r for r in graph_series_rows(store, run=run, tag=wanted) if r.plugin in plugins]
    if not rows:
        what = "op graph" if tag is None else f"graph tagged {tag!r}"
        raise_unknown(store, run=run, message=f"Run {run!r} has no {what}.")
    (row,) = rows
    (items,) = list_blobs_many(store, [row])
    if not items:
        raise NotFound(f"Run {run!r} has no graph tagged {wanted!r}.", code="unknown_tag")
    entry = GraphEntry(row.run, row.tag, row.plugin, graph_kind(row.plugin), len(items), items[-1])
    if step is None:
        return entry, items[-1]
    at = [i for i in items if i.step == step]
    if not at:
        steps = ", ".join(str(i.step) for i in items[:20])
        raise NotFound(f"No graph at step {step} for {run!r} {wanted!r}; steps: {steps}.", code="unknown_step")
    return entry, at[-1]


def graph_of(entry: GraphEntry, data: bytes) -> graph_pb2.GraphDef:
    """The ``GraphDef`` to show for one stored graph item."""
    try:
        if entry.kind == "op":
            return parse_graph_def(data)
        if entry.kind == "keras":
            return keras_model_to_graph_def(json.loads(data.decode("utf-8")))
        return graph_from_run_metadata(parse_run_metadata(data))
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(
            f"the stored graph of {entry.run!r} {entry.tag!r} cannot be read: {e}", code="bad_graph"
        ) from e


def read_graph(
    store: Store, *, run: str, tag: str | None = None, step: int | None = None, plugins: Collection[str] = DATA_NAMES
) -> tuple[GraphEntry, BlobInfo, graph_pb2.GraphDef]:
    """One graph as a ``GraphDef``: the run's op graph (``tag`` None), or the graph of series ``tag``."""
    entry, info = find_graph(store, run=run, tag=tag, step=step, plugins=plugins)
    return entry, info, graph_of(entry, read_blob(store, info.id))


_VIEWS = JsonCache()


def profile_tags(store: Store, *, run: str) -> list[str]:
    """The run's profiles whose step stats time some node: the tags whose stats can be laid onto a graph."""
    rows = [r for r in graph_series_rows(store, run=run) if r.plugin in PROFILE_PLUGINS]
    tags = []
    for row, items in zip(rows, list_blobs_many(store, rows), strict=True):
        if items and int(items[-1].meta.get("node_stats", 0)) > 0:
            tags.append(row.tag)
    return sorted(set(tags))


def read_graph_json(
    store: Store,
    *,
    run: str,
    tag: str | None = None,
    step: int | None = None,
    profile: str | None = None,
    gzip: bool = False,
) -> bytes:
    """The graph view of one graph as JSON bytes (see http_api.md, ``GET /api/graphs/graph``): the run's op graph
    when ``tag`` is None, with the step stats of the run's profile ``profile`` on its nodes when given; gzipped
    when ``gzip``. Answers are kept per stored payload, so asking again costs a lookup."""
    entry, info = find_graph(store, run=run, tag=tag, step=step)
    profile_info = None
    if profile is not None:
        _, profile_info = find_graph(store, run=run, tag=profile, plugins=PROFILE_PLUGINS)
    if profile is not None:
        stats_tag: str | None = profile
    elif entry.kind == "run_metadata" and int(info.meta.get("node_stats", 0)) > 0:
        stats_tag = entry.tag
    else:
        stats_tag = None
    head = {
        "run": entry.run,
        "tag": entry.tag,
        "kind": entry.kind,
        "step": info.step,
        "wall_time": info.wall_time,
        "profile": entry.has_profile,
        "profile_tags": profile_tags(store, run=run),
        "stats_tag": stats_tag,
    }

    def build() -> bytes:
        rm = None
        if profile_info is not None:
            try:
                rm = parse_run_metadata(read_blob(store, profile_info.id))
            except ValueError as e:
                raise BadRequest(
                    f"the stored run metadata of {run!r} {profile!r} cannot be read: {e}", code="bad_graph"
                ) from e
        try:
            view = graph_view(entry.kind, read_blob(store, info.id), profile=rm)
        except (ValueError, UnicodeDecodeError) as e:
            raise BadRequest(
                f"the stored graph of {entry.run!r} {entry.tag!r} cannot be read: {e}", code="bad_graph"
            ) from e
        return graph_view_json(head, view)

    profile_key = None if profile_info is None else (profile_info.id, profile_info.key)
    # The payloads' ids and content keys, and everything the answer says besides the view: ids repeat across
    # indexes, but not with the same content and head.
    key = (info.id, info.key, entry.plugin, repr(head), profile_key)
    if gzip:
        # Level 1: a sixteenth of the size (graph JSON repeats its scopes) for a few tens of milliseconds, once.
        return _VIEWS.get_or_build(
            (*key, "gzip"), lambda: gzip_module.compress(_VIEWS.get_or_build(key, build), 1, mtime=0)
        )
    return _VIEWS.get_or_build(key, build)


def read_run_metadata(
    store: Store, *, run: str, tag: str, step: int | None = None, plugins: Collection[str] = PROFILE_PLUGINS
) -> run_metadata_pb2.RunMetadata:
    """The ``RunMetadata`` (profile) of series ``tag``."""
    _, info = find_graph(store, run=run, tag=tag, step=step, plugins=plugins)
    try:
        return parse_run_metadata(read_blob(store, info.id))
    except ValueError as e:
        raise BadRequest(f"the stored run metadata of {run!r} {tag!r} cannot be read: {e}", code="bad_graph") from e


def step_stats(rm: run_metadata_pb2.RunMetadata) -> list[dict[str, Any]]:
    """Per device, the compute times (microseconds) and memory (bytes) of each node that ran."""
    devices = []
    for dev in rm.step_stats.dev_stats:
        nodes = []
        for n in dev.node_stats:
            nodes.append(
                {
                    "name": n.node_name,
                    "start_micros": n.all_start_micros,
                    "op_start_rel_micros": n.op_start_rel_micros,
                    "op_end_rel_micros": n.op_end_rel_micros,
                    "all_end_rel_micros": n.all_end_rel_micros,
                    "memory_bytes": sum(m.total_bytes for m in n.memory),
                    "peak_bytes": max((m.peak_bytes for m in n.memory), default=0),
                    "outputs": len(n.output),
                    "timeline_label": n.timeline_label,
                }
            )
        devices.append({"device": dev.device, "nodes": nodes})
    return devices


def read_frame(store: Store, **options: Any) -> pd.DataFrame:
    """Every stored graph, one row each: ``run, tag, step, wall_time, kind, data``."""
    if options:
        raise TypeError(f"read_graphs takes no options {sorted(options)}")
    return read_blob_frame(
        store,
        graph_series_rows(store),
        columns=("kind",),
        values=lambda row, info: (graph_kind(row.plugin),),
        dtypes={},
    )
