"""Decoding graph values (op graphs, Keras configs, run metadata) with malformed ones rejected with a reason,
the Keras conceptual graph in both Keras shapes, and merging a trace's function graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from telescope.ingest import Ingester
from telescope.plugins.graphs.decode import decode
from telescope.plugins.graphs.keras_graph import keras_model_to_graph_def
from telescope.plugins.graphs.nodes import attr_summary, graph_from_run_metadata, graph_nodes, merge_graphs
from telescope.plugins.graphs.query import list_graphs, read_graph
from telescope.store import Store
from telescope.tfrecord.proto import (
    event_pb2,
    graph_pb2,
    run_metadata_pb2,
    summary_pb2,
    tensor_pb2,
    tensor_shape_pb2,
    types_pb2,
)
from tests.helpers import version_event, write_events


def string_value(tag: str, plugin: str, *payloads: bytes, shape: list[int] | None = None) -> summary_pb2.Summary.Value:
    value = summary_pb2.Summary.Value(
        tag=tag,
        tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=list(payloads)),
    )
    if plugin:
        value.metadata.plugin_data.plugin_name = plugin
        value.metadata.plugin_data.content = b"1"
    for d in shape or []:
        value.tensor.tensor_shape.dim.add(size=d)
    return value


def small_graph() -> graph_pb2.GraphDef:
    g = graph_pb2.GraphDef(
        node=[
            graph_pb2.NodeDef(name="x", op="Placeholder"),
            graph_pb2.NodeDef(name="scope/y", op="Relu", input=["x"], device="/device:CPU:0"),
        ]
    )
    g.library.function.add().signature.name = "f"
    return g


def test_op_graph() -> None:
    data = small_graph().SerializeToString()
    (item,) = decode(string_value("__run_graph__", "graphs", data))
    assert item.data == data
    assert item.meta == {
        "kind": "op",
        "plugin": "graphs",
        "content_type": "application/x-protobuf",
        "node_count": 2,
        "function_count": 1,
    }


def test_keras_config_and_run_metadata() -> None:
    config = {
        "class_name": "Sequential",
        "config": {"name": "m", "layers": [{"class_name": "Dense", "config": {}}] * 3},
    }
    (keras,) = decode(string_value("keras", "graph_keras_model", json.dumps(config).encode()))
    assert keras.meta["kind"] == "keras" and keras.meta["node_count"] == 3 and keras.meta["class_name"] == "Sequential"
    assert keras.meta["content_type"] == "application/json"
    rm = run_metadata_pb2.RunMetadata(
        function_graphs=[run_metadata_pb2.RunMetadata.FunctionGraphs(pre_optimization_graph=small_graph())],
        partition_graphs=[small_graph()],
        step_stats=run_metadata_pb2.StepStats(
            dev_stats=[run_metadata_pb2.DeviceStepStats(device="cpu", node_stats=[run_metadata_pb2.NodeExecStats()])]
        ),
    )
    (profile,) = decode(string_value("trace", "graph_run_metadata", rm.SerializeToString(), shape=[1]))
    assert profile.meta["kind"] == "run_metadata"
    assert (profile.meta["node_count"], profile.meta["devices"], profile.meta["node_stats"]) == (2, 1, 1)


def test_a_value_whose_metadata_was_stripped_is_told_by_its_payload() -> None:
    # TF1 writers keep metadata on the first value of a tag only.
    (keras,) = decode(string_value("keras", "", b' {"class_name": "Model", "config": {"name": "m"}}'))
    assert keras.meta["kind"] == "keras"
    (graph,) = decode(string_value("__run_graph__", "", small_graph().SerializeToString()))
    assert graph.meta["kind"] == "op"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (string_value("__run_graph__", "graphs", b"\xff\xff\xff\xff"), "not a serialized GraphDef"),
        (string_value("keras", "graph_keras_model", b"{not json"), "not JSON"),
        (string_value("keras", "graph_keras_model", b"[1, 2]"), "no 'config' object"),
        (string_value("keras", "graph_keras_model", b"\xff\xfe"), "not JSON"),
        (string_value("t", "graph_run_metadata", b"\x0a\xff\xff\xff\xff\x0f"), "not a serialized RunMetadata"),
        (string_value("t", "graph_run_metadata", b"a", b"b", shape=[2]), "must hold one string"),
        (string_value("t", "graph_run_metadata", b""), "empty"),
        (
            summary_pb2.Summary.Value(tag="t", tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1])),
            "must be DT_STRING",
        ),
        (summary_pb2.Summary.Value(tag="t", simple_value=1.0), "not simple_value"),
    ],
)
def test_malformed_values_are_rejected_with_a_reason(value: summary_pb2.Summary.Value, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(value)


def test_bad_graph_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    good = small_graph().SerializeToString()
    write_events(
        tmp_path / "logs" / "run" / "events.out.tfevents.1",
        version_event(),
        event_pb2.Event(wall_time=1.0, step=0, graph_def=b"\xff\xff\xff\xff"),
        event_pb2.Event(wall_time=2.0, step=1, graph_def=good),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    (problem,) = store.status().problems
    assert "__run_graph__" in problem.message and "not a serialized GraphDef" in problem.message
    (g,) = list_graphs(store)
    assert g.count == 1 and g.newest.step == 1
    _, _, graph = read_graph(store, run="run")
    assert graph == small_graph()


def _tensor(layer: str, tensor_index: int = 0) -> dict[str, Any]:
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [layer, 0, tensor_index]}}


def _edges(graph: graph_pb2.GraphDef) -> dict[str, list[str]]:
    return {n.name: list(n.input) for n in graph.node}


def test_keras3_functional_with_nested_models() -> None:
    inner = {
        "class_name": "Functional",
        "config": {
            "name": "inner",
            "layers": [
                {"class_name": "InputLayer", "config": {"name": "in_a"}, "inbound_nodes": []},
                {"class_name": "InputLayer", "config": {"name": "in_b"}, "inbound_nodes": []},
                {
                    "class_name": "Add",
                    "config": {"name": "add", "dtype": "float16"},
                    "inbound_nodes": [{"args": [[_tensor("in_a"), _tensor("in_b")]], "kwargs": {}}],
                },
                {
                    "class_name": "Dense",
                    "config": {"name": "aux"},
                    "inbound_nodes": [{"args": [_tensor("add")], "kwargs": {"mask": _tensor("in_a")}}],
                },
            ],
            "input_layers": [["in_a", 0, 0], ["in_b", 0, 0]],
            "output_layers": [["add", 0, 0], ["aux", 0, 0]],
        },
        "inbound_nodes": [{"args": [[_tensor("x"), _tensor("y")]], "kwargs": {}}],
    }
    model = {
        "class_name": "Functional",
        "config": {
            "name": "outer",
            "layers": [
                {"class_name": "InputLayer", "config": {"name": "x"}, "inbound_nodes": []},
                {"class_name": "InputLayer", "config": {"name": "y"}, "inbound_nodes": []},
                inner,
                {
                    "class_name": "Concatenate",
                    "config": {"name": "cat", "dtype": {"class_name": "DTypePolicy", "config": {"name": "bfloat16"}}},
                    "inbound_nodes": [{"args": [[_tensor("inner", 1), _tensor("inner", 0)]], "kwargs": {}}],
                },
            ],
            "input_layers": [["x", 0, 0], ["y", 0, 0]],
            "output_layers": [["cat", 0, 0]],
        },
    }
    graph = keras_model_to_graph_def(model)
    assert _edges(graph) == {
        "outer/x": [],
        "outer/y": [],
        "outer/inner/in_a": ["outer/x"],
        "outer/inner/in_b": ["outer/y"],
        "outer/inner/add": ["outer/inner/in_a", "outer/inner/in_b"],
        "outer/inner/aux": ["outer/inner/add", "outer/inner/in_a"],
        "outer/cat": ["outer/inner/aux", "outer/inner/add"],  # the nested model's outputs, by tensor index
    }
    nodes = {n.name: n for n in graph.node}
    assert nodes["outer/cat"].attr["keras_class"].s == b"Concatenate"
    assert nodes["outer/cat"].attr["dtype"].type == types_pb2.DT_BFLOAT16
    assert nodes["outer/inner/add"].attr["dtype"].type == types_pb2.DT_HALF
    assert "dtype" not in nodes["outer/inner/aux"].attr


def test_keras2_inbound_nodes_and_sequential_inside_functional() -> None:
    model = {
        "class_name": "Model",
        "config": {
            "name": "model",
            "layers": [
                {"class_name": "InputLayer", "name": "input_1", "config": {"name": "input_1"}, "inbound_nodes": []},
                {
                    "class_name": "Sequential",
                    "config": {
                        "name": "seq",
                        "layers": [
                            {"class_name": "Dense", "config": {"name": "d1", "dtype": "float32"}},
                            {"class_name": "Dense", "config": {"name": "d2", "dtype": "mixed_float16"}},
                        ],
                    },
                    "inbound_nodes": [[["input_1", 0, 0, {}]]],
                },
                {
                    "class_name": "Dense",
                    "config": {"name": "shared"},
                    "inbound_nodes": [[["seq", 1, 0, {}]], [["input_1", 0, 0, {}]]],
                },
            ],
            "input_layers": ["input_1", 0, 0],
            "output_layers": [["shared", 0, 0]],
        },
    }
    graph = keras_model_to_graph_def(model)
    assert _edges(graph) == {
        "model/input_1": [],
        "model/seq/d1": ["model/input_1"],
        "model/seq/d2": ["model/seq/d1"],
        "model/shared": ["model/seq/d2", "model/input_1"],  # a layer called twice: both calls' inputs
    }
    assert "dtype" not in {n.name: n for n in graph.node}["model/seq/d2"].attr  # a mixed policy is no dtype


def test_keras3_functional_matches_tensorboard() -> None:
    from tensorboard.plugins.graph.keras_util import keras_model_to_graph_def as tb_convert

    layers = [
        {"class_name": "InputLayer", "config": {"name": "in", "dtype": "float32"}, "inbound_nodes": []},
        {
            "class_name": "Dense",
            "config": {"name": "a", "dtype": "float32"},
            "inbound_nodes": [{"args": [_tensor("in")], "kwargs": {}}],
        },
        {
            "class_name": "Dense",
            "config": {"name": "b", "dtype": "float32"},
            "inbound_nodes": [{"args": [_tensor("in")], "kwargs": {}}],
        },
        {
            "class_name": "Add",
            "config": {"name": "sum", "dtype": "float32"},
            "inbound_nodes": [{"args": [[_tensor("a"), _tensor("b")]], "kwargs": {}}],
        },
    ]
    model = {
        "class_name": "Functional",
        "config": {"name": "f", "layers": layers, "input_layers": [["in", 0, 0]], "output_layers": [["sum", 0, 0]]},
    }
    ours = keras_model_to_graph_def(model)
    theirs = tb_convert(model)
    assert [(n.name, list(n.input), n.attr["dtype"].type) for n in ours.node] == [
        (n.name, list(n.input), n.attr["dtype"].type) for n in theirs.node
    ]


def test_keras_config_that_is_not_a_model() -> None:
    with pytest.raises(ValueError, match="'config' object"):
        keras_model_to_graph_def({"class_name": "Dense"})


def test_merge_function_graphs() -> None:
    g0 = graph_pb2.GraphDef(
        node=[
            graph_pb2.NodeDef(name="a", op="Const"),
            graph_pb2.NodeDef(name="call", op="StatefulPartitionedCall", input=["a:0", "^a"]),
        ]
    )
    g0.node[1].attr["f"].func.name = "fn"
    g0.library.function.add().signature.name = "fn"
    g1 = graph_pb2.GraphDef(node=[graph_pb2.NodeDef(name="a", op="Const")])
    merged = merge_graphs([g0, g1])
    assert _edges(merged) == {"graph_0/a": [], "graph_0/call": ["graph_0/a:0", "^graph_0/a"], "graph_1/a": []}
    assert merged.node[1].attr["f"].func.name == "graph_0_fn"
    assert [f.signature.name for f in merged.library.function] == ["graph_0_fn"]
    assert merge_graphs([g1]) is g1
    rm = run_metadata_pb2.RunMetadata(partition_graphs=[g1])
    assert _edges(graph_from_run_metadata(rm)) == {"a": []}  # no function graphs: the partition graphs
    assert graph_from_run_metadata(run_metadata_pb2.RunMetadata()) == graph_pb2.GraphDef()


def test_nodes_as_json_with_shapes_and_attribute_summaries() -> None:
    node = graph_pb2.NodeDef(name="conv", op="Conv2D", input=["x"])
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=s) for s in (-1, 8)])
    node.attr["_output_shapes"].list.shape.extend([shape, tensor_shape_pb2.TensorShapeProto(unknown_rank=True)])
    node.attr["T"].type = types_pb2.DT_FLOAT
    node.attr["strides"].list.i.extend([1] * 20)
    node.attr["attr"].s = b"x" * 500
    node.attr["value"].tensor.dtype = types_pb2.DT_INT32
    (j,) = graph_nodes(graph_pb2.GraphDef(node=[node]))["nodes"]
    assert j["output_shapes"] == [[-1, 8], None]
    assert j["attrs"]["T"] == "DT_FLOAT"
    assert len(j["attrs"]["strides"]) == 17 and j["attrs"]["strides"][-1] == "… 4 more"
    assert len(j["attrs"]["attr"]) == 201
    assert j["attrs"]["value"] == "tensor<DT_INT32 []>"
    assert "_output_shapes" not in j["attrs"]
    shape_attr = graph_pb2.AttrValue(shape=shape)
    assert attr_summary(shape_attr) == "[?,8]"
