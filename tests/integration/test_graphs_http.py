"""Graphs over HTTP: a PyTorch model traced by our SummaryWriter, a Keras model config and a TF2-style trace →
ingest → the graphs routes, TensorBoard's graphs endpoints and read_graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import telescope
from telescope import SummaryWriter
from telescope.plugins.graphs.sample import KERAS_FUNCTIONAL
from telescope.plugins.graphs.summary import keras_model
from telescope.tfrecord.proto import event_pb2, graph_pb2, run_metadata_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events

torch = pytest.importorskip("torch")


class Net(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 3)
        self.fc2 = torch.nn.Linear(3, 2)

    def forward(self, x: Any) -> Any:
        return self.fc2(torch.relu(self.fc1(x)))


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "torch") as w:
        w.add_graph(Net(), torch.zeros(2, 4))
    f0 = graph_pb2.GraphDef(
        node=[graph_pb2.NodeDef(name="a", op="Const"), graph_pb2.NodeDef(name="b", op="Neg", input=["a"])]
    )
    stats = run_metadata_pb2.StepStats(
        dev_stats=[
            run_metadata_pb2.DeviceStepStats(
                device="/device:CPU:0",
                node_stats=[
                    run_metadata_pb2.NodeExecStats(
                        node_name="b",
                        all_start_micros=100,
                        op_end_rel_micros=7,
                        memory=[run_metadata_pb2.AllocatorMemoryUsed(total_bytes=64, peak_bytes=32)],
                    )
                ],
            )
        ]
    )
    rm = run_metadata_pb2.RunMetadata(
        function_graphs=[run_metadata_pb2.RunMetadata.FunctionGraphs(pre_optimization_graph=f0)], step_stats=stats
    )
    trace = summary_pb2.Summary.Value(
        tag="trace",
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="graph_run_metadata", content=b"1")
        ),
        tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[rm.SerializeToString()]),
    )
    write_events(
        root / "keras" / "events.out.tfevents.1",
        version_event(),
        event_pb2.Event(wall_time=1.0, step=0, summary=keras_model("keras", json.dumps(KERAS_FUNCTIONAL))),
        event_pb2.Event(wall_time=2.0, step=5, summary=summary_pb2.Summary(value=[trace])),
    )
    return root


def test_runs_list_every_graph(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    runs = {r["run"]: {g["tag"]: g for g in r["graphs"]} for r in client.get("/api/graphs/runs").json()["runs"]}
    assert set(runs) == {"torch", "keras"}
    assert set(runs["torch"]) == {"__run_graph__", "step1"}
    assert runs["torch"]["__run_graph__"]["kind"] == "op" and runs["torch"]["step1"]["profile"] is True
    assert runs["keras"]["keras"]["conceptual_graph"] is True and runs["keras"]["keras"]["node_count"] == 4
    trace = runs["keras"]["trace"]
    assert (trace["kind"], trace["step"], trace["op_graph"], trace["profile"]) == ("run_metadata", 5, True, True)
    raw = client.get("/" + runs["torch"]["__run_graph__"]["url"]).content
    assert len(graph_pb2.GraphDef.FromString(raw).node) == runs["torch"]["__run_graph__"]["node_count"]


def test_torch_op_graph_as_json_nodes(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/graphs/graph", params={"run": "torch"}).json()
    assert body["kind"] == "op" and body["tag"] == "__run_graph__"
    nodes = {n["name"]: n for n in body["nodes"]}
    linear = [n for n in body["nodes"] if n["op"] == "aten::linear"]
    assert len(linear) == 2
    assert any(n["output_shapes"] == [[2, 3]] for n in linear) and any(n["output_shapes"] == [[2, 2]] for n in linear)
    for n in body["nodes"]:
        assert all(i in nodes for i in n["inputs"]), n  # every edge ends at a node of the graph
    assert any(name.startswith("input/") for name in nodes)


def test_conceptual_graph_and_trace(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    keras = client.get("/api/graphs/graph", params={"run": "keras", "tag": "keras"}).json()
    assert [(n["name"], n["op"], n["inputs"]) for n in keras["nodes"]] == [
        ("outer/x", "InputLayer", []),
        ("outer/block/d1", "Dense", ["outer/x"]),
        ("outer/block/act", "ReLU", ["outer/block/d1"]),
        ("outer/head", "Dense", ["outer/block/act"]),
    ]
    assert keras["nodes"][3]["attrs"] == {"dtype": "DT_DOUBLE", "keras_class": "Dense"}
    trace = client.get("/api/graphs/graph", params={"run": "keras", "tag": "trace"}).json()
    assert [(n["name"], n["inputs"]) for n in trace["nodes"]] == [("a", []), ("b", ["a"])]
    stats = client.get("/api/graphs/step_stats", params={"run": "keras", "tag": "trace"}).json()
    (dev,) = stats["devices"]
    assert dev["device"] == "/device:CPU:0"
    assert dev["nodes"][0]["name"] == "b" and dev["nodes"][0]["memory_bytes"] == 64
    assert dev["nodes"][0]["op_end_rel_micros"] == 7


def test_tensorboard_endpoints(logdir: Path, app_client: Any) -> None:
    from google.protobuf import text_format
    from tensorboard.compat.proto import graph_pb2 as tb_graph_pb2

    client = app_client(logdir)
    info = client.get("/data/plugin/graphs/info").json()
    assert info["torch"] == {
        "run": "torch",
        "run_graph": True,
        "tags": {"step1": {"tag": "step1", "conceptual_graph": False, "op_graph": False, "profile": True}},
    }
    assert info["keras"]["tags"]["trace"] == {
        "tag": "trace",
        "conceptual_graph": False,
        "op_graph": True,
        "profile": True,
    }
    pbtxt = client.get("/data/plugin/graphs/graph", params={"run": "torch"}).text
    graph = text_format.Parse(pbtxt, tb_graph_pb2.GraphDef())
    assert sum(n.op == "aten::linear" for n in graph.node) == 2
    limited = client.get(
        "/data/plugin/graphs/graph", params={"run": "torch", "limit_attr_size": 8, "large_attrs_key": "_too_large"}
    ).text
    small = text_format.Parse(limited, tb_graph_pb2.GraphDef())
    assert any(b"_output_shapes" in n.attr["_too_large"].list.s for n in small.node)
    conceptual = client.get("/data/plugin/graphs/graph", params={"run": "keras", "tag": "keras", "conceptual": "true"})
    assert len(text_format.Parse(conceptual.text, tb_graph_pb2.GraphDef()).node) == 4
    rm = client.get("/data/plugin/graphs/run_metadata", params={"run": "torch", "tag": "step1"})
    assert 'device: "/device:CPU:0"' in rm.text


def test_errors_are_json(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    for url, params, status, code in [
        ("/api/graphs/graph", {"run": "nope"}, 404, "unknown_run"),
        ("/api/graphs/graph", {"run": "keras"}, 404, "unknown_tag"),  # no op graph in that run
        ("/api/graphs/graph", {"run": "keras", "tag": "trace", "step": 1}, 404, "unknown_step"),
        ("/api/graphs/step_stats", {"run": "keras", "tag": "keras"}, 404, "unknown_tag"),
        ("/data/plugin/graphs/graph", {"run": "keras", "tag": "keras"}, 404, "unknown_tag"),  # not conceptual
        ("/data/plugin/graphs/graph", {"run": "torch", "limit_attr_size": 10}, 400, "bad_parameter"),
        ("/data/plugin/graphs/graph", {}, 400, "bad_parameter"),
    ]:
        r = client.get(url, params=params)
        assert r.status_code == status, (url, params, r.text)
        assert r.json()["error"]["code"] == code


def test_read_graphs_api(logdir: Path, tmp_path: Path) -> None:
    df = telescope.read_graphs(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "kind", "data"]
    kinds = dict(zip(zip(df["run"], df["tag"], strict=True), df["kind"], strict=True))
    assert kinds == {
        ("keras", "keras"): "keras",
        ("keras", "trace"): "run_metadata",
        ("torch", "__run_graph__"): "op",
        ("torch", "step1"): "run_metadata",
    }
    keras = df[df["tag"] == "keras"]["data"].iloc[0]
    assert json.loads(keras) == KERAS_FUNCTIONAL


def _profiled_logdir(root: Path) -> Path:
    """A TF1-style run: an op graph with a malformed corner, and two profiled session runs of it."""
    graph = graph_pb2.GraphDef(
        node=[
            graph_pb2.NodeDef(name="input/x", op="Placeholder"),
            graph_pb2.NodeDef(name="dense/kernel", op="VariableV2"),
            graph_pb2.NodeDef(name="dense/MatMul", op="MatMul", input=["input/x", "dense/kernel"]),
            graph_pb2.NodeDef(name="dense/Relu", op="Relu", input=["dense/MatMul", "^init"]),  # no node init
            graph_pb2.NodeDef(name="", op="Const"),
            graph_pb2.NodeDef(name="dense/Relu", op="Identity", input=["dense/Relu"]),
            graph_pb2.NodeDef(name="loss", op="", input=["dense/Relu", "loss/grad"]),
            graph_pb2.NodeDef(name="loss/grad", op="Mul", input=["loss"]),
        ]
    )

    def session(micros: int) -> bytes:
        rm = run_metadata_pb2.RunMetadata()
        dev = rm.step_stats.dev_stats.add(device="/job:localhost/replica:0/task:0/device:CPU:0")
        dev.node_stats.add(
            node_name="dense/MatMul",
            all_start_micros=5_000,
            all_end_rel_micros=micros,
            memory=[run_metadata_pb2.AllocatorMemoryUsed(total_bytes=1024)],
        )
        dev.node_stats.add(node_name="dense/Relu:0", all_start_micros=5_000 + micros, all_end_rel_micros=3)
        return rm.SerializeToString()

    write_events(
        root / "tf1" / "events.out.tfevents.1",
        version_event(),
        event_pb2.Event(wall_time=1.0, step=0, graph_def=graph.SerializeToString()),
        event_pb2.Event(
            wall_time=2.0,
            step=10,
            tagged_run_metadata=event_pb2.TaggedRunMetadata(tag="run_10", run_metadata=session(250)),
        ),
        event_pb2.Event(
            wall_time=3.0,
            step=20,
            tagged_run_metadata=event_pb2.TaggedRunMetadata(tag="run_20", run_metadata=session(90)),
        ),
    )
    return root


def test_malformed_graph_shows_every_node_and_its_problems(tmp_path: Path, app_client: Any) -> None:
    body = app_client(_profiled_logdir(tmp_path / "logs")).get("/api/graphs/graph", params={"run": "tf1"}).json()
    names = [n["name"] for n in body["nodes"]]
    assert names == [
        "input/x",
        "dense/kernel",
        "dense/MatMul",
        "dense/Relu",
        "(unnamed 4)",
        "dense/Relu (2)",
        "loss",
        "loss/grad",
    ]
    problems = sorted((p["kind"], p["node"]) for p in body["problems"])
    assert problems == [
        ("cycle", "loss"),
        ("duplicate_name", "dense/Relu (2)"),
        ("empty_name", "(unnamed 4)"),
        ("empty_op", "loss"),
        ("missing_input", "dense/Relu"),
    ]
    assert body["problems_omitted"] == 0
    assert "'init'" in next(p["message"] for p in body["problems"] if p["kind"] == "missing_input")
    node = body["nodes"][0]
    assert node == {"name": "input/x", "op": "Placeholder", "inputs": []}  # empty fields are left out


def test_profile_overlay_gives_compute_time_and_memory(tmp_path: Path, app_client: Any) -> None:
    client = app_client(_profiled_logdir(tmp_path / "logs"))
    plain = client.get("/api/graphs/graph", params={"run": "tf1"}).json()
    assert plain["profile_tags"] == ["run_10", "run_20"] and plain["stats_tag"] is None
    assert not any("stats" in n for n in plain["nodes"])
    for tag, micros in (("run_10", 250), ("run_20", 90)):
        body = client.get("/api/graphs/graph", params={"run": "tf1", "profile": tag}).json()
        assert body["stats_tag"] == tag and body["tag"] == "__run_graph__"
        stats = {n["name"]: n["stats"] for n in body["nodes"] if "stats" in n}
        assert stats["dense/MatMul"] == {
            "compute_micros": micros,
            "memory_bytes": 1024,
            "device": "/job:localhost/replica:0/task:0/device:CPU:0",
        }
        assert stats["dense/Relu"]["compute_micros"] == 3  # named "dense/Relu:0" in the step stats
        assert set(stats) == {"dense/MatMul", "dense/Relu"}
    r = client.get("/api/graphs/graph", params={"run": "tf1", "profile": "run_30"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_tag"


def test_pytorch_profile_without_node_stats_is_not_offered(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/graphs/graph", params={"run": "torch"}).json()
    assert body["profile_tags"] == [] and body["stats_tag"] is None  # step1 names a device and times no node
    trace = client.get("/api/graphs/graph", params={"run": "keras", "tag": "trace"}).json()
    assert trace["stats_tag"] == "trace" and trace["profile_tags"] == ["trace"]
    (b,) = [n for n in trace["nodes"] if n["name"] == "b"]
    # Only op_end_rel_micros is set in that trace: the op's own time is the node's.
    assert b["stats"] == {"compute_micros": 7, "memory_bytes": 64, "device": "/device:CPU:0"}


def test_keras_graph_has_params_and_shapes(tmp_path: Path, app_client: Any) -> None:
    model = {
        "class_name": "Sequential",
        "config": {
            "name": "mlp",
            "layers": [
                {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [None, 20]}},
                {
                    "class_name": "Dense",
                    "config": {"name": "hidden", "units": 8},
                    "build_config": {"input_shape": [None, 20]},
                },
                {"class_name": "Dropout", "config": {"name": "drop", "rate": 0.5}},
                {"class_name": "Dense", "config": {"name": "out", "units": 3, "use_bias": False}},
            ],
        },
    }
    write_events(
        tmp_path / "logs" / "k" / "events.out.tfevents.1",
        version_event(),
        event_pb2.Event(wall_time=1.0, step=0, summary=keras_model("keras", json.dumps(model))),
    )
    body = app_client(tmp_path / "logs").get("/api/graphs/graph", params={"run": "k", "tag": "keras"}).json()
    assert [(n["name"], n["params"], n.get("output_shapes")) for n in body["nodes"]] == [
        ("mlp/in", 0, [[-1, 20]]),
        ("mlp/hidden", 168, [[-1, 8]]),
        ("mlp/drop", 0, [[-1, 8]]),
        ("mlp/out", 24, [[-1, 3]]),
    ]


def test_large_graph_is_served_whole_and_again_from_memory(tmp_path: Path, app_client: Any) -> None:
    from telescope.plugins.graphs.sample import write_large_graph

    write_large_graph(tmp_path / "logs", nodes=20_000)
    client = app_client(tmp_path / "logs")
    first = client.get("/api/graphs/graph", params={"run": "large"})
    body = first.json()
    assert body["kind"] == "op" and len(body["nodes"]) == 20_000 and body["problems"] == []
    names = {n["name"] for n in body["nodes"]}
    assert "model/encoder/layer_17/attention/self/query/MatMul" in names
    assert len({n.split("/")[2] for n in names if n.startswith("model/encoder/layer_")}) > 50
    assert all(i.lstrip("^").split(":")[0] in names for n in body["nodes"] for i in n["inputs"])
    assert client.get("/api/graphs/graph", params={"run": "large"}).content == first.content
    # Sent gzipped to a client that takes it (browsers do), as it is to one that does not.
    assert first.headers["content-encoding"] == "gzip" and int(first.headers["content-length"]) < len(first.content) / 8
    plain = client.get("/api/graphs/graph", params={"run": "large"}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == first.content
    profiled = client.get("/api/graphs/graph", params={"run": "large", "profile": "step_1"}).json()
    timed = [n for n in profiled["nodes"] if "stats" in n]
    assert len(timed) > 10_000 and all(n["op"] not in ("Const", "VariableV2") for n in timed)
