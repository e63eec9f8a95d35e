"""Our per-kind protobuf messages read what TensorBoard's messages write, and the other way round.

Covers the plugin payloads (docs/event-format §6), custom-scalar layouts (§6.10), hparams (§7), op graphs and
run metadata (§8) and the projector config (§9): hand-built messages, what the real writers in the fixture
logdirs produced, and the projector config text files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import text_format
from google.protobuf.message import Message
from google.protobuf.unknown_fields import UnknownFieldSet

from telescope.tfrecord.framing import read_frames
from telescope.tfrecord.proto import (
    graph_pb2,
    hparams_pb2,
    layout_pb2,
    plugin_data_pb2,
    projector_config_pb2,
    run_metadata_pb2,
    types_pb2,
)

tb_event_pb2 = pytest.importorskip("tensorboard.compat.proto.event_pb2")
tb_graph_pb2 = pytest.importorskip("tensorboard.compat.proto.graph_pb2")
tb_config_pb2 = pytest.importorskip("tensorboard.compat.proto.config_pb2")
tb_step_stats_pb2 = pytest.importorskip("tensorboard.compat.proto.step_stats_pb2")
tb_cost_graph_pb2 = pytest.importorskip("tensorboard.compat.proto.cost_graph_pb2")
tb_attr_value_pb2 = pytest.importorskip("tensorboard.compat.proto.attr_value_pb2")
tb_image = pytest.importorskip("tensorboard.plugins.image.plugin_data_pb2")
tb_audio = pytest.importorskip("tensorboard.plugins.audio.plugin_data_pb2")
tb_histogram = pytest.importorskip("tensorboard.plugins.histogram.plugin_data_pb2")
tb_text = pytest.importorskip("tensorboard.plugins.text.plugin_data_pb2")
tb_pr_curve = pytest.importorskip("tensorboard.plugins.pr_curve.plugin_data_pb2")
tb_mesh = pytest.importorskip("tensorboard.plugins.mesh.plugin_data_pb2")
tb_layout = pytest.importorskip("tensorboard.plugins.custom_scalar.layout_pb2")
tb_hparams = pytest.importorskip("tensorboard.plugins.hparams.plugin_data_pb2")
tb_hparams_api = pytest.importorskip("tensorboard.plugins.hparams.api_pb2")
tb_projector = pytest.importorskip("tensorboard.plugins.projector.projector_config_pb2")


def _via_wire(message: Message, target: type[Message]) -> Any:
    """Serialize ``message`` and parse the bytes as ``target`` (the other side's class)."""
    return target.FromString(message.SerializeToString())


# --- plugin payloads -----------------------------------------------------------------------------------------


PLUGIN_DATA_CASES: list[tuple[Message, type[Message], dict[str, Any]]] = [
    (
        tb_image.ImagePluginData(converted_to_tensor=True),
        plugin_data_pb2.ImagePluginData,
        {"converted_to_tensor": True},
    ),
    (
        tb_audio.AudioPluginData(encoding=tb_audio.AudioPluginData.WAV, converted_to_tensor=True),
        plugin_data_pb2.AudioPluginData,
        {"encoding": plugin_data_pb2.AudioPluginData.WAV, "converted_to_tensor": True},
    ),
    (tb_histogram.HistogramPluginData(version=0), plugin_data_pb2.HistogramPluginData, {"version": 0}),
    (tb_text.TextPluginData(version=0), plugin_data_pb2.TextPluginData, {"version": 0}),
    (tb_pr_curve.PrCurvePluginData(num_thresholds=127), plugin_data_pb2.PrCurvePluginData, {"num_thresholds": 127}),
    (
        tb_mesh.MeshPluginData(
            name="cube",
            content_type=tb_mesh.MeshPluginData.FACE,
            json_config='{"camera": {}}',
            shape=[1, 12, 3],
            components=0b1110,
        ),
        plugin_data_pb2.MeshPluginData,
        {
            "name": "cube",
            "content_type": plugin_data_pb2.MeshPluginData.FACE,
            "json_config": '{"camera": {}}',
            "shape": [1, 12, 3],
            "components": 0b1110,
        },
    ),
]


@pytest.mark.parametrize(
    ("theirs", "ours_cls", "expected"), PLUGIN_DATA_CASES, ids=[type(c[0]).__name__ for c in PLUGIN_DATA_CASES]
)
def test_plugin_data_from_tensorboard(theirs: Message, ours_cls: type[Message], expected: dict[str, Any]) -> None:
    ours = _via_wire(theirs, ours_cls)
    for name, value in expected.items():
        got = getattr(ours, name)
        assert (list(got) if name == "shape" else got) == value, name
    # Nothing TensorBoard wrote was left unrecognised.
    assert len(UnknownFieldSet(ours)) == 0
    assert _via_wire(ours, type(theirs)) == theirs


def test_audio_and_mesh_enum_values_match_tensorboard() -> None:
    assert plugin_data_pb2.AudioPluginData.WAV == tb_audio.AudioPluginData.WAV == 11
    for name in ("UNDEFINED", "VERTEX", "FACE", "COLOR"):
        assert plugin_data_pb2.MeshPluginData.ContentType.Value(name) == tb_mesh.MeshPluginData.ContentType.Value(name)


# --- custom scalars layout -----------------------------------------------------------------------------------


def test_layout_from_tensorboard() -> None:
    theirs = tb_layout.Layout(
        category=[
            tb_layout.Category(
                title="losses",
                closed=True,
                chart=[
                    tb_layout.Chart(title="all", multiline=tb_layout.MultilineChartContent(tag=[r"loss/.*"])),
                    tb_layout.Chart(
                        title="band",
                        margin=tb_layout.MarginChartContent(
                            series=[tb_layout.MarginChartContent.Series(value="m", lower="lo", upper="hi")]
                        ),
                    ),
                ],
            )
        ]
    )
    ours = _via_wire(theirs, layout_pb2.Layout)
    category = ours.category[0]
    assert (category.title, category.closed) == ("losses", True)
    assert category.chart[0].WhichOneof("content") == "multiline"
    assert list(category.chart[0].multiline.tag) == [r"loss/.*"]
    assert category.chart[1].WhichOneof("content") == "margin"
    series = category.chart[1].margin.series[0]
    assert (series.value, series.lower, series.upper) == ("m", "lo", "hi")
    assert _via_wire(ours, tb_layout.Layout) == theirs


# --- hparams -------------------------------------------------------------------------------------------------


def test_hparams_experiment_from_tensorboard() -> None:
    info_lr = tb_hparams_api.HParamInfo(
        name="lr",
        type=tb_hparams_api.DATA_TYPE_FLOAT64,
        domain_interval=tb_hparams_api.Interval(min_value=1e-4, max_value=0.1),
    )
    info_opt = tb_hparams_api.HParamInfo(
        name="optimizer", display_name="Optimizer", type=tb_hparams_api.DATA_TYPE_STRING
    )
    info_opt.domain_discrete.extend(["adam", "sgd"])
    metric = tb_hparams_api.MetricInfo(
        name=tb_hparams_api.MetricName(group="validation", tag="epoch_accuracy"),
        display_name="Accuracy",
        dataset_type=tb_hparams_api.DATASET_VALIDATION,
    )
    theirs = tb_hparams.HParamsPluginData(
        experiment=tb_hparams_api.Experiment(
            name="sweep", time_created_secs=12.5, hparam_infos=[info_lr, info_opt], metric_infos=[metric]
        )
    )
    ours = _via_wire(theirs, hparams_pb2.HParamsPluginData)
    assert ours.WhichOneof("data") == "experiment"
    lr, opt = ours.experiment.hparam_infos
    assert (lr.name, lr.type, lr.WhichOneof("domain")) == ("lr", hparams_pb2.DATA_TYPE_FLOAT64, "domain_interval")
    assert (lr.domain_interval.min_value, lr.domain_interval.max_value) == (1e-4, 0.1)
    assert opt.type == hparams_pb2.DATA_TYPE_STRING
    assert [v.string_value for v in opt.domain_discrete.values] == ["adam", "sgd"]
    m = ours.experiment.metric_infos[0]
    assert (m.name.group, m.name.tag, m.dataset_type) == (
        "validation",
        "epoch_accuracy",
        hparams_pb2.DATASET_VALIDATION,
    )
    assert ours.experiment.time_created_secs == 12.5
    assert _via_wire(ours, tb_hparams.HParamsPluginData) == theirs


def test_hparams_session_info_both_ways() -> None:
    ours = hparams_pb2.HParamsPluginData(
        session_start_info=hparams_pb2.SessionStartInfo(group_name="trial1", start_time_secs=3.0)
    )
    ours.session_start_info.hparams["lr"].number_value = 0.1
    ours.session_start_info.hparams["opt"].string_value = "adam"
    ours.session_start_info.hparams["bn"].bool_value = True
    theirs = _via_wire(ours, tb_hparams.HParamsPluginData)
    start = theirs.session_start_info
    assert start.group_name == "trial1"
    assert {k: v.WhichOneof("kind") for k, v in start.hparams.items()} == {
        "lr": "number_value",
        "opt": "string_value",
        "bn": "bool_value",
    }
    assert start.hparams["lr"].number_value == 0.1

    end = tb_hparams.HParamsPluginData(
        session_end_info=tb_hparams.SessionEndInfo(status=tb_hparams_api.STATUS_FAILURE, end_time_secs=9.0)
    )
    parsed = _via_wire(end, hparams_pb2.HParamsPluginData)
    assert parsed.session_end_info.status == hparams_pb2.STATUS_FAILURE
    assert parsed.session_end_info.end_time_secs == 9.0


def test_hparams_data_type_does_not_clash_with_tensor_data_type() -> None:
    assert hparams_pb2.DESCRIPTOR.package == "telescope.hparams"
    assert hparams_pb2.DataType.DESCRIPTOR.full_name != types_pb2.DataType.DESCRIPTOR.full_name
    assert hparams_pb2.DataType.Name(3) == "DATA_TYPE_FLOAT64"
    assert types_pb2.DataType.Name(3) == "DT_INT32"


# --- graphs and run metadata ---------------------------------------------------------------------------------


def _tb_graph() -> Any:
    graph = tb_graph_pb2.GraphDef(versions={"producer": 22, "min_consumer": 12, "bad_consumers": [3]})
    x = graph.node.add(name="input/x", op="Placeholder", device="/device:CPU:0")
    x.attr["dtype"].type = 1
    x.attr["_output_shapes"].list.shape.add().dim.add(size=4)
    mm = graph.node.add(name="net/matmul", op="MatMul", input=["input/x", "net/w:0", "^init"])
    mm.attr["transpose_a"].b = False
    mm.attr["_class"].list.s.append(b"loc:@net/w")
    mm.attr["f"].func.name = "body"
    mm.attr["f"].func.attr["T"].type = 2
    fn = graph.library.function.add()
    fn.signature.name = "body"
    fn.signature.input_arg.add(name="a", type=1)
    fn.signature.output_arg.add(name="out", type_attr="T")
    fn.node_def.add(name="add", op="AddV2", input=["a", "a"])
    fn.ret["out"] = "add:z:0"
    graph.library.gradient.add(function_name="body", gradient_func="body_grad")
    return graph


def test_graph_from_tensorboard() -> None:
    ours = _via_wire(_tb_graph(), graph_pb2.GraphDef)
    assert (ours.versions.producer, ours.versions.min_consumer, list(ours.versions.bad_consumers)) == (22, 12, [3])
    x, mm = ours.node
    assert (x.name, x.op, x.device) == ("input/x", "Placeholder", "/device:CPU:0")
    assert x.attr["dtype"].type == types_pb2.DT_FLOAT
    assert [d.size for d in x.attr["_output_shapes"].list.shape[0].dim] == [4]
    assert list(mm.input) == ["input/x", "net/w:0", "^init"]
    assert mm.attr["transpose_a"].WhichOneof("value") == "b"
    assert list(mm.attr["_class"].list.s) == [b"loc:@net/w"]
    assert mm.attr["f"].func.name == "body"
    assert mm.attr["f"].func.attr["T"].type == types_pb2.DT_DOUBLE
    fn = ours.library.function[0]
    assert fn.signature.name == "body"
    assert (fn.signature.input_arg[0].name, fn.signature.input_arg[0].type) == ("a", types_pb2.DT_FLOAT)
    assert fn.signature.output_arg[0].type_attr == "T"
    assert fn.node_def[0].op == "AddV2"
    assert dict(fn.ret) == {"out": "add:z:0"}
    assert ours.library.gradient[0].gradient_func == "body_grad"


def test_graph_to_tensorboard() -> None:
    ours = graph_pb2.GraphDef()
    node = ours.node.add(name="a/b", op="Const")
    node.attr["value"].tensor.dtype = types_pb2.DT_FLOAT
    node.attr["value"].tensor.float_val.append(2.5)
    node.attr["keras_class"].s = b"Dense"
    theirs = _via_wire(ours, tb_graph_pb2.GraphDef)
    assert theirs.node[0].attr["value"].tensor.float_val == [2.5]
    assert theirs.node[0].attr["keras_class"].s == b"Dense"


def test_run_metadata_from_tensorboard() -> None:
    rm = tb_config_pb2.RunMetadata(session_metadata={"name": "s", "version": 7})
    dev = rm.step_stats.dev_stats.add(device="/device:CPU:0")
    dev.thread_names[3] = "worker"
    stats = dev.node_stats.add(node_name="net/matmul", all_start_micros=100, op_end_rel_micros=40, thread_id=3)
    stats.all_end_rel_micros = 50
    mem = stats.memory.add(allocator_name="cpu", total_bytes=64, peak_bytes=64)
    mem.allocation_records.add(alloc_micros=101, alloc_bytes=64)
    out = stats.output.add(slot=0)
    out.tensor_description.dtype = 1
    out.tensor_description.shape.dim.add(size=4)
    out.tensor_description.allocation_description.requested_bytes = 16
    stats.memory_stats.temp_memory_size = 8
    cost = rm.cost_graph.node.add(name="net/matmul", device="/device:CPU:0", id=2, compute_cost=5, compute_time=6)
    cost.input_info.add(preceding_node=1, preceding_port=0)
    cost.output_info.add(size=16, dtype=1)
    rm.partition_graphs.add().node.add(name="p")
    rm.function_graphs.add().pre_optimization_graph.node.add(name="f/x", op="Identity")

    ours = _via_wire(rm, run_metadata_pb2.RunMetadata)
    assert (ours.session_metadata.name, ours.session_metadata.version) == ("s", 7)
    d = ours.step_stats.dev_stats[0]
    assert d.device == "/device:CPU:0"
    assert dict(d.thread_names) == {3: "worker"}
    n = d.node_stats[0]
    assert (n.node_name, n.all_start_micros, n.op_end_rel_micros, n.all_end_rel_micros) == ("net/matmul", 100, 40, 50)
    assert (n.memory[0].allocator_name, n.memory[0].total_bytes) == ("cpu", 64)
    assert n.memory[0].allocation_records[0].alloc_bytes == 64
    desc = n.output[0].tensor_description
    assert (desc.dtype, desc.shape.dim[0].size, desc.allocation_description.requested_bytes) == (1, 4, 16)
    assert n.memory_stats.temp_memory_size == 8
    c = ours.cost_graph.node[0]
    assert (c.name, c.id, c.compute_cost, c.compute_time) == ("net/matmul", 2, 5, 6)
    assert (c.input_info[0].preceding_node, c.output_info[0].size) == (1, 16)
    assert ours.partition_graphs[0].node[0].name == "p"
    assert ours.function_graphs[0].pre_optimization_graph.node[0].op == "Identity"
    assert _via_wire(ours, tb_config_pb2.RunMetadata) == rm


# --- what the real writers produced --------------------------------------------------------------------------


def _events(logdir: Path) -> Iterator[Any]:
    for path in sorted(logdir.rglob("*tfevents*")):
        for payload in read_frames(path.read_bytes()).payloads:
            yield tb_event_pb2.Event.FromString(bytes(payload))


_GRAPH_PLUGINS = {"graph_run_metadata", "graph_run_metadata_graph"}


@pytest.mark.parametrize("name", ["keras_dev", "torch_dev", "tbx_dev"])
def test_fixture_payloads_parse_and_round_trip(name: str, fixture_logdir: Callable[[str], Path]) -> None:
    """Every graph, run metadata and plugin payload the writers produced parses with our messages.

    Going back through our message loses nothing: TensorBoard's parse of our re-serialization equals its parse
    of the original bytes (fields we do not declare ride along as unknown fields).
    """
    seen: dict[str, int] = {}

    def check(kind: str, data: bytes, ours_cls: type[Message], theirs_cls: type[Message]) -> Any:
        ours = ours_cls.FromString(data)
        assert theirs_cls.FromString(ours.SerializeToString()) == theirs_cls.FromString(data), kind
        seen[kind] = seen.get(kind, 0) + 1
        return ours

    for event in _events(fixture_logdir(name)):
        if event.HasField("graph_def"):
            graph = check("graph_def", event.graph_def, graph_pb2.GraphDef, tb_graph_pb2.GraphDef)
            assert graph.node and all(n.name for n in graph.node)
        if event.HasField("tagged_run_metadata"):
            check(
                "run_metadata",
                event.tagged_run_metadata.run_metadata,
                run_metadata_pb2.RunMetadata,
                tb_config_pb2.RunMetadata,
            )
        for value in event.summary.value:
            plugin = value.metadata.plugin_data.plugin_name
            content = value.metadata.plugin_data.content
            if plugin == "hparams":
                parsed = check("hparams", content, hparams_pb2.HParamsPluginData, tb_hparams.HParamsPluginData)
                assert parsed.WhichOneof("data") is not None
            elif plugin in _GRAPH_PLUGINS:
                rm = check(plugin, value.tensor.string_val[0], run_metadata_pb2.RunMetadata, tb_config_pb2.RunMetadata)
                assert rm.function_graphs or rm.partition_graphs
            elif plugin == "custom_scalars":
                check(plugin, value.tensor.string_val[0], layout_pb2.Layout, tb_layout.Layout)
            elif plugin == "pr_curves":
                parsed = check(plugin, content, plugin_data_pb2.PrCurvePluginData, tb_pr_curve.PrCurvePluginData)
                assert parsed.num_thresholds == value.tensor.tensor_shape.dim[1].size
            elif plugin == "mesh":
                parsed = check(plugin, content, plugin_data_pb2.MeshPluginData, tb_mesh.MeshPluginData)
                assert value.tag.endswith(
                    (
                        f"_{plugin_data_pb2.MeshPluginData.ContentType.Name(parsed.content_type)}",
                        f"_{parsed.content_type}",
                    )
                )
    # Each logdir has at least an op graph and hparams (see the fixtures' README).
    assert seen.get("graph_def", 0) + seen.get("graph_run_metadata_graph", 0) > 0, seen
    assert seen.get("hparams", 0) > 0, seen


# --- projector -----------------------------------------------------------------------------------------------


def test_projector_config_round_trip_with_tensorboard() -> None:
    theirs = tb_projector.ProjectorConfig(model_checkpoint_dir="ckpt")
    emb = theirs.embeddings.add(tensor_name="emb:00000", tensor_path="t.tsv", tensor_shape=[10, 3])
    emb.sprite.image_path = "sprite.png"
    emb.sprite.single_image_dim.extend([8, 8])
    ours = text_format.Parse(text_format.MessageToString(theirs), projector_config_pb2.ProjectorConfig())
    assert ours.model_checkpoint_dir == "ckpt"
    assert list(ours.embeddings[0].tensor_shape) == [10, 3]
    assert list(ours.embeddings[0].sprite.single_image_dim) == [8, 8]
    assert _via_wire(ours, tb_projector.ProjectorConfig) == theirs


@pytest.mark.parametrize("name", ["torch_dev", "tbx_dev"])
def test_projector_config_files_parse(name: str, fixture_logdir: Callable[[str], Path]) -> None:
    paths = sorted(fixture_logdir(name).rglob("projector_config.pbtxt"))
    assert paths, f"{name} has no projector_config.pbtxt"
    for path in paths:
        text = path.read_text(encoding="utf-8")
        ours = text_format.Parse(text, projector_config_pb2.ProjectorConfig())
        theirs = text_format.Parse(text, tb_projector.ProjectorConfig())
        assert ours.embeddings, path
        assert _via_wire(ours, tb_projector.ProjectorConfig) == theirs
        for emb in ours.embeddings:
            assert emb.tensor_name
            # The files named in the config sit beside it (paths are relative to its directory).
            assert (path.parent / emb.tensor_path).is_file(), emb.tensor_path
            if emb.HasField("sprite"):
                assert len(emb.sprite.single_image_dim) == 2
                assert (path.parent / emb.sprite.image_path).is_file()
