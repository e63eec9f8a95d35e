"""Sample data of the graphs kind: for the plugin contract suite, an op graph, a Keras model config, a TF2 trace
and a profile, read back through the query layer as the graphs a viewer shows; for tests and bench/, a large
model-like op graph (:func:`large_graph_def`, 20,000 nodes by default) with a profile of it, written by
:func:`write_large_graph`."""

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


# -- A large, model-like op graph (tests and bench/) ---------------------------------------------------------------

_GPU = "/job:worker/replica:0/task:0/device:GPU:{}"
_PS = "/job:ps/replica:0/task:0/device:CPU:0"


class _LargeGraph:
    """Builds the nodes of :func:`large_graph_def` the way TF1 lays out a transformer: variables with their
    initializers, ``read`` identities, dense layers, attention and layer norms in name scopes several levels deep."""

    def __init__(self, graph: Any, seed: int) -> None:
        import random

        from telescope.tfrecord.proto import graph_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

        self.graph = graph
        self.rng = random.Random(seed)
        self.pb = graph_pb2
        self.tensor_pb = tensor_pb2
        self.shape_pb = tensor_shape_pb2
        self.float = types_pb2.DT_FLOAT
        self.int32 = types_pb2.DT_INT32
        self.device = ""
        self.assigns: list[str] = []
        self.variables: list[str] = []

    def add(
        self,
        name: str,
        op: str,
        inputs: list[str] | tuple[str, ...] = (),
        shape: list[int] | None = None,
        *,
        device: str | None = None,
        dtype: int | None = None,
    ) -> str:
        node = self.graph.node.add(name=name, op=op)
        node.input.extend(inputs)
        dev = self.device if device is None else device
        if dev:
            node.device = dev
        t = self.float if dtype is None else dtype
        if op in ("Const", "VariableV2", "Placeholder"):
            node.attr["dtype"].type = t
        elif op not in ("NoOp", "Assign", "MergeSummary"):
            node.attr["T"].type = t
        if op == "Const":
            value = node.attr["value"].tensor
            value.dtype = t
            for d in shape or []:
                value.tensor_shape.dim.add(size=d)
        if op == "VariableV2":
            node.attr["shape"].shape.dim.extend(self.shape_pb.TensorShapeProto.Dim(size=d) for d in shape or [])
            node.attr["container"].s = b""
            node.attr["shared_name"].s = b""
        if shape is not None:
            node.attr["_output_shapes"].list.shape.add().dim.extend(
                self.shape_pb.TensorShapeProto.Dim(size=d) for d in shape
            )
        return name

    def variable(self, scope: str, shape: list[int], init: str) -> str:
        """``scope`` (VariableV2) with its initializer, ``Assign`` and ``read``; returns the ``read`` node."""
        if init == "zeros" or init == "ones":
            value = self.add(f"{scope}/Initializer/{init}", "Const", shape=shape, device="")
        else:
            base = f"{scope}/Initializer/random_uniform"
            dims = self.add(f"{base}/shape", "Const", shape=[len(shape)], device="", dtype=self.int32)
            lo = self.add(f"{base}/min", "Const", shape=[], device="")
            hi = self.add(f"{base}/max", "Const", shape=[], device="")
            draw = self.add(f"{base}/RandomUniform", "RandomUniform", [dims], shape, device="")
            span = self.add(f"{base}/sub", "Sub", [hi, lo], [], device="")
            scaled = self.add(f"{base}/mul", "Mul", [draw, span], shape, device="")
            value = self.add(base, "Add", [scaled, lo], shape, device="")
        var = self.add(scope, "VariableV2", shape=shape, device=_PS)
        self.variables.append(var)
        self.assigns.append(self.add(f"{scope}/Assign", "Assign", [var, value], shape, device=_PS))
        return self.add(f"{scope}/read", "Identity", [var], shape, device=_PS)

    def dense(self, scope: str, x: str, rows: int, n_in: int, n_out: int, act: str = "") -> str:
        kernel = self.variable(f"{scope}/kernel", [n_in, n_out], "uniform")
        bias = self.variable(f"{scope}/bias", [n_out], "zeros")
        out = self.add(f"{scope}/MatMul", "MatMul", [x, kernel], [rows, n_out])
        out = self.add(f"{scope}/BiasAdd", "BiasAdd", [out, bias], [rows, n_out])
        if act:
            out = self.add(f"{scope}/{act}", act, [out], [rows, n_out])
        return out

    def layer_norm(self, scope: str, x: str, rows: int, width: int) -> str:
        gamma = self.variable(f"{scope}/gamma", [width], "ones")
        beta = self.variable(f"{scope}/beta", [width], "zeros")
        axes = self.add(f"{scope}/moments/mean/reduction_indices", "Const", shape=[1], dtype=self.int32)
        mean = self.add(f"{scope}/moments/mean", "Mean", [x, axes], [rows, 1])
        sq = self.add(f"{scope}/moments/SquaredDifference", "SquaredDifference", [x, mean], [rows, width])
        axes2 = self.add(f"{scope}/moments/variance/reduction_indices", "Const", shape=[1], dtype=self.int32)
        var = self.add(f"{scope}/moments/variance", "Mean", [sq, axes2], [rows, 1])
        eps = self.add(f"{scope}/batchnorm/add/y", "Const", shape=[])
        plus = self.add(f"{scope}/batchnorm/add", "AddV2", [var, eps], [rows, 1])
        rsqrt = self.add(f"{scope}/batchnorm/Rsqrt", "Rsqrt", [plus], [rows, 1])
        scale = self.add(f"{scope}/batchnorm/mul", "Mul", [rsqrt, gamma], [rows, width])
        xs = self.add(f"{scope}/batchnorm/mul_1", "Mul", [x, scale], [rows, width])
        ms = self.add(f"{scope}/batchnorm/mul_2", "Mul", [mean, scale], [rows, width])
        shift = self.add(f"{scope}/batchnorm/sub", "Sub", [beta, ms], [rows, width])
        return self.add(f"{scope}/batchnorm/add_1", "AddV2", [xs, shift], [rows, width])

    def dropout(self, scope: str, x: str, shape: list[int], keep: str) -> str:
        noise = self.add(f"{scope}/Shape", "Shape", [x], [len(shape)], dtype=self.int32)
        draw = self.add(f"{scope}/random_uniform/RandomUniform", "RandomUniform", [noise], shape)
        mask = self.add(f"{scope}/GreaterEqual", "GreaterEqual", [draw, keep], shape)
        cast = self.add(f"{scope}/Cast", "Cast", [mask], shape)
        scaled = self.add(f"{scope}/mul", "Mul", [x, keep], shape)
        return self.add(f"{scope}/mul_1", "Mul", [scaled, cast], shape)

    def encoder_layer(self, i: int, x: str, seq: int, width: int, heads: int, keep: str) -> str:
        """One transformer block ``model/encoder/layer_<i>``: self-attention then a feed-forward block."""
        rows = -1  # batch times sequence: the batch is unknown
        scope = f"model/encoder/layer_{i}"
        self.device = _GPU.format(i % 2) if self.rng.random() < 0.8 else ""
        att = f"{scope}/attention/self"
        head = width // heads
        parts = []
        for what in ("query", "key", "value"):
            proj = self.dense(f"{att}/{what}", x, rows, width, width)
            shape = self.add(f"{att}/Reshape_{what}/shape", "Const", shape=[4], dtype=self.int32)
            r = self.add(f"{att}/Reshape_{what}", "Reshape", [proj, shape], [-1, seq, heads, head])
            perm = self.add(f"{att}/transpose_{what}/perm", "Const", shape=[4], dtype=self.int32)
            parts.append(self.add(f"{att}/transpose_{what}", "Transpose", [r, perm], [-1, heads, seq, head]))
        scores = self.add(f"{att}/MatMul", "BatchMatMulV2", [parts[0], parts[1]], [-1, heads, seq, seq])
        factor = self.add(f"{att}/Mul/y", "Const", shape=[])
        scores = self.add(f"{att}/Mul", "Mul", [scores, factor], [-1, heads, seq, seq])
        probs = self.add(f"{att}/Softmax", "Softmax", [scores], [-1, heads, seq, seq])
        probs = self.dropout(f"{att}/dropout", probs, [-1, heads, seq, seq], keep)
        ctx = self.add(f"{att}/MatMul_1", "BatchMatMulV2", [probs, parts[2]], [-1, heads, seq, head])
        perm = self.add(f"{att}/transpose/perm", "Const", shape=[4], dtype=self.int32)
        ctx = self.add(f"{att}/transpose", "Transpose", [ctx, perm], [-1, seq, heads, head])
        shape = self.add(f"{att}/Reshape/shape", "Const", shape=[2], dtype=self.int32)
        ctx = self.add(f"{att}/Reshape", "Reshape", [ctx, shape], [rows, width])
        out = self.dense(f"{scope}/attention/output/dense", ctx, rows, width, width)
        out = self.dropout(f"{scope}/attention/output/dropout", out, [rows, width], keep)
        out = self.add(f"{scope}/attention/output/add", "AddV2", [out, x], [rows, width])
        x = self.layer_norm(f"{scope}/attention/output/LayerNorm", out, rows, width)
        hidden = self.dense(f"{scope}/intermediate/dense", x, rows, width, 4 * width, act="Relu")
        out = self.dense(f"{scope}/output/dense", hidden, rows, 4 * width, width)
        out = self.dropout(f"{scope}/output/dropout", out, [rows, width], keep)
        out = self.add(f"{scope}/output/add", "AddV2", [out, x], [rows, width])
        return self.layer_norm(f"{scope}/output/LayerNorm", out, rows, width)


def large_graph_def(nodes: int = 20000, *, seed: int = 0) -> Any:
    """A TF1-style ``GraphDef`` of a transformer encoder with exactly ``nodes`` nodes (at least 1), for tests and
    benchmarks of the graph view.

    It looks like what ``tf.keras``/TF1 write for a real model: name scopes several levels deep
    (``model/encoder/layer_17/attention/self/query/MatMul``), many identical blocks ``layer_0..layer_N``,
    variables with their initializers, ``Assign`` and ``read`` nodes, ``_output_shapes`` on every node, devices on
    most blocks (parameter server and two GPUs), an ``init`` op with control dependencies (``^x``) on every
    ``Assign``, and a few hundred nodes at or near the top level (per-block summaries, the loss, the optimizer,
    ``Const_<k>`` padding). ``seed`` picks the model's width and which blocks have a device."""
    from telescope.tfrecord.proto import graph_pb2

    graph = graph_pb2.GraphDef(versions=graph_pb2.VersionDef(producer=1205))
    g = _LargeGraph(graph, seed)
    width = g.rng.choice([256, 384, 512, 768])
    heads = 8
    seq = 128
    vocab = 30522
    x = g.add("input/input_ids", "Placeholder", shape=[-1, seq], dtype=g.int32)
    labels = g.add("input/labels", "Placeholder", shape=[-1], dtype=g.int32)
    keep = g.add("input/keep_prob", "PlaceholderWithDefault", [g.add("input/keep_prob/input", "Const", shape=[])], [])
    g.add("global_step/Initializer/zeros", "Const", shape=[], dtype=g.int32)
    gstep = g.add("global_step", "VariableV2", shape=[], dtype=g.int32)
    g.assigns.append(g.add("global_step/Assign", "Assign", [gstep, "global_step/Initializer/zeros"], []))
    g.add("global_step/read", "Identity", [gstep], [], dtype=g.int32)
    table = g.variable("model/embeddings/word_embeddings", [vocab, width], "uniform")
    flat = g.add(
        "model/embeddings/Reshape", "Reshape", [x, g.add("model/embeddings/Reshape/shape", "Const", shape=[1])]
    )
    emb = g.add("model/embeddings/GatherV2", "GatherV2", [table, flat, "model/embeddings/Reshape/shape"], [-1, width])
    pos = g.variable("model/embeddings/position_embeddings", [seq, width], "uniform")
    h = g.add("model/embeddings/add", "AddV2", [emb, pos], [-1, width])
    h = g.layer_norm("model/embeddings/LayerNorm", h, -1, width)

    def tail_size(layers: int) -> int:
        # Four summary nodes per block, and about 30 for the loss, optimizer, init and saver (padding fills the rest).
        return 4 * layers + 40

    layer_outputs: list[str] = []
    layer_size = 0
    while True:
        before = len(graph.node)
        if layer_size and before + layer_size + tail_size(len(layer_outputs) + 1) > nodes:
            break
        h = g.encoder_layer(len(layer_outputs), h, seq, width, heads, keep)
        layer_outputs.append(h)
        layer_size = len(graph.node) - before
        if len(graph.node) >= nodes:
            break
    g.device = ""
    # Top level: a summary of each block's activations, as tf.summary.scalar names them at the root.
    summaries = []
    for i, out in enumerate(layer_outputs):
        mean = g.add(f"Mean_{i}" if i else "Mean", "Mean", [out, g.add(f"Const_{i + 1}", "Const", shape=[2])], [])
        g.add(f"layer_{i}/activation_mean/tags", "Const", shape=[], dtype=g.int32)
        summaries.append(
            g.add(f"layer_{i}/activation_mean", "ScalarSummary", [f"layer_{i}/activation_mean/tags", mean])
        )
    pooled = g.add("model/pooler/Squeeze", "Squeeze", [h], [-1, width])
    logits = g.dense("model/classifier/dense", pooled, -1, width, 2)
    xent = g.add(
        "loss/SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits", [logits, labels], [-1]
    )
    loss = g.add("loss/Mean", "Mean", [xent, g.add("loss/Const", "Const", shape=[1], dtype=g.int32)], [])
    g.add("loss/tags", "Const", shape=[], dtype=g.int32)
    summaries.append(g.add("loss/summary", "ScalarSummary", ["loss/tags", loss], []))
    g.add("Merge/MergeSummary", "MergeSummary", summaries, [])
    lr = g.add("train/learning_rate", "Const", shape=[])
    grads = g.add("train/gradients/Fill", "Fill", [loss, g.add("train/gradients/grad_ys_0", "Const", shape=[])], [])
    step = g.add("train/Adam/update", "NoOp", [grads, lr])
    g.add("train/Adam", "AssignAdd", [gstep, g.add("train/Adam/value", "Const", shape=[], dtype=g.int32), f"^{step}"])
    g.add("init", "NoOp", [f"^{a}" for a in g.assigns])
    g.add("save/Const", "Const", shape=[], dtype=g.int32)
    restores = [g.add(f"save/Assign_{k}", "Assign", [v, "save/Const"]) for k, v in enumerate(g.variables[:4])]
    g.add("save/restore_all", "NoOp", [f"^{r}" for r in restores])
    k = len(layer_outputs) + 1
    while len(graph.node) < nodes:  # pad to the exact size with root-level constants
        g.add(f"Const_{k}", "Const", shape=[])
        k += 1
    del graph.node[nodes:]  # a tiny graph: the builder's first block overshoots; inputs only point backwards
    return graph


def large_run_metadata(graph: Any, *, seed: int = 0) -> Any:
    """A ``RunMetadata`` whose step stats time every node of ``graph`` that computes (not constants, variables
    or no-ops), as TF1's ``add_run_metadata`` writes a profiled step: per device, start and end times in
    microseconds and the bytes each node allocated."""
    import random

    from telescope.tfrecord.proto import run_metadata_pb2

    rng = random.Random(seed)
    rm = run_metadata_pb2.RunMetadata()
    devices: dict[str, Any] = {}
    clock = 1_700_000_000_000_000
    for node in graph.node:
        if node.op in ("Const", "VariableV2", "NoOp", "Placeholder"):
            continue
        device = node.device or "/job:localhost/replica:0/task:0/device:CPU:0"
        dev = devices.get(device)
        if dev is None:
            dev = devices[device] = rm.step_stats.dev_stats.add(device=device)
        took = rng.randint(1, 40) * (25 if node.op in ("MatMul", "BatchMatMulV2") else 1)
        stats = dev.node_stats.add(
            node_name=node.name,
            all_start_micros=clock,
            op_start_rel_micros=1,
            op_end_rel_micros=1 + took,
            all_end_rel_micros=2 + took,
            timeline_label=f"{node.name} = {node.op}()",
        )
        stats.memory.add(allocator_name="cpu", total_bytes=rng.choice([0, 4, 1024, 65536, 1 << 20]), peak_bytes=0)
        clock += took + 2
    return rm


def write_large_graph(
    logdir: str | Path,
    *,
    nodes: int = 20000,
    seed: int = 0,
    run: str = "large",
    profile_tag: str | None = "step_1",
) -> Path:
    """Write :func:`large_graph_def` as run ``run`` of ``logdir`` (``Event.graph_def`` at step 0) with our event
    file writer, and, unless ``profile_tag`` is None, its :func:`large_run_metadata` as tagged run metadata
    ``profile_tag``. Returns the event file's path."""
    import time

    from telescope.tfrecord.proto import event_pb2
    from telescope.writer.event_file import EventFile
    from telescope.writer.records import WHAT_GRAPH_DEF, WHAT_TAGGED_RUN_METADATA, event_bytes, frame

    graph = large_graph_def(nodes, seed=seed)
    out = EventFile(str(Path(logdir) / run))
    wall = time.time()
    try:
        out.write(frame(event_bytes(wall, 0, WHAT_GRAPH_DEF, graph.SerializeToString())))
        if profile_tag is not None:
            tagged = event_pb2.TaggedRunMetadata(
                tag=profile_tag, run_metadata=large_run_metadata(graph, seed=seed).SerializeToString()
            )
            out.write(frame(event_bytes(wall, 1, WHAT_TAGGED_RUN_METADATA, tagged.SerializeToString())))
    finally:
        out.close()
    assert out.path is not None
    return Path(out.path)
