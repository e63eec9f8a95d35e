"""A Keras model config (``model.to_json()``) as a ``GraphDef`` of its layers: the conceptual graph
(docs/event-format §8.4).

One node per layer that is not itself a model, named by the layer's name prefixed with the names of the models
that enclose it (``outer/inner/dense_1``), with ``op`` and ``attr["keras_class"]`` the layer's class and
``attr["dtype"]`` its dtype. Edges: in a Sequential model each layer takes the previous one's output; in a
functional model they come from ``inbound_nodes``, in either of the two shapes Keras wrote: Keras 3's objects
``{"args": [...], "kwargs": {...}}`` holding ``__keras_tensor__`` references, and Keras 2's nested lists
``[[[layer, node_index, tensor_index, kwargs], ...]]``. A reference to a nested model is redirected to that
model's output layer(s), and a nested model's input layers take the edges that feed the model.
"""

from __future__ import annotations

from typing import Any

from telescope.tfrecord.proto import graph_pb2, types_pb2

__all__ = ["keras_model_to_graph_def"]

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
    graph = graph_pb2.GraphDef()
    _Builder(graph).layer(model, scope="", inputs=[], index=0)
    return graph


def _join(scope: str, name: str) -> str:
    return f"{scope}/{name}" if scope else name


def _is_model(layer: dict[str, Any]) -> bool:
    config = layer.get("config")
    return isinstance(config, dict) and isinstance(config.get("layers"), list)


def _refs_of_value(value: Any, out: list[Ref]) -> None:
    """Keras 3: every ``__keras_tensor__`` reference in a call's (possibly nested) arguments."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            history = value.get("config", {}).get("keras_history")
            if isinstance(history, list) and len(history) >= 3 and isinstance(history[0], str):
                out.append((history[0], _int(history[1]), _int(history[2])))
            return
        for v in value.values():
            _refs_of_value(v, out)
    elif isinstance(value, list):
        for v in value:
            _refs_of_value(v, out)


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def inbound_refs(layer: dict[str, Any]) -> list[Ref]:
    """The layers feeding ``layer``, from its ``inbound_nodes`` in the Keras 3 or the Keras 2 shape."""
    nodes = layer.get("inbound_nodes")
    out: list[Ref] = []
    if not isinstance(nodes, list):
        return out
    for node in nodes:
        if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
            _refs_of_value(node.get("args", []), out)
            _refs_of_value(node.get("kwargs", {}), out)
        elif isinstance(node, list):  # Keras 2: [[layer, node_index, tensor_index, kwargs], ...]
            for entry in node:
                if isinstance(entry, list) and entry and isinstance(entry[0], str):
                    out.append(
                        (entry[0], _int(entry[1]) if len(entry) > 1 else 0, _int(entry[2]) if len(entry) > 2 else 0)
                    )
    return out


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


class _Builder:
    def __init__(self, graph: graph_pb2.GraphDef) -> None:
        self.graph = graph

    def layer(self, layer: dict[str, Any], *, scope: str, inputs: list[str], index: int) -> list[str]:
        """Add ``layer`` (a model is expanded) fed by node names ``inputs``; return its output node names."""
        config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
        assert isinstance(config, dict)
        class_name = str(layer.get("class_name", "Layer"))
        name = str(config.get("name") or layer.get("name") or f"{class_name.lower()}_{index}")
        if _is_model(layer):
            return self._model(config, _join(scope, name), inputs)
        node = self.graph.node.add(name=_join(scope, name), op=class_name)
        node.input.extend(inputs)
        node.attr["keras_class"].s = class_name.encode("utf-8")
        dtype = _dtype(config)
        if dtype is not None:
            node.attr["dtype"].type = dtype  # type: ignore[assignment]
        return [node.name]

    def _model(self, config: dict[str, Any], scope: str, inputs: list[str]) -> list[str]:
        layers = [layer for layer in config["layers"] if isinstance(layer, dict)]
        input_refs = _layer_refs(config.get("input_layers"))
        output_refs = _layer_refs(config.get("output_layers"))
        if not input_refs and not output_refs:
            return self._sequential(layers, scope, inputs)
        # The edges into this model feed its input layers, in order.
        fed = {ref[0]: [inputs[i]] for i, ref in enumerate(input_refs) if i < len(inputs)}
        outputs: dict[str, list[str]] = {}

        def resolve(ref: Ref) -> str:
            outs = outputs.get(ref[0])
            if not outs:
                return _join(scope, ref[0])
            return outs[ref[2]] if ref[2] < len(outs) else outs[-1]

        for i, layer in enumerate(layers):
            name = str(layer.get("config", {}).get("name") or layer.get("name") or "")
            ins = [resolve(r) for r in inbound_refs(layer)] + fed.get(name, [])
            outputs[name] = self.layer(layer, scope=scope, inputs=ins, index=i)
        if not output_refs:
            return outputs.get(str(layers[-1].get("config", {}).get("name")), []) if layers else []
        return [resolve(r) for r in output_refs]

    def _sequential(self, layers: list[dict[str, Any]], scope: str, inputs: list[str]) -> list[str]:
        previous = inputs
        names: dict[str, list[str]] = {}
        for i, layer in enumerate(layers):
            refs = inbound_refs(layer)
            ins = [_pick(names, r, scope) for r in refs] if refs else previous
            previous = self.layer(layer, scope=scope, inputs=ins, index=i)
            names[str(layer.get("config", {}).get("name", ""))] = previous
        return previous


def _pick(outputs: dict[str, list[str]], ref: Ref, scope: str) -> str:
    outs = outputs.get(ref[0])
    if not outs:
        return _join(scope, ref[0])
    return outs[ref[2]] if ref[2] < len(outs) else outs[-1]
