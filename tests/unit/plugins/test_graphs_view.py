"""The graph view's JSON: a malformed graph is drawn as far as it can be and its problems listed, a profile's step
stats land on the nodes they time, nodes are compact, and the large sample graph looks like a real model."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from telescope.plugins.graphs import problems as problems_module
from telescope.plugins.graphs.nodes import NodeEncoder, graph_nodes
from telescope.plugins.graphs.problems import check_graph
from telescope.plugins.graphs.profile import node_stats
from telescope.plugins.graphs.sample import large_graph_def, large_run_metadata
from telescope.plugins.graphs.view import JsonCache, graph_view
from telescope.tfrecord.proto import graph_pb2, run_metadata_pb2, tensor_shape_pb2, types_pb2

N = graph_pb2.NodeDef


def malformed() -> graph_pb2.GraphDef:
    return graph_pb2.GraphDef(
        node=[
            N(name="x", op="Placeholder"),
            N(name="", op="Const"),
            N(name="w", op="VariableV2"),
            N(name="w", op="Identity", input=["x"]),  # the name of another node
            N(name="mm", op="MatMul", input=["x", "w", "ghost:0", "^phantom"]),
            N(name="odd", op="", input=["mm"]),
            N(name="a", op="Add", input=["mm", "b"]),
            N(name="b", op="Mul", input=["a:0"]),
            N(name="bad", op="Neg", input=["mm:first", "", "^mm:1"]),
            N(name="out", op="Identity", input=["a"]),
        ]
    )


def view_of(graph: graph_pb2.GraphDef, **options: Any) -> dict[str, Any]:
    return graph_view("op", graph.SerializeToString(), **options)


def test_malformed_graph_lists_each_problem_and_keeps_every_node() -> None:
    view = view_of(malformed())
    names = [n["name"] for n in view["nodes"]]
    assert len(names) == 10 and len(set(names)) == 10  # every node, each under a name of its own
    assert names[1] == "(unnamed 1)" and names[3] == "w (2)"
    found = Counter(p["kind"] for p in view["problems"])
    assert found == {
        "empty_name": 1,
        "duplicate_name": 1,
        "missing_input": 2,
        "empty_op": 1,
        "cycle": 1,
        "bad_input": 3,
    }
    by_kind = {p["kind"]: p for p in view["problems"]}
    assert by_kind["duplicate_name"]["node"] == "w (2)" and "'w'" in by_kind["duplicate_name"]["message"]
    assert {p["node"] for p in view["problems"] if p["kind"] == "missing_input"} == {"mm"}
    assert "'ghost'" in " ".join(p["message"] for p in view["problems"])
    assert by_kind["empty_op"]["node"] == "odd"
    assert by_kind["cycle"]["node"] == "a" and "a → b" in by_kind["cycle"]["message"]
    assert view["problems_omitted"] == 0
    # The node that took the duplicate name still shows what it is.
    assert view["nodes"][3]["op"] == "Identity" and view["nodes"][3]["inputs"] == ["x"]


def test_while_loop_back_edge_is_not_a_cycle_but_a_real_loop_is() -> None:
    loop = [
        N(name="x", op="Const"),
        N(name="while/Enter", op="Enter", input=["x"]),
        N(name="while/Merge", op="Merge", input=["while/Enter", "while/NextIteration"]),
        N(name="while/Add", op="Add", input=["while/Merge", "x"]),
        N(name="while/NextIteration", op="NextIteration", input=["while/Add"]),
    ]
    assert check_graph(graph_pb2.GraphDef(node=loop)).problems == []
    loop[4].op = "Identity"  # the same loop without NextIteration is a mistake
    (problem,) = check_graph(graph_pb2.GraphDef(node=loop)).problems
    assert problem["kind"] == "cycle" and problem["node"] == "while/Merge"
    assert "while/Merge → while/Add → while/NextIteration → while/Merge" in problem["message"]


def test_control_edges_do_not_make_cycles_and_self_loops_do() -> None:
    graph = graph_pb2.GraphDef(
        node=[N(name="a", op="NoOp", input=["^b"]), N(name="b", op="NoOp", input=["^a"]), N(name="s", input=["s"])]
    )
    check = check_graph(graph)
    assert [(p["kind"], p["node"]) for p in check.problems] == [("empty_op", "s"), ("cycle", "s")]
    assert "its own output" in check.problems[1]["message"]


def test_cycle_search_copes_with_a_long_chain_out_of_order() -> None:
    # A chain of 50,000 nodes listed in reverse (so not in topological order), closed into one loop at the end.
    n = 50_000
    graph = graph_pb2.GraphDef(node=[N(name=f"n{i}", op="Identity", input=[f"n{i - 1}"]) for i in range(n - 1, 0, -1)])
    graph.node.add(name="n0", op="Identity", input=[f"n{n - 1}"])
    (problem,) = check_graph(graph).problems
    assert problem["kind"] == "cycle" and f"({n - 8} more)" in problem["message"]


def test_problem_list_is_capped_with_a_count_of_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(problems_module, "MAX_PROBLEMS", 5)
    graph = graph_pb2.GraphDef(node=[N(name=f"n{i}", op="Relu", input=[f"gone{i}"]) for i in range(12)])
    view = view_of(graph)
    assert len(view["problems"]) == 5 and view["problems_omitted"] == 7
    assert len(view["nodes"]) == 12


def test_nodes_are_compact_and_attribute_summaries_do_not_depend_on_caching() -> None:
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=s) for s in (-1, 3)])
    a = N(name="a", op="Const")
    b = N(name="scope/b", op="MatMul", input=["a", "a"], device="/device:GPU:0")
    b.attr["T"].type = types_pb2.DT_FLOAT
    b.attr["_output_shapes"].list.shape.append(shape)
    c = N(name="scope/c", op="MatMul", input=["scope/b", "a"])
    c.attr.MergeFrom(b.attr)
    c.attr["transpose_a"].b = True
    view = view_of(graph_pb2.GraphDef(node=[a, b, c]))
    assert view["nodes"][0] == {"name": "a", "op": "Const", "inputs": []}  # no empty device, attrs or shapes
    assert view["nodes"][1] == {
        "name": "scope/b",
        "op": "MatMul",
        "inputs": ["a", "a"],
        "device": "/device:GPU:0",
        "attrs": {"T": "DT_FLOAT"},
        "output_shapes": [[-1, 3]],
    }
    assert view["nodes"][2]["attrs"] == {"T": "DT_FLOAT", "transpose_a": True}
    # Nodes with the same attributes share one summary; each is what reading the node alone gives.
    enc = NodeEncoder()
    graph = large_graph_def(3000, seed=3)
    for node in graph.node:
        assert enc.node(node) == NodeEncoder().node(node)
    assert json.loads(json.dumps(graph_nodes(graph)))["nodes"][5] == NodeEncoder().node(graph.node[5])


def stats(name: str, start: int, end_rel: int, *memory: int) -> run_metadata_pb2.NodeExecStats:
    return run_metadata_pb2.NodeExecStats(
        node_name=name,
        all_start_micros=start,
        all_end_rel_micros=end_rel,
        memory=[run_metadata_pb2.AllocatorMemoryUsed(total_bytes=m) for m in memory],
    )


def test_step_stats_land_on_the_nodes_they_name() -> None:
    graph = graph_pb2.GraphDef(
        node=[
            N(name="x", op="Placeholder"),
            N(name="dense/MatMul", op="MatMul", input=["x"]),
            N(name="idle", op="NoOp"),
        ]
    )
    rm = run_metadata_pb2.RunMetadata()
    cpu = rm.step_stats.dev_stats.add(device="/device:CPU:0")
    cpu.node_stats.extend([stats("x", 1000, 5, 64), stats("dense/MatMul", 1010, 40, 128, 256), stats("gone", 1, 1)])
    gpu = rm.step_stats.dev_stats.add(device="/device:GPU:0/stream:7")
    gpu.node_stats.append(stats("dense/MatMul:MatMul", 1030, 50, 100))  # GPU stream traces name "node:op"
    view = view_of(graph, profile=rm)
    by_name = {n["name"]: n for n in view["nodes"]}
    assert by_name["x"]["stats"] == {"compute_micros": 5, "memory_bytes": 64, "device": "/device:CPU:0"}
    # From the first start (1010) to the last end (1030 + 50); the largest allocation of one entry.
    assert by_name["dense/MatMul"]["stats"] == {
        "compute_micros": 70,
        "memory_bytes": 384,
        "device": "/device:GPU:0/stream:7",
    }
    assert "stats" not in by_name["idle"]


def test_run_metadata_view_carries_its_own_step_stats() -> None:
    fg = graph_pb2.GraphDef(node=[N(name="a", op="Const"), N(name="b", op="Neg", input=["a"])])
    rm = run_metadata_pb2.RunMetadata(
        function_graphs=[run_metadata_pb2.RunMetadata.FunctionGraphs(pre_optimization_graph=fg)]
    )
    rm.step_stats.dev_stats.add(device="/device:CPU:0").node_stats.append(stats("b", 10, 7, 32))
    view = graph_view("run_metadata", rm.SerializeToString())
    assert [n.get("stats") for n in view["nodes"]] == [
        None,
        {"compute_micros": 7, "memory_bytes": 32, "device": "/device:CPU:0"},
    ]


def test_step_stats_of_a_trace_with_several_function_graphs_find_their_nodes() -> None:
    # Merged, the graphs' nodes are graph_0/..., graph_1/...; the step stats name them as each graph does.
    first = graph_pb2.GraphDef(node=[N(name="x", op="Placeholder"), N(name="MatMul", op="MatMul", input=["x"])])
    second = graph_pb2.GraphDef(node=[N(name="x", op="Placeholder"), N(name="Relu", op="Relu", input=["x"])])
    rm = run_metadata_pb2.RunMetadata(
        function_graphs=[
            run_metadata_pb2.RunMetadata.FunctionGraphs(pre_optimization_graph=first),
            run_metadata_pb2.RunMetadata.FunctionGraphs(pre_optimization_graph=second),
        ]
    )
    cpu = rm.step_stats.dev_stats.add(device="/device:CPU:0")
    cpu.node_stats.extend([stats("MatMul", 10, 30, 64), stats("Relu:Relu", 50, 4), stats("x", 1, 2)])
    view = graph_view("run_metadata", rm.SerializeToString())
    by_name = {n["name"]: n.get("stats") for n in view["nodes"]}
    assert by_name["graph_0/MatMul"] == {"compute_micros": 30, "memory_bytes": 64, "device": "/device:CPU:0"}
    assert by_name["graph_1/Relu"] == {"compute_micros": 4, "memory_bytes": 0, "device": "/device:CPU:0"}
    # "x" is in both graphs: the stats cannot say which one ran, so neither is coloured by them.
    assert by_name["graph_0/x"] is None and by_name["graph_1/x"] is None


def test_large_graph_looks_like_a_model() -> None:
    graph = large_graph_def()
    names = [n.name for n in graph.node]
    assert len(names) == 20_000 and len(set(names)) == 20_000
    assert check_graph(graph).problems == []  # well formed: every input names a node, no cycle
    layers = {name.split("/")[2] for name in names if name.startswith("model/encoder/layer_")}
    assert len(layers) > 50 and {"layer_0", "layer_17"} <= layers
    assert "model/encoder/layer_17/attention/self/query/MatMul" in names
    assert max(name.count("/") for name in names) >= 6
    top = [name for name in names if "/" not in name]
    assert 100 <= len(top) <= 1000  # summaries, init, padding at the top level
    ops = Counter(n.op for n in graph.node)
    assert {"Const", "VariableV2", "Identity", "MatMul", "AddV2", "Relu", "Softmax"} <= set(ops)
    assert sum(1 for n in graph.node for i in n.input if i.startswith("^")) > 0
    assert 0 < sum(1 for n in graph.node if n.device) < len(names)
    assert sum(1 for n in graph.node if "_output_shapes" in n.attr) > 19_000
    # The same seed builds the same graph; sizes are exact, small ones too.
    assert large_graph_def(500, seed=1) == large_graph_def(500, seed=1)
    assert [len(large_graph_def(n).node) for n in (1, 37, 1234)] == [1, 37, 1234]
    timed = node_stats(large_run_metadata(graph), {name: None for name in names})
    assert len(timed) > 10_000 and all(s["compute_micros"] > 0 for s in timed.values())


def test_json_cache_keeps_a_few_answers_within_its_budget() -> None:
    cache = JsonCache(max_entries=2, max_bytes=10)
    built: list[str] = []

    def build(body: bytes) -> Any:
        def run() -> bytes:
            built.append(body.decode())
            return body

        return run

    assert cache.get_or_build("a", build(b"aaaa")) == b"aaaa"
    assert cache.get_or_build("a", build(b"other")) == b"aaaa"  # kept
    cache.get_or_build("b", build(b"bbbb"))
    cache.get_or_build("c", build(b"cccc"))  # two entries at most: "a" goes
    cache.get_or_build("a", build(b"aaaa"))
    assert built == ["aaaa", "bbbb", "cccc", "aaaa"]
    cache.get_or_build("big", build(b"x" * 11))  # larger than the budget: answered, not kept
    cache.get_or_build("big", build(b"x" * 11))
    assert built[-2:] == ["x" * 11, "x" * 11]


def test_new_names_never_take_a_name_the_graph_uses() -> None:
    graph = graph_pb2.GraphDef(
        node=[
            N(name="a", op="Const"),
            N(name="a", op="Const"),
            N(name="a (2)", op="Const"),  # the name the duplicate would have been given
            N(name="", op="Const"),
            N(name="(unnamed 3)", op="Const"),
            N(name="b", op="Add", input=["a (2)", "a"]),
        ]
    )
    check = check_graph(graph)
    assert len(set(check.names)) == 6
    assert check.names[2] == "a (2)" and check.names[4] == "(unnamed 3)"  # real names are kept
    assert [p["kind"] for p in check.problems] == ["duplicate_name", "empty_name"]  # "a (2)" is a real input
