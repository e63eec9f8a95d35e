"""A Keras model config (``model.to_json()``) as a ``GraphDef`` of its layers: the conceptual graph
(docs/event-format §8.4).

One node per layer that is not itself a model, named by the layer's name prefixed with the names of the models
that enclose it (``outer/inner/dense_1``), with ``op`` and ``attr["keras_class"]`` the layer's class and
``attr["dtype"]`` its dtype. Edges: in a Sequential model each layer takes the previous one's output; in a
functional model they come from ``inbound_nodes``, in either of the two shapes Keras wrote: Keras 3's objects
``{"args": [...], "kwargs": {...}}`` holding ``__keras_tensor__`` references, and Keras 2's nested lists
``[[[layer, node_index, tensor_index, kwargs], ...]]``. A reference to a nested model is redirected to that
model's output layer(s), and a nested model's input layers take the edges that feed the model.

:func:`keras_model_details` also says, per node, what the config tells of the layer (keras_layers does the
arithmetic): its parameter count, and its output shape, taken where Keras wrote it (an ``InputLayer``'s
``batch_shape``; in a Sequential model the next layer's ``build_config.input_shape``; in a functional one the
``shape`` of the ``__keras_tensor__`` a later layer takes) and otherwise worked out from the input shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telescope.plugins.graphs.keras_layers import Shape, layer_output_shape, layer_params, shape_of
from telescope.tfrecord.proto import graph_pb2, types_pb2

__all__ = ["LayerDetails", "keras_model_details", "keras_model_to_graph_def"]

_DTYPES = {
    "float16": types_pb2.DT_HALF,
    "half": types_pb2.DT_HALF,
    "bfloat16": types_pb2.DT_BFLOAT16,
    "float32": types_pb2.DT_FLOAT,
    "float": types_pb2.DT_FLOAT,
    "float64": types_pb2.DT_DOUBLE,
    "double": types_pb2.DT_DOUBLE,
    "int8": types_pb2.DT_INT8,
    "int16": types_pb2.DT_INT16,
    "int32": types_pb2.DT_INT32,
    "int64": types_pb2.DT_INT64,
    "uint8": types_pb2.DT_UINT8,
    "uint16": types_pb2.DT_UINT16,
    "uint32": types_pb2.DT_UINT32,
    "uint64": types_pb2.DT_UINT64,
    "bool": types_pb2.DT_BOOL,
    "string": types_pb2.DT_STRING,
    "complex64": types_pb2.DT_COMPLEX64,
    "complex128": types_pb2.DT_COMPLEX128,
}

Ref = tuple[str, int, int]  # (layer name, node index, tensor index)


def keras_model_to_graph_def(model: dict[str, Any]) -> graph_pb2.GraphDef:
    """The conceptual graph of a model config (ValueError when ``model`` is not a model config)."""
    if not isinstance(model, dict) or not isinstance(model.get("config"), dict):
        raise ValueError("a Keras model config is an object with a 'config' object")
    return keras_model_details(model)[0]


def _join(scope: str, name: str) -> str:
    return f"{scope}/{name}" if scope else name


def _is_model(layer: dict[str, Any]) -> bool:
    config = layer.get("config")
    return isinstance(config, dict) and isinstance(config.get("layers"), list)


def _refs_of_value(value: Any, out: list[Ref], shapes: list[Shape | None]) -> None:
    """Keras 3: every ``__keras_tensor__`` reference in a call's (possibly nested) arguments, and its shape."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            config = value.get("config", {})
            history = config.get("keras_history") if isinstance(config, dict) else None
            if isinstance(history, list) and len(history) >= 3 and isinstance(history[0], str):
                out.append((history[0], _int(history[1]), _int(history[2])))
                shapes.append(shape_of(config.get("shape")))
            return
        for v in value.values():
            _refs_of_value(v, out, shapes)
    elif isinstance(value, list):
        for v in value:
            _refs_of_value(v, out, shapes)


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def inbound_refs(layer: dict[str, Any]) -> list[Ref]:
    """The layers feeding ``layer``, from its ``inbound_nodes`` in the Keras 3 or the Keras 2 shape."""
    return inbound_tensors(layer)[0]


def inbound_tensors(layer: dict[str, Any]) -> tuple[list[Ref], list[Shape | None]]:
    """The layers feeding ``layer`` and the shapes of the tensors they feed it (Keras 3 writes them; None
    where unknown)."""
    nodes = layer.get("inbound_nodes")
    out: list[Ref] = []
    shapes: list[Shape | None] = []
    if not isinstance(nodes, list):
        return out, shapes
    for node in nodes:
        if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
            _refs_of_value(node.get("args", []), out, shapes)
            _refs_of_value(node.get("kwargs", {}), out, shapes)
        elif isinstance(node, list):  # Keras 2: [[layer, node_index, tensor_index, kwargs], ...]
            for entry in node:
                if isinstance(entry, list) and entry and isinstance(entry[0], str):
                    out.append(
                        (entry[0], _int(entry[1]) if len(entry) > 1 else 0, _int(entry[2]) if len(entry) > 2 else 0)
                    )
                    shapes.append(None)
    return out, shapes


def _layer_refs(value: Any) -> list[Ref]:
    """``input_layers``/``output_layers``: ``[name, node, tensor]`` or a list of them."""
    if not isinstance(value, list) or not value:
        return []
    entries = [value] if isinstance(value[0], str) else value
    return [
        (e[0], _int(e[1]) if len(e) > 1 else 0, _int(e[2]) if len(e) > 2 else 0)
        for e in entries
        if isinstance(e, list) and e and isinstance(e[0], str)
    ]


def _dtype(config: dict[str, Any]) -> int | None:
    raw = config.get("dtype")
    if isinstance(raw, dict):  # a dtype policy: {"class_name": "DTypePolicy", "config": {"name": "float32"}}
        inner = raw.get("config")
        raw = inner.get("name") if isinstance(inner, dict) else None
    return _DTYPES.get(raw) if isinstance(raw, str) else None


@dataclass(frozen=True)
class LayerDetails:
    """What the config tells of one layer node: its parameter count (None when unknown) and the shapes of its
    outputs (None when unknown; a size None when unknown, such as the batch)."""

    params: int | None
    output_shapes: list[Shape] | None


def keras_model_details(model: dict[str, Any]) -> tuple[graph_pb2.GraphDef, dict[str, LayerDetails]]:
    """The conceptual graph of a model config, and per node what the config tells of its layer."""
    if not isinstance(model, dict) or not isinstance(model.get("config"), dict):
        raise ValueError("a Keras model config is an object with a 'config' object")
    graph = graph_pb2.GraphDef()
    builder = _Builder(graph)
    builder.layer(model, scope="", inputs=[], index=0, input_shapes=[])
    details = {
        name: LayerDetails(params, None if shape is None else [shape])
        for name, (params, shape) in builder.details.items()
    }
    return graph, details


def _build_input_shapes(layer: dict[str, Any]) -> list[Shape | None] | None:
    """The input shapes Keras 3 recorded when it built the layer (``build_config``), if it did."""
    build = layer.get("build_config")
    if not isinstance(build, dict):
        return None
    shape = build.get("input_shape")
    if shape_of(shape) is not None:
        return [shape_of(shape)]
    if isinstance(shape, list) and shape and all(shape_of(s) is not None for s in shape):
        return [shape_of(s) for s in shape]
    shapes = build.get("shapes_dict")  # e.g. MultiHeadAttention: query_shape, value_shape, key_shape
    if isinstance(shapes, dict):
        ordered = [shapes.get(k) for k in ("query_shape", "value_shape", "key_shape") if k in shapes]
        if not ordered:
            ordered = list(shapes.values())
        return [shape_of(s) for s in ordered]
    return None


class _Builder:
    def __init__(self, graph: graph_pb2.GraphDef) -> None:
        self.graph = graph
        # Per layer node: (parameter count, output shape), filled as layers are added.
        self.details: dict[str, tuple[int | None, Shape | None]] = {}

    def shape(self, node: str) -> Shape | None:
        found = self.details.get(node)
        return None if found is None else found[1]

    def tell_shape(self, node: str, shape: Shape | None) -> None:
        """The config says what ``node`` returns (a later layer's input shape): it wins over what was inferred."""
        found = self.details.get(node)
        if shape is not None and found is not None:
            self.details[node] = (found[0], shape)

    def layer(
        self,
        layer: dict[str, Any],
        *,
        scope: str,
        inputs: list[str],
        index: int,
        input_shapes: list[Shape | None],
    ) -> list[str]:
        """Add ``layer`` (a model is expanded) fed by node names ``inputs`` of shapes ``input_shapes``; return its
        output node names."""
        config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
        assert isinstance(config, dict)
        class_name = str(layer.get("class_name", "Layer"))
        name = str(config.get("name") or layer.get("name") or f"{class_name.lower()}_{index}")
        built = _build_input_shapes(layer)
        if built is not None and (not input_shapes or any(s is None for s in input_shapes)):
            input_shapes = built
        if _is_model(layer):
            return self._model(config, _join(scope, name), inputs, input_shapes)
        node = self.graph.node.add(name=_join(scope, name), op=class_name)
        node.input.extend(inputs)
        node.attr["keras_class"].s = class_name.encode("utf-8")
        dtype = _dtype(config)
        if dtype is not None:
            node.attr["dtype"].type = dtype  # type: ignore[assignment]
        self.details[node.name] = (
            layer_params(class_name, config, input_shapes),
            layer_output_shape(class_name, config, input_shapes),
        )
        return [node.name]

    def _model(
        self, config: dict[str, Any], scope: str, inputs: list[str], input_shapes: list[Shape | None]
    ) -> list[str]:
        layers = [layer for layer in config["layers"] if isinstance(layer, dict)]
        input_refs = _layer_refs(config.get("input_layers"))
        output_refs = _layer_refs(config.get("output_layers"))
        if not input_refs and not output_refs:
            return self._sequential(layers, scope, inputs, input_shapes)
        # The edges into this model feed its input layers, in order.
        fed = {ref[0]: i for i, ref in enumerate(input_refs) if i < len(inputs)}
        outputs: dict[str, list[str]] = {}
        # Keras 3 writes the shape of every tensor a layer takes: what the layer producing it returns.
        told: dict[tuple[str, int], Shape] = {}
        for layer in layers:
            for ref, shape in zip(*inbound_tensors(layer), strict=True):
                if shape is not None:
                    told[(ref[0], ref[2])] = shape

        def resolve(ref: Ref) -> str:
            outs = outputs.get(ref[0])
            if not outs:
                return _join(scope, ref[0])
            return outs[ref[2]] if ref[2] < len(outs) else outs[-1]

        for i, layer in enumerate(layers):
            name = str(layer.get("config", {}).get("name") or layer.get("name") or "")
            refs, shapes = inbound_tensors(layer)
            ins = [resolve(r) for r in refs]
            in_shapes = [s if s is not None else self.shape(n) for s, n in zip(shapes, ins, strict=True)]
            if name in fed:
                ins.append(inputs[fed[name]])
                in_shapes.append(input_shapes[fed[name]] if fed[name] < len(input_shapes) else None)
            outs = self.layer(layer, scope=scope, inputs=ins, index=i, input_shapes=in_shapes)
            outputs[name] = outs
            for k, out in enumerate(outs):
                self.tell_shape(out, told.get((name, k)))
        if not output_refs:
            return outputs.get(str(layers[-1].get("config", {}).get("name")), []) if layers else []
        return [resolve(r) for r in output_refs]

    def _sequential(
        self, layers: list[dict[str, Any]], scope: str, inputs: list[str], input_shapes: list[Shape | None]
    ) -> list[str]:
        previous = inputs
        shapes = input_shapes
        names: dict[str, list[str]] = {}
        for i, layer in enumerate(layers):
            refs, told = inbound_tensors(layer)
            if refs:
                ins = [_pick(names, r, scope) for r in refs]
                shapes = [s if s is not None else self.shape(n) for s, n in zip(told, ins, strict=True)]
            else:
                ins = previous
            previous = self.layer(layer, scope=scope, inputs=ins, index=i, input_shapes=shapes)
            names[str(layer.get("config", {}).get("name", ""))] = previous
            # What the next layer was built with is what this one returns.
            following = _build_input_shapes(layers[i + 1]) if i + 1 < len(layers) else None
            if following is not None and len(following) == len(previous):
                for out, shape in zip(previous, following, strict=True):
                    self.tell_shape(out, shape)
            shapes = [self.shape(out) for out in previous]
        return previous


def _pick(outputs: dict[str, list[str]], ref: Ref, scope: str) -> str:
    outs = outputs.get(ref[0])
    if not outs:
        return _join(scope, ref[0])
    return outs[ref[2]] if ref[2] < len(outs) else outs[-1]
