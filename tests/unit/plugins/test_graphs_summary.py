"""Graph summaries: PyTorch modules traced into scoped op graphs, and Keras model configs."""

from __future__ import annotations

import builtins
import json
import logging
from typing import Any

import pytest

from telescope.plugins.graphs import metadata
from telescope.plugins.graphs.summary import keras_model, torch_graph
from telescope.tfrecord.proto import graph_pb2, summary_pb2, types_pb2

torch = pytest.importorskip("torch")
nn = torch.nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.drop = nn.Dropout(0.5)

    def forward(self, x: Any) -> Any:
        return torch.relu(self.drop(self.conv(x)))


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.fc1 = nn.Linear(4 * 6 * 6, 10)

    def forward(self, x: Any, unused: Any = None) -> Any:
        y = self.block(x).flatten(1)
        # Reading fc1's weight a second time: still one node for that parameter.
        return self.fc1(y) + self.fc1.weight.sum()


def _graph(model: Any, inputs: Any) -> dict[str, graph_pb2.NodeDef]:
    graph_bytes, run_metadata_bytes = torch_graph(model, inputs)
    graph = metadata.parse_graph_def(graph_bytes)
    assert graph.versions.producer == 22
    devices = [d.device for d in metadata.parse_run_metadata(run_metadata_bytes).step_stats.dev_stats]
    assert devices == ["/device:CPU:0"]
    nodes = {n.name: n for n in graph.node}
    assert len(nodes) == len(graph.node), "node names must be unique"
    return nodes


def _shapes(node: graph_pb2.NodeDef) -> list[list[int]]:
    return [[d.size for d in s.dim] for s in node.attr["_output_shapes"].list.shape]


def test_nodes_are_scoped_by_module_nesting_and_every_edge_has_both_ends() -> None:
    nodes = _graph(Net(), torch.zeros(2, 3, 8, 8))
    for node in nodes.values():
        assert all(source in nodes for source in node.input), node.name
    conv = [n for n in nodes.values() if n.op == "aten::_convolution"]
    assert len(conv) == 1
    assert conv[0].name.startswith("Net/Block[block]/Conv2d[conv]/")
    assert _shapes(conv[0]) == [[2, 4, 6, 6]]
    assert "input/x" in conv[0].input
    assert "Net/Block[block]/Conv2d[conv]/weight" in conv[0].input
    assert [n.name for n in nodes.values() if n.name.startswith("Net/Linear[fc1]/") and n.op == "aten::linear"]


def test_inputs_and_outputs_are_io_nodes() -> None:
    nodes = _graph(Net(), torch.zeros(2, 3, 8, 8))
    assert nodes["input/x"].op == "IO Node"
    assert _shapes(nodes["input/x"]) == [[2, 3, 8, 8]]
    assert "input/unused" not in nodes  # an argument the trace never used
    out = nodes["output/output.1"]
    assert out.op == "IO Node"
    assert _shapes(out) == [[2, 10]]
    (source,) = out.input
    assert nodes[source].op == "aten::add"


def test_a_parameter_read_twice_is_one_node() -> None:
    nodes = _graph(Net(), torch.zeros(1, 3, 8, 8))
    weight = [n for n in nodes if n.startswith("Net/Linear[fc1]/weight")]
    assert weight == ["Net/Linear[fc1]/weight"]
    assert nodes["Net/Linear[fc1]/weight"].op == "prim::GetAttr"
    readers = [n.op for n in nodes.values() if "Net/Linear[fc1]/weight" in n.input]
    assert sorted(readers) == ["aten::linear", "aten::sum"]


def test_constants_show_their_value() -> None:
    nodes = _graph(Net(), torch.zeros(1, 3, 8, 8))
    texts = {n.attr["attr"].s.decode() for n in nodes.values() if n.op == "prim::Constant" and "attr" in n.attr}
    assert "{value: 0.5}" in texts  # the dropout probability


def test_tracing_leaves_the_training_flag_as_it_was() -> None:
    model = Net()
    model.train()
    _graph(model, torch.zeros(1, 3, 8, 8))
    assert model.training and model.block.drop.training
    model.eval()
    _graph(model, torch.zeros(1, 3, 8, 8))
    assert not model.training


def test_dropout_is_traced_in_eval_mode() -> None:
    nodes = _graph(Net().train(), torch.zeros(1, 3, 8, 8))
    (dropout,) = [n for n in nodes.values() if n.op == "aten::dropout"]
    # dropout(input, p, train): the third input is the constant train=False
    assert nodes[dropout.input[2]].attr["attr"].s == b"{value: 0}"


def test_a_plain_function_can_be_traced() -> None:
    def double_plus(x: Any, y: Any) -> Any:
        return x * 2 + y

    nodes = _graph(double_plus, (torch.ones(3), torch.ones(3)))
    assert {"input/x", "input/y", "output/output.1"} <= set(nodes)
    assert any(n.startswith("double_plus/") and nodes[n].op == "aten::add" for n in nodes)


def test_verbose_logs_the_traced_graph(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="telescope.plugins.graphs.summary"):
        torch_graph(nn.Linear(2, 1), torch.zeros(1, 2), verbose=True)
    assert "aten::linear" in caplog.text


def test_a_model_that_cannot_be_traced_says_so() -> None:
    class DictOut(nn.Module):
        def forward(self, x: Any) -> Any:
            return {"y": x}

    with pytest.raises(RuntimeError) as info:
        torch_graph(DictOut(), torch.zeros(1))
    assert any("no graph was written" in note for note in getattr(info.value, "__notes__", []))


def test_without_torch_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_torch(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ImportError, match="pip install torch"):
        torch_graph(object(), None)


def test_keras_model_config_value() -> None:
    config = {"class_name": "Sequential", "config": {"name": "m", "layers": []}}
    summary = keras_model("keras", json.dumps(config), step=3)
    (value,) = summary.value
    assert value.tag == "keras"
    assert value.metadata.plugin_data.plugin_name == "graph_keras_model"
    assert value.metadata.plugin_data.content == b"1"
    # Unset, so that readers infer BLOB_SEQUENCE and reshape the rank-0 tensor as Keras' own files need.
    assert value.metadata.data_class == summary_pb2.DATA_CLASS_UNKNOWN
    assert value.tensor.dtype == types_pb2.DT_STRING
    assert len(value.tensor.tensor_shape.dim) == 0
    assert json.loads(value.tensor.string_val[0]) == config


def test_keras_model_refuses_text_that_is_not_json() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        keras_model("keras", "{not json")
