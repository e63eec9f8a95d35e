"""Every graph in the fixture logdirs (Keras' model config and op graph, a TF2 trace, PyTorch's and
tensorboardX's traced graphs and run metadata) is found and matches TensorBoard's manifest; TensorBoard's graphs
endpoints answer as a real TensorBoard server did, and the graphs we serve are the ones TensorBoard builds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from telescope.plugins.graphs.query import list_graphs, read_frame, read_graph
from telescope.query import read_blob
from telescope.store import Store
from tests.helpers import keras_answer

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]
GRAPH_PLUGINS = (
    "graphs",
    "graph_keras_model",
    "graph_run_metadata",
    "graph_run_metadata_graph",
    "graph_tagged_run_metadata",
)


@pytest.mark.parametrize("name", NAMES)
def test_graphs_match_manifest(name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested(name)
    runs = manifest(name)["runs"]
    expected = {
        (run, tag, plugin): info
        for run, r in runs.items()
        for plugin in GRAPH_PLUGINS
        for tag, info in r.get("data", {}).get(plugin, {}).items()
    }
    ours = {(g.run, g.tag, g.plugin): g for g in list_graphs(store)}
    assert set(ours) == set(expected)
    for (run, tag, plugin), info in expected.items():
        g = ours[(run, tag, plugin)]
        assert g.count == info["count"]
        if "steps" in info:
            assert g.newest.step == info["steps"][-1]
        if plugin == "graphs":
            want = runs[run]["graph"]
            _, _, graph = read_graph(store, run=run)
            assert (len(graph.node), len(graph.library.function)) == (want["node_count"], want["function_count"])
            assert set(want["op_types_sample"]) <= {n.op for n in graph.node}
            assert g.newest.meta["node_count"] == want["node_count"]
        if plugin == "graph_keras_model":
            _, _, graph = read_graph(store, run=run, tag=tag)
            assert len(graph.node) == info["n_layers"]
            assert [n.attr["keras_class"].s.decode() for n in graph.node] == info["layer_classes"]
            assert g.newest.meta["class_name"] == info["class_name"]
    assert not [p for p in store.status().problems if "graph" in p.message.lower()]


def test_graphs_are_the_ones_tensorboard_builds(ingested: Callable[[str], Store]) -> None:
    from tensorboard.compat.proto import config_pb2, graph_pb2
    from tensorboard.plugins.graph import graph_util, keras_util

    store = ingested("keras_dev")
    for g in list_graphs(store):
        raw = read_blob(store, g.newest.id)
        if g.kind == "keras":
            theirs = keras_util.keras_model_to_graph_def(json.loads(raw))
        elif g.kind == "run_metadata":
            rm = config_pb2.RunMetadata.FromString(raw)
            theirs = graph_util.merge_graph_defs([fg.pre_optimization_graph for fg in rm.function_graphs])
        else:
            theirs = graph_pb2.GraphDef.FromString(raw)
        _, _, ours = read_graph(store, run=g.run, tag=None if g.tag == "__run_graph__" else g.tag)
        assert [(n.name, list(n.input)) for n in ours.node] == [(n.name, list(n.input)) for n in theirs.node], g.tag
        assert ours.SerializeToString() == theirs.SerializeToString() or g.kind == "keras"  # we also set op


def test_read_graphs_frame(ingested: Callable[[str], Store]) -> None:
    df = read_frame(ingested("torch_dev"))
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "kind", "data"]
    assert sorted(zip(df["tag"], df["kind"], strict=True)) == [("__run_graph__", "op"), ("step1", "run_metadata")]
    from tensorboard.compat.proto import graph_pb2

    op = df[df["kind"] == "op"]["data"].iloc[0]
    assert len(graph_pb2.GraphDef.FromString(op).node) == 36


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_graphs_endpoints(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    from google.protobuf import text_format
    from tensorboard.compat.proto import graph_pb2

    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir(name))
    info = client.get("/data/plugin/graphs/info").json()
    assert info == snap["graphs_info"]
    for run, item in info.items():
        if item["run_graph"]:
            r = client.get("/data/plugin/graphs/graph", params={"run": run})
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/x-protobuf")
            graph = text_format.Parse(r.text, graph_pb2.GraphDef())
            assert len(graph.node) == manifest(name)["runs"][run]["graph"]["node_count"]
        for tag, t in item["tags"].items():
            if t["conceptual_graph"]:
                r = client.get("/data/plugin/graphs/graph", params={"run": run, "tag": tag, "conceptual": "true"})
                assert len(text_format.Parse(r.text, graph_pb2.GraphDef()).node) > 0
            if t["op_graph"]:
                r = client.get("/data/plugin/graphs/graph", params={"run": run, "tag": tag})
                assert len(text_format.Parse(r.text, graph_pb2.GraphDef()).node) > 0
            if t["profile"]:
                r = client.get("/data/plugin/graphs/run_metadata", params={"run": run, "tag": tag})
                assert r.status_code == 200 and "dev_stats" in r.text


# Rebuilds a model from its config with Keras and prints, per layer (named as the conceptual graph names it),
# count_params() and the output shape.
KERAS_FACTS = r"""
import json, sys
import keras


def facts(model, prefix):
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.update(facts(layer, prefix + layer.name + "/"))
        else:
            shape = [None if d is None else int(d) for d in layer.output.shape]
            out[prefix + layer.name] = [layer.count_params(), shape]
    return out


model = keras.models.model_from_json(sys.stdin.read())
print(json.dumps(facts(model, model.name + "/")))
"""


def test_keras_conceptual_graph_counts_params_as_keras_does(
    fixture_logdir: Callable[[str], Path], app_client: Any
) -> None:
    client = app_client(fixture_logdir("keras_dev"))
    (entry,) = [g for r in client.get("/api/graphs/runs").json()["runs"] for g in r["graphs"] if g["kind"] == "keras"]
    config = client.get("/" + entry["url"]).text
    body = client.get("/api/graphs/graph", params={"run": "logs/fit/20261126-052645/train", "tag": "keras"}).json()
    keras_says = keras_answer(KERAS_FACTS, stdin=config)
    ours = {n["name"]: [n["params"], [None if d == -1 else d for d in n["output_shapes"][0]]] for n in body["nodes"]}
    assert body["problems"] == []
    assert ours.pop("dev_cnn/input_layer") == [0, [None, 16, 16, 3]]  # Sequential.layers leaves it out
    assert ours == keras_says


def test_fixture_graphs_have_no_false_problems(ingested: Callable[[str], Store]) -> None:
    from telescope.plugins.graphs.query import read_graph_json

    store = ingested("keras_dev")
    for g in list_graphs(store):
        body = json.loads(read_graph_json(store, run=g.run, tag=None if g.tag == "__run_graph__" else g.tag))
        assert body["problems"] == [], (g.run, g.tag)  # TensorFlow and Keras wrote these: nothing is wrong
        assert len(body["nodes"]) == g.newest.meta["node_count"]
