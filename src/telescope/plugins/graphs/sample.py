"""Sample data for the plugin contract suite: an op graph, a Keras model config, a TF2 trace and a profile, read
back through the query layer as the graphs a viewer shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from telescope.store import Store

KERAS_FUNCTIONAL = {
    "class_name": "Functional",
    "config": {
        "name": "outer",
        "layers": [
            {"class_name": "InputLayer", "config": {"name": "x", "dtype": "float32"}, "inbound_nodes": []},
            {
                "class_name": "Sequential",
                "config": {
                    "name": "block",
                    "layers": [
                        {"class_name": "Dense", "config": {"name": "d1", "dtype": "float32"}},
                        {"class_name": "ReLU", "config": {"name": "act", "dtype": "float32"}},
                    ],
                },
                "inbound_nodes": [
                    {
                        "args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}],
                        "kwargs": {},
                    }
                ],
            },
            {
                "class_name": "Dense",
                "config": {"name": "head", "dtype": {"class_name": "DTypePolicy", "config": {"name": "float64"}}},
                "inbound_nodes": [
                    {
                        "args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["block", 0, 0]}}],
                        "kwargs": {},
                    }
                ],
            },
        ],
        "input_layers": [["x", 0, 0]],
        "output_layers": [["head", 0, 0]],
    },
    "keras_version": "3.5.0",
}


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Write one of each graph form under ``log_dir/run``; return per (run, tag) the step, the kind and the
    nodes (name and inputs) of the graph shown for it."""
    from telescope.plugins.graphs.summary import keras_model
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2, graph_pb2, run_metadata_pb2, summary_pb2, tensor_pb2, types_pb2

    op = graph_pb2.GraphDef(
        node=[
            graph_pb2.NodeDef(name="input/x", op="Placeholder"),
            graph_pb2.NodeDef(name="layer/matmul", op="MatMul", input=["input/x", "^input/x"]),
        ]
    )
    f0 = graph_pb2.GraphDef(node=[graph_pb2.NodeDef(name="a", op="Const"), graph_pb2.NodeDef(name="b", input=["a"])])
    f1 = graph_pb2.GraphDef(node=[graph_pb2.NodeDef(name="a", op="Const")])
    trace = run_metadata_pb2.RunMetadata(
        function_graphs=[
            run_metadata_pb2.RunMetadata.FunctionGraphs(pre_optimization_graph=f0),
            run_metadata_pb2.RunMetadata.FunctionGraphs(pre_optimization_graph=f1),
        ]
    )
    profile = run_metadata_pb2.RunMetadata(
        step_stats=run_metadata_pb2.StepStats(dev_stats=[run_metadata_pb2.DeviceStepStats(device="/device:CPU:0")])
    )
    trace_value = summary_pb2.Summary.Value(
        tag="trace",
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="graph_run_metadata_graph", content=b"1")
        ),
        tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[trace.SerializeToString()]),
    )
    wall = 1_700_000_000.0
    events = [
        event_pb2.Event(wall_time=wall, file_version="brain.Event:2"),
        event_pb2.Event(wall_time=wall, step=0, graph_def=op.SerializeToString()),
        event_pb2.Event(wall_time=wall, step=0, summary=keras_model("keras", json.dumps(KERAS_FUNCTIONAL))),
        event_pb2.Event(wall_time=wall, step=3, summary=summary_pb2.Summary(value=[trace_value])),
        event_pb2.Event(
            wall_time=wall,
            step=0,
            tagged_run_metadata=event_pb2.TaggedRunMetadata(tag="step1", run_metadata=profile.SerializeToString()),
        ),
    ]
    (log_dir / "run").mkdir(parents=True, exist_ok=True)
    with open(log_dir / "run" / "events.out.tfevents.1700000000.graphs", "wb") as f:
        for ev in events:
            f.write(encode_record(ev.SerializeToString()))
    return {
        ("run", "__run_graph__"): (0, "op", [("input/x", []), ("layer/matmul", ["input/x", "^input/x"])]),
        ("run", "keras"): (
            0,
            "keras",
            [
                ("outer/x", []),
                ("outer/block/d1", ["outer/x"]),
                ("outer/block/act", ["outer/block/d1"]),
                ("outer/head", ["outer/block/act"]),
            ],
        ),
        ("run", "trace"): (3, "run_metadata", [("graph_0/a", []), ("graph_0/b", ["graph_0/a"]), ("graph_1/a", [])]),
        ("run", "step1"): (0, "run_metadata", []),
    }


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.graphs.query import list_graphs, read_graph

    out: dict[Any, Any] = {}
    for g in list_graphs(store):
        tag = None if g.tag == "__run_graph__" else g.tag
        entry, info, graph = read_graph(store, run=g.run, tag=tag)
        out[(g.run, g.tag)] = (info.step, entry.kind, [(n.name, list(n.input)) for n in graph.node])
    return out
