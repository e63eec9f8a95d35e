"""Op graphs for display: merging the function graphs of a trace, summarising attributes, and the nodes of a
``GraphDef`` as plain values (name, op, inputs, device, attributes summarised, output shapes) for the HTTP API.

Pure functions over ``GraphDef`` messages; the graph dashboard draws what :func:`graph_nodes` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telescope.tfrecord.proto import graph_pb2, run_metadata_pb2, tensor_shape_pb2, types_pb2

__all__ = [
    "NodeEncoder",
    "attr_summary",
    "graph_from_run_metadata",
    "graph_nodes",
    "merge_graphs",
    "output_shapes",
    "shape_dims",
]

MAX_TEXT = 200  # longer attribute strings are cut (a PyTorch node's attribute dump can be kilobytes)
MAX_ITEMS = 16  # longer attribute lists are cut


def _prefixed_input(prefix: str, name: str) -> str:
    return f"^{prefix}/{name[1:]}" if name.startswith("^") else f"{prefix}/{name}"


def merge_graphs(graphs: Sequence[graph_pb2.GraphDef]) -> graph_pb2.GraphDef:
    """One graph holding ``graphs`` side by side: graph ``i``'s nodes are renamed ``graph_<i>/<name>`` and its
    functions ``graph_<i>_<name>``, so equal names in different graphs stay distinct (docs/event-format §8.3).
    A single graph is returned as it is."""
    if len(graphs) == 1:
        return graphs[0]
    merged = graph_pb2.GraphDef()
    for i, graph in enumerate(graphs):
        prefix = f"graph_{i}"
        functions = {f.signature.name for f in graph.library.function}
        for node in graph.node:
            new = merged.node.add()
            new.CopyFrom(node)
            new.name = f"{prefix}/{node.name}"
            del new.input[:]
            new.input.extend(_prefixed_input(prefix, name) for name in node.input)
            for attr in new.attr.values():
                if attr.WhichOneof("value") == "func" and attr.func.name in functions:
                    attr.func.name = f"{prefix}_{attr.func.name}"
        for f in graph.library.function:
            new_f = merged.library.function.add()
            new_f.CopyFrom(f)
            new_f.signature.name = f"{prefix}_{f.signature.name}"
        for g in graph.library.gradient:
            merged.library.gradient.add(
                function_name=f"{prefix}_{g.function_name}", gradient_func=f"{prefix}_{g.gradient_func}"
            )
    return merged


def graph_from_run_metadata(rm: run_metadata_pb2.RunMetadata) -> graph_pb2.GraphDef:
    """The op graph of a trace: its function graphs before optimisation, merged; for run metadata without
    function graphs (TF1 ``add_run_metadata``), its partition graphs."""
    graphs = [fg.pre_optimization_graph for fg in rm.function_graphs]
    if not graphs:
        graphs = list(rm.partition_graphs)
    return merge_graphs(graphs) if graphs else graph_pb2.GraphDef()


_DTYPE_NAMES = {number: name for name, number in types_pb2.DataType.items()}


def _dtype_name(t: int) -> str:
    return _DTYPE_NAMES.get(t) or str(t)


def shape_dims(shape: tensor_shape_pb2.TensorShapeProto) -> list[int] | None:
    """The sizes of a shape (-1 for an unknown size), None for an unknown rank."""
    if shape.unknown_rank:
        return None
    return [int(d.size) for d in shape.dim]


def _shape_text(shape: tensor_shape_pb2.TensorShapeProto) -> str:
    dims = shape_dims(shape)
    if dims is None:
        return "<unknown>"
    return "[" + ",".join("?" if d < 0 else str(d) for d in dims) + "]"


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def attr_summary(attr: graph_pb2.AttrValue) -> Any:
    """A short JSON-able rendering of one attribute: numbers and booleans as they are, everything else as text
    (strings cut at 200 characters, lists at 16 items)."""
    which = attr.WhichOneof("value")
    if which == "s":
        return _text(attr.s)
    if which == "i":
        return int(attr.i)
    if which == "f":
        return float(attr.f)
    if which == "b":
        return bool(attr.b)
    if which == "type":
        return _dtype_name(attr.type)
    if which == "shape":
        return _shape_text(attr.shape)
    if which == "tensor":
        dims = [int(d.size) for d in attr.tensor.tensor_shape.dim]
        return f"tensor<{_dtype_name(attr.tensor.dtype)} [{','.join(map(str, dims))}]>"
    if which == "func":
        return f"func {attr.func.name}"
    if which == "placeholder":
        return f"${attr.placeholder}"
    if which == "list":
        lst = attr.list
        items: list[Any] = (
            [_text(s) for s in lst.s]
            or [int(i) for i in lst.i]
            or [float(f) for f in lst.f]
            or [bool(b) for b in lst.b]
            or [_dtype_name(t) for t in lst.type]
            or [_shape_text(s) for s in lst.shape]
            or [f"tensor<{_dtype_name(t.dtype)}>" for t in lst.tensor]
            or [f"func {f.name}" for f in lst.func]
        )
        if len(items) > MAX_ITEMS:
            return [*items[:MAX_ITEMS], f"… {len(items) - MAX_ITEMS} more"]
        return items
    return None


def output_shapes(node: graph_pb2.NodeDef) -> list[list[int] | None] | None:
    """The shapes of a node's outputs from its ``_output_shapes`` attribute (None when it has none)."""
    attr = node.attr.get("_output_shapes")
    if attr is None or attr.WhichOneof("value") != "list":
        return None
    return [shape_dims(s) for s in attr.list.shape]


class NodeEncoder:
    """Turns ``NodeDef`` s into the JSON objects of the graph view, fast enough for graphs of many thousand nodes.

    Reading a node's attribute map through protobuf costs far more than the rest of the node, and most nodes of a
    real graph share their attributes with many others (``T: DT_FLOAT`` and the same output shape in every
    repeated block). So the summary of a node's attributes is kept by the serialized bytes of its attribute
    map: the tail of the node's own serialization from ``attr`` (field 5) on, after ``name``, ``op``, ``input``
    and ``device``, which protobuf writes in field order before it. Nodes whose bytes do not have that layout are
    read the slow way, with the same result.
    """

    def __init__(self) -> None:
        self._attrs: dict[bytes, tuple[dict[str, Any], list[list[int] | None] | None]] = {}

    def attrs(self, node: graph_pb2.NodeDef) -> tuple[dict[str, Any], list[list[int] | None] | None]:
        """The node's attribute summaries (``_output_shapes`` left out) and its output shapes."""
        data = node.SerializeToString()
        # Step over the fields before ``attr``: each a one-byte key and a varint length.
        pos, end = 0, len(data)
        while pos < end and data[pos] != _ATTR_KEY:
            if data[pos] & 7 != 2:  # not a string field: not the layout this relies on
                return _read_attrs(node)
            length, shift, pos = 0, 0, pos + 1
            while True:
                byte = data[pos]
                length |= (byte & 0x7F) << shift
                pos += 1
                if byte < 0x80:
                    break
                shift += 7
            pos += length
        if pos >= end:
            return _NO_ATTRS
        key = data[pos:]
        found = self._attrs.get(key)
        if found is None:
            found = self._attrs[key] = _read_attrs(node)
        return found

    def node(self, node: graph_pb2.NodeDef, name: str | None = None, inputs: list[str] | None = None) -> dict[str, Any]:
        """One node as JSON: ``name`` (``name`` replaces the node's own), ``op`` and ``inputs`` (``inputs``
        replaces a copy of the node's own) always; ``device``, ``attrs`` and ``output_shapes`` only when the node
        has them."""
        out: dict[str, Any] = {
            "name": node.name if name is None else name,
            "op": node.op,
            "inputs": list(node.input) if inputs is None else inputs,
        }
        if node.device:
            out["device"] = node.device
        if node.attr:
            attrs, shapes = self.attrs(node)
            if attrs:
                out["attrs"] = attrs
            if shapes is not None:
                out["output_shapes"] = shapes
        return out


_ATTR_KEY = (5 << 3) | 2  # NodeDef.attr: field 5, length-delimited
_NO_ATTRS: tuple[dict[str, Any], None] = ({}, None)


def _read_attrs(node: graph_pb2.NodeDef) -> tuple[dict[str, Any], list[list[int] | None] | None]:
    attrs: dict[str, Any] = {}
    shapes = None
    for key, value in sorted(node.attr.items()):
        if key == "_output_shapes":
            shapes = [shape_dims(s) for s in value.list.shape] if value.WhichOneof("value") == "list" else None
        else:
            attrs[key] = attr_summary(value)
    return attrs, shapes


def graph_nodes(
    graph: graph_pb2.GraphDef, names: Sequence[str] | None = None, inputs: Sequence[list[str]] | None = None
) -> dict[str, Any]:
    """The graph as plain values: its nodes (node ``i`` named ``names[i]`` and with inputs ``inputs[i]`` when
    given), and its functions (each with its own nodes). Empty ``device``, ``attrs`` and ``output_shapes`` are
    left out of each node."""
    enc = NodeEncoder()
    count = len(graph.node)
    names = [n.name for n in graph.node] if names is None else names
    inputs = [list(n.input) for n in graph.node] if inputs is None else inputs
    if len(names) != count or len(inputs) != count:
        raise ValueError(f"{len(names)} names and {len(inputs)} input lists for {count} nodes")
    nodes = [enc.node(n, names[i], inputs[i]) for i, n in enumerate(graph.node)]
    return {
        "nodes": nodes,
        "functions": [
            {
                "name": f.signature.name,
                "inputs": [a.name for a in f.signature.input_arg],
                "outputs": [a.name for a in f.signature.output_arg],
                "nodes": [enc.node(n) for n in f.node_def],
            }
            for f in graph.library.function
        ],
        "producer": graph.versions.producer,
    }
