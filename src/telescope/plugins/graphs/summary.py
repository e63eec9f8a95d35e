"""Writer side of the graphs kind: op graphs of PyTorch models and Keras model configs (docs/event-format §8).

Called by ``SummaryWriter.add_graph`` (which writes the two byte strings of :func:`torch_graph` as
``Event.graph_def`` and ``Event.tagged_run_metadata``) and by the Keras callback support
(:func:`keras_model`, a summary value).

:func:`torch_graph` traces the model with ``torch.jit.trace`` and turns the inlined TorchScript graph into a
``GraphDef`` the way TensorBoard's graph viewer expects from PyTorch:

* one node per value the graph computes, named ``<scope>/<value name>``, where the scope follows module
  nesting: ``Net/Block[block]/Conv2d[conv]`` (class name, then the attribute name in brackets);
* parameters and buffers read by the model are one node each, ``<module scope>/<attribute>`` (e.g.
  ``Net/Linear[fc1]/weight``), even when the model reads them several times;
* graph inputs are ``input/<argument name>``, outputs ``output/output.<i>``, both with op ``IO Node``;
* ``op`` is the TorchScript kind (``aten::linear``, ``prim::Constant``...); ``_output_shapes`` is set when
  the traced size is known; ``attr`` holds a short text of the TorchScript node's attributes.

torch is imported only when :func:`torch_graph` runs, so the writer does not need it otherwise.
"""

from __future__ import annotations

import contextlib
import json
import logging
import warnings
from collections.abc import Iterator
from typing import Any

from telescope.plugins.graphs import metadata
from telescope.plugins.values import tensor_proto, tensor_summary
from telescope.tfrecord.proto import graph_pb2, run_metadata_pb2, summary_pb2, tensor_shape_pb2

__all__ = ["keras_model", "torch_graph"]

logger = logging.getLogger(__name__)

_IO_OP = "IO Node"
# Longest attribute value text kept in a node's ``attr`` (a constant may hold a large tensor).
_MAX_ATTR_TEXT = 200


def keras_model(tag: str, model_json: str, step: int = 0) -> summary_pb2.Summary:
    """A ``graph_keras_model`` value holding a Keras model config (``model.to_json()``).

    ``step`` is accepted for symmetry with TensorFlow's ``keras_model`` summary; the step belongs to the event
    the writer puts this summary in. Raises ``ValueError`` when ``model_json`` is not JSON.
    """
    del step
    text = model_json.decode("utf-8") if isinstance(model_json, bytes) else model_json
    try:
        json.loads(text)
    except ValueError as e:
        raise ValueError(f"model_json is not JSON: {e}") from e
    return tensor_summary(tag, tensor_proto(text.encode("utf-8")), metadata.create_keras_model_metadata())


def _shape_attr(sizes: list[int]) -> graph_pb2.AttrValue:
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in sizes])
    return graph_pb2.AttrValue(list=graph_pb2.AttrValue.ListValue(shape=[shape]))


def _known_sizes(value: Any) -> list[int] | None:
    """The traced sizes of a tensor value, or None when it is not a tensor of known shape."""
    try:
        if not value.isCompleteTensor():
            return None
        sizes = value.type().sizes()
    except RuntimeError:
        return None
    if sizes is None:
        return None
    return [-1 if d is None else int(d) for d in sizes]  # -1: a size the tracer did not fix


def _attribute_text(node: Any) -> str:
    """A short text of a TorchScript node's attributes, e.g. ``{value: 0.1}``."""
    parts = []
    for name in node.attributeNames():
        try:
            raw = getattr(node, node.kindOf(name))(name)
        except (RuntimeError, AttributeError, TypeError):
            continue
        if hasattr(raw, "numel") and hasattr(raw, "tolist"):  # a tensor constant
            text = str(raw.tolist()) if raw.numel() <= 8 else f"tensor of shape {list(raw.shape)}, {raw.dtype}"
        else:
            text = str(raw)
        if len(text) > _MAX_ATTR_TEXT:
            text = text[: _MAX_ATTR_TEXT - 3] + "..."
        parts.append(f"{name}: {text}")
    return "{" + ", ".join(parts) + "}"


class _GraphBuilder:
    """Turns an inlined TorchScript graph into ``NodeDef`` s (one pass over its nodes)."""

    def __init__(self, base: str, module_classes: dict[str, str]) -> None:
        self.base = base
        self.module_classes = module_classes  # dotted module path → class name
        self.nodes: list[graph_pb2.NodeDef] = []
        self.used: set[str] = set()
        self.producer: dict[int, str] = {}  # Value.unique() → name of the node producing it
        self.module_path: dict[int, str] = {}  # Value.unique() of a module object → its dotted path
        self.parameters: dict[tuple[str, str], str] = {}  # (module path, attribute) → node name

    def unique(self, name: str) -> str:
        candidate, k = name, 1
        while candidate in self.used:
            candidate = f"{name}.{k}"
            k += 1
        self.used.add(candidate)
        return candidate

    def module_scope(self, path: str) -> str:
        """``Net/Block[block]/Conv2d[conv]`` for the module path ``block.conv``."""
        scope = [self.base]
        parts = path.split(".") if path else []
        for i, attr in enumerate(parts):
            cls = self.module_classes.get(".".join(parts[: i + 1]), "Module")
            scope.append(f"{cls}[{attr}]")
        return "/".join(scope)

    def node_scope(self, node: Any) -> str:
        """The scope of an op from the tracer's scope name, ``__module.block/__module.block.conv``."""
        scope_name = node.scopeName()
        if not scope_name:
            return self.base
        last = scope_name.split("/")[-1]
        path = last.removeprefix("__module").removeprefix(".")
        return self.module_scope(path)

    def add(self, name: str, op: str, inputs: list[Any], sizes: list[int] | None, attr_text: str = "") -> str:
        node = graph_pb2.NodeDef(name=self.unique(name), op=op)
        for value in inputs:
            source = self.producer.get(value.unique())
            if source is not None:  # module objects and unused inputs have no node
                node.input.append(source)
        if sizes is not None:
            node.attr["_output_shapes"].CopyFrom(_shape_attr(sizes))
        if attr_text and attr_text != "{}":
            node.attr["attr"].CopyFrom(graph_pb2.AttrValue(s=attr_text.encode("utf-8")))
        self.nodes.append(node)
        return node.name

    def get_attr(self, node: Any) -> None:
        """A ``prim::GetAttr``: a submodule (remembered, no node) or a parameter/buffer (one node per tensor)."""
        attr = node.s("name")
        source = node.input()
        parent = self.module_path.get(source.unique())
        output = node.output()
        if output.type().kind() == "ClassType":
            if parent is not None:
                self.module_path[output.unique()] = f"{parent}.{attr}" if parent else attr
            return
        key = (parent if parent is not None else "", attr)
        name = self.parameters.get(key)
        if name is None:
            scope = self.module_scope(key[0])
            name = self.add(f"{scope}/{attr}", node.kind(), [], _known_sizes(output), _attribute_text(node))
            self.parameters[key] = name
        self.producer[output.unique()] = name

    def build(self, graph: Any) -> list[graph_pb2.NodeDef]:
        for value in graph.inputs():
            if value.type().kind() == "ClassType":  # ``self``: the root module
                self.module_path[value.unique()] = ""
            elif value.uses():
                self.producer[value.unique()] = self.add(f"input/{value.debugName()}", _IO_OP, [], _known_sizes(value))
        for node in graph.nodes():
            if node.kind() == "prim::GetAttr":
                self.get_attr(node)
                continue
            scope = self.node_scope(node)
            attr_text = _attribute_text(node)
            for output in node.outputs():
                name = self.add(
                    f"{scope}/{output.debugName()}", node.kind(), list(node.inputs()), _known_sizes(output), attr_text
                )
                self.producer[output.unique()] = name
        for i, value in enumerate(graph.outputs(), start=1):
            self.add(f"output/output.{i}", _IO_OP, [value], _known_sizes(value))
        return self.nodes


@contextlib.contextmanager
def _eval_mode(model: Any) -> Iterator[None]:
    """Trace in eval mode (dropout off, batch-norm statistics untouched), then restore the training flag."""
    training = getattr(model, "training", None)
    if training is None or not hasattr(model, "train"):
        yield
        return
    model.train(False)
    try:
        yield
    finally:
        model.train(training)


def torch_graph(
    model: Any, input_to_model: Any = None, verbose: bool = False, use_strict_trace: bool = True
) -> tuple[bytes, bytes]:
    """The serialized ``GraphDef`` and ``RunMetadata`` of ``model`` traced on ``input_to_model``.

    ``model`` is a ``torch.nn.Module`` (or a function torch can trace); ``input_to_model`` a tensor or a
    tuple/list of the positional arguments (None for none). ``verbose`` logs the TorchScript graph at INFO
    level; ``use_strict_trace`` is passed to ``torch.jit.trace`` as ``strict`` (False lets the tracer record
    lists and dicts). The ``RunMetadata`` names one device, ``/device:CPU:0``, whatever the model ran on: it only
    makes TensorBoard offer the profile view, as ``torch.utils.tensorboard`` does.
    """
    try:
        import torch
    except ImportError as e:
        raise ImportError("writing a PyTorch graph needs PyTorch: pip install torch") from e

    args: Any = () if input_to_model is None else input_to_model
    with _eval_mode(model), warnings.catch_warnings():
        # The user asked for a graph, not for tracing: the tracer's own deprecation notice is not theirs to act on.
        warnings.filterwarnings("ignore", message=r".*torch\.jit\.trace.* is deprecated", category=DeprecationWarning)
        try:
            jit: Any = torch.jit  # torch.jit.trace carries no annotations
            traced = jit.trace(model, args, strict=use_strict_trace)
        except Exception as e:
            e.add_note("telescope: torch.jit.trace could not trace the model, so no graph was written")
            raise
    graph = traced.inlined_graph
    if verbose:
        logger.info("traced graph of %s:\n%s", type(model).__name__, graph)

    if isinstance(model, torch.nn.Module):
        base = type(model).__name__
        classes = {path: type(module).__name__ for path, module in model.named_modules() if path}
    else:
        base = getattr(model, "__name__", None) or getattr(traced, "name", None) or type(model).__name__
        classes = {}
    nodes = _GraphBuilder(base, classes).build(graph)
    graph_def = graph_pb2.GraphDef(node=nodes, versions=graph_pb2.VersionDef(producer=metadata.GRAPH_PRODUCER))
    run_metadata = run_metadata_pb2.RunMetadata(
        step_stats=run_metadata_pb2.StepStats(dev_stats=[run_metadata_pb2.DeviceStepStats(device="/device:CPU:0")])
    )
    return graph_def.SerializeToString(), run_metadata.SerializeToString()
