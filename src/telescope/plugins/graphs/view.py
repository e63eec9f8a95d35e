"""The graph view's JSON: one stored graph (op graph, Keras config or run metadata) as nodes, with its problems,
the step stats of a profile laid onto its nodes, and for Keras models each layer's parameter count and output
shapes.

Sits under query (which finds the stored payloads) and above nodes, problems, profile and keras_graph (pure
functions over messages). The JSON is built once per stored payload and kept, as bytes, in a small LRU: a graph
of 20,000 nodes takes a tenth of a second or more to build and several megabytes to hold, and the dashboard asks
for the same graph again each time it is opened.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import orjson

from telescope.plugins.graphs.keras_graph import LayerDetails, keras_model_details
from telescope.plugins.graphs.metadata import parse_graph_def, parse_run_metadata
from telescope.plugins.graphs.nodes import graph_from_run_metadata, graph_nodes
from telescope.plugins.graphs.problems import check_graph
from telescope.plugins.graphs.profile import has_node_stats, node_stats
from telescope.tfrecord.proto import graph_pb2, run_metadata_pb2

__all__ = ["JsonCache", "graph_view", "graph_view_json"]


def graph_view(
    kind: str,
    data: bytes,
    *,
    profile: run_metadata_pb2.RunMetadata | None = None,
) -> dict[str, Any]:
    """The nodes, functions, producer and problems of a stored graph of ``kind`` (``op``, ``keras`` or
    ``run_metadata``), with the step stats of ``profile`` on its nodes; without ``profile``, a run metadata's own
    step stats, if it has any. Raises ValueError (or UnicodeDecodeError) when ``data`` is not what ``kind`` says."""
    details: dict[str, LayerDetails] | None = None
    merged = False
    if kind == "op":
        graph = parse_graph_def(data)
    elif kind == "keras":
        graph, details = keras_model_details(json.loads(data.decode("utf-8")))
    else:
        rm = parse_run_metadata(data)
        graph = graph_from_run_metadata(rm)
        merged = len(rm.function_graphs) > 1 or (not rm.function_graphs and len(rm.partition_graphs) > 1)
        if profile is None and has_node_stats(rm):
            profile = rm
    return _view(graph, details, profile, merged=merged)


def _stats_names(names: list[str], *, merged: bool) -> dict[str, int]:
    """The index of each node by the names step stats may give it. In a graph merged from a trace's function
    graphs (``graph_<i>/<name>``, see :func:`merge_graphs`) the stats name nodes as their own graph does: a name
    found in one graph only is that node; one found in several cannot be placed and is left out."""
    index = {name: i for i, name in enumerate(names)}
    if not merged:
        return index
    local: dict[str, int | None] = {}
    for i, name in enumerate(names):
        head, sep, rest = name.partition("/")
        if sep and head.startswith("graph_") and head[6:].isdigit():
            local[rest] = None if rest in local else i
    for rest, only in local.items():
        if only is not None and rest not in index:
            index[rest] = only
    return index


def _view(
    graph: graph_pb2.GraphDef,
    details: dict[str, LayerDetails] | None,
    profile: run_metadata_pb2.RunMetadata | None,
    *,
    merged: bool = False,
) -> dict[str, Any]:
    inputs = [list(n.input) for n in graph.node]  # read once: the check and the nodes both need them
    check = check_graph(graph, inputs)
    out = graph_nodes(graph, check.names, inputs)
    nodes: list[dict[str, Any]] = out["nodes"]
    if details is not None:
        for node, original in zip(nodes, graph.node, strict=True):
            layer = details.get(original.name)
            node["params"] = None if layer is None else layer.params
            if layer is not None and layer.output_shapes is not None:
                node["output_shapes"] = [[-1 if d is None else d for d in s] for s in layer.output_shapes]
    if profile is not None:
        index = _stats_names(check.names, merged=merged)
        for name, found in node_stats(profile, index).items():
            nodes[index[name]]["stats"] = found
    out["problems"] = check.problems
    out["problems_omitted"] = check.omitted
    return out


def graph_view_json(head: dict[str, Any], view: dict[str, Any]) -> bytes:
    """``head`` (run, tag, step...) and ``view`` as one JSON object, head first."""
    return orjson.dumps({**head, **view})


class JsonCache:
    """A small LRU of finished JSON answers, bounded in entries and in bytes (thread-safe: the server answers
    from a thread pool)."""

    def __init__(self, *, max_entries: int = 8, max_bytes: int = 128 << 20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        body = build()  # outside the lock: another graph may be asked for meanwhile
        if len(body) > self.max_bytes:
            return body
        with self._lock:
            if key not in self._items:
                self._items[key] = body
                self._size += len(body)
            while len(self._items) > self.max_entries or self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)
        return body

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
