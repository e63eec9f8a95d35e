"""Decoding graph values into blob items (docs/event-format §8): op graphs, Keras model configs and run metadata.

Every graph value holds one serialized payload in a string tensor (rank 0, or ``[1]``): a ``GraphDef``
(``Event.graph_def``, tag ``__run_graph__``), a Keras model's JSON config (``graph_keras_model``), or a
``RunMetadata`` (TF2 traces, ``graph_run_metadata``/``graph_run_metadata_graph``, and
``Event.tagged_run_metadata``). The bytes are kept as they are, after a cheap check that they parse; ``meta``
says what they are (``kind`` = ``op``, ``keras`` or ``run_metadata``), how many nodes they hold and their
``content_type``. Anything that does not parse raises ``ValueError``: the ingester reports it with the file and
offset and reads on.
"""

from __future__ import annotations

import json
from typing import Any

from telescope.plugins.base import BlobItem
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
from telescope.tfrecord.proto import summary_pb2, types_pb2

__all__ = ["DATA_NAMES", "PLUGIN_NAME", "count_keras_layers", "decode", "graph_kind"]

DATA_NAMES = (
    PLUGIN_NAME,
    PLUGIN_NAME_RUN_METADATA,
    PLUGIN_NAME_RUN_METADATA_WITH_GRAPH,
    PLUGIN_NAME_KERAS_MODEL,
    PLUGIN_NAME_TAGGED_RUN_METADATA,
)

_KIND_BY_PLUGIN = {
    PLUGIN_NAME: "op",
    PLUGIN_NAME_KERAS_MODEL: "keras",
    PLUGIN_NAME_RUN_METADATA: "run_metadata",
    PLUGIN_NAME_RUN_METADATA_WITH_GRAPH: "run_metadata",
    PLUGIN_NAME_TAGGED_RUN_METADATA: "run_metadata",
}

PROTOBUF = "application/x-protobuf"


def graph_kind(plugin_name: str) -> str:
    """``op``, ``keras`` or ``run_metadata`` for a plugin name of :data:`DATA_NAMES` (``op`` otherwise)."""
    return _KIND_BY_PLUGIN.get(plugin_name, "op")


def decode(value: summary_pb2.Summary.Value) -> list[BlobItem]:
    """The one payload of a graph value, checked to parse, with what it is (ValueError when it does not)."""
    data = _payload(value)
    plugin = value.metadata.plugin_data.plugin_name
    if plugin in _KIND_BY_PLUGIN:
        kind = _KIND_BY_PLUGIN[plugin]
    elif value.tag == RUN_GRAPH_TAG:
        kind = "op"
    else:
        # TF1 writers keep metadata on a tag's first value only: tell a later value's payload by its first byte.
        kind = "keras" if data.lstrip()[:1] == b"{" else "run_metadata"
    meta: dict[str, Any] = {"kind": kind}
    if plugin:
        meta["plugin"] = plugin
    if kind == "op":
        graph = parse_graph_def(data)
        meta.update(content_type=PROTOBUF, node_count=len(graph.node), function_count=len(graph.library.function))
    elif kind == "keras":
        config = _keras_config(data)
        meta.update(
            content_type="application/json",
            node_count=count_keras_layers(config),
            class_name=str(config.get("class_name", "")),
        )
        if isinstance(config.get("keras_version"), str):
            meta["keras_version"] = config["keras_version"]
    else:
        rm = parse_run_metadata(data)
        # The nodes of the graph a viewer shows: the function graphs, or else the partition graphs.
        nodes = sum(len(g.pre_optimization_graph.node) for g in rm.function_graphs)
        if not rm.function_graphs:
            nodes = sum(len(g.node) for g in rm.partition_graphs)
        meta.update(
            content_type=PROTOBUF,
            node_count=nodes,
            function_graphs=len(rm.function_graphs),
            devices=len(rm.step_stats.dev_stats),
            node_stats=sum(len(d.node_stats) for d in rm.step_stats.dev_stats),
        )
    return [BlobItem(data, meta)]


def _payload(value: summary_pb2.Summary.Value) -> bytes:
    which = value.WhichOneof("value")
    if which != "tensor":
        raise ValueError(f"a graph value must hold a string tensor, not {which or 'nothing'}")
    tensor = value.tensor
    if tensor.dtype != types_pb2.DT_STRING:
        raise ValueError(f"a graph tensor must be DT_STRING, not dtype {tensor.dtype}")
    dims = [d.size for d in tensor.tensor_shape.dim]
    if dims not in ([], [1]) or len(tensor.string_val) != 1:
        raise ValueError(f"a graph tensor must hold one string, not shape {dims} with {len(tensor.string_val)}")
    data = bytes(tensor.string_val[0])
    if not data:
        raise ValueError("the graph payload is empty")
    return data


def _keras_config(data: bytes) -> dict[str, Any]:
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"the Keras model config is not JSON: {e}") from None
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise ValueError("the Keras model config is not a model: it has no 'config' object")
    return config


def count_keras_layers(model: dict[str, Any]) -> int:
    """How many layers (not counting models, counting the layers inside nested models) a model config has."""
    layers = model.get("config", {}).get("layers") if isinstance(model.get("config"), dict) else None
    if not isinstance(layers, list):
        return 1
    return sum(count_keras_layers(layer) for layer in layers if isinstance(layer, dict))
