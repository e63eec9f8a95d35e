"""The conceptual graph of a Keras model tells each layer's parameter count and output shape as Keras itself does:
real Keras models of the common layer types (Sequential, functional, nested) are built in a subprocess (Keras picks
its backend at import), and their ``to_json()`` configs are read back here without Keras."""

from __future__ import annotations

from typing import Any

import pytest

from telescope.plugins.graphs.keras_graph import keras_model_details
from telescope.plugins.graphs.keras_layers import layer_output_shape, layer_params
from tests.helpers import keras_answer

# Builds models and prints, per model, its config and per layer (named as the conceptual graph names it) what
# Keras says: count_params() and the output shape.
KERAS_MODELS = r"""
import json
import keras
from keras import layers as L


def facts(model, prefix=""):
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.update(facts(layer, prefix + layer.name + "/"))
            continue
        shape = layer.output.shape
        out[prefix + layer.name] = [layer.count_params(), [None if d is None else int(d) for d in shape]]
    return out


models = []

inp = keras.Input((16, 16, 3), name="img")
x = L.Conv2D(8, 5, padding="same", activation="relu", name="c1")(inp)
x = L.BatchNormalization(name="bn")(x)
x = L.MaxPooling2D(name="mp")(x)
x = L.DepthwiseConv2D(3, depth_multiplier=2, name="dw")(x)
x = L.SeparableConv2D(6, 3, padding="same", name="sep")(x)
x = L.Conv2DTranspose(4, 3, strides=2, name="ct")(x)
x = L.Conv2D(5, 3, strides=2, use_bias=False, name="c2")(x)
y = L.AveragePooling2D(pool_size=3, strides=1, padding="same", name="ap")(x)
z = L.Concatenate(name="cat")([x, y])
z = L.LayerNormalization(name="ln")(z)
z = L.Flatten(name="fl")(z)
z = L.Dropout(0.1, name="do")(z)
models.append(keras.Model(inp, L.Dense(7, name="d")(z), name="cnn"))

v = keras.Input((6, 6, 6, 2), name="vol")
w = L.Conv3D(3, 2, name="c3")(v)
w = L.Conv3DTranspose(2, 2, strides=2, padding="same", name="c3t")(w)
w = L.GlobalMaxPooling3D(name="gmp")(w)
models.append(keras.Model(v, w, name="volume"))

tok = keras.Input((12,), dtype="int32", name="tok")
e = L.Embedding(100, 16, name="emb")(tok)
a = L.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(e, e)
a = L.Add(name="res")([a, e])
a = L.LayerNormalization(name="ln")(a)
r1 = L.LSTM(5, return_sequences=True, name="lstm")(a)
r2 = L.GRU(4, return_sequences=True, name="gru")(r1)
r3 = L.SimpleRNN(3, name="rnn")(r2)
b = L.Bidirectional(L.LSTM(2), name="bi")(r2)
t = L.TimeDistributed(L.Dense(3), name="td")(r2)
c = L.Conv1D(4, 3, padding="causal", name="c1d")(r2)
c = L.GlobalAveragePooling1D(name="gap")(c)
out = L.Concatenate(name="cc")([r3, b, c])
models.append(keras.Model(tok, [out, t], name="text"))

block = keras.Sequential([L.Input((8,)), L.Dense(5, name="d1"), L.ReLU(name="act")], name="block")
xin = keras.Input((8,), name="x")
o = block(xin)
o = L.Reshape((5, 1), name="rs")(o)
o = L.Conv1DTranspose(2, 3, name="c1t")(o)
o = L.Flatten(name="f")(o)
models.append(keras.Model(xin, L.Dense(1, name="head")(o), name="outer"))

seq = keras.Sequential([L.Dense(4, name="a"), L.BatchNormalization(name="bn"), L.Dense(2, name="b")], name="no_input")
seq.build((None, 7))
models.append(seq)

print(json.dumps([{"config": json.loads(m.to_json()), "facts": facts(m, m.name + "/")} for m in models]))
"""


@pytest.fixture(scope="module")
def keras_models() -> list[dict[str, Any]]:
    models: list[dict[str, Any]] = keras_answer(KERAS_MODELS)
    return models


def test_params_and_shapes_match_keras(keras_models: list[dict[str, Any]]) -> None:
    classes = set()
    for model in keras_models:
        graph, details = keras_model_details(model["config"])
        names = {n.name for n in graph.node}
        assert names >= set(model["facts"]), model["config"]["config"]["name"]
        for node in graph.node:
            found = details[node.name]
            if node.name not in model["facts"]:  # Sequential.layers leaves out the input layer the config holds
                assert (node.op, found.params) == ("InputLayer", 0)
                continue
            params, shape = model["facts"][node.name]
            assert (node.name, found.params, found.output_shapes) == (node.name, params, [shape])
            classes.add(node.op)
    # The layers this test stands for (a Keras that renamed them would make it test less).
    assert {
        "Dense",
        "Conv1D",
        "Conv2D",
        "Conv3D",
        "Conv1DTranspose",
        "Conv2DTranspose",
        "Conv3DTranspose",
        "DepthwiseConv2D",
        "SeparableConv2D",
        "BatchNormalization",
        "LayerNormalization",
        "Embedding",
        "SimpleRNN",
        "LSTM",
        "GRU",
        "MultiHeadAttention",
        "Flatten",
        "Dropout",
        "MaxPooling2D",
        "InputLayer",
        "Reshape",
        "Add",
        "Concatenate",
    } <= classes


def test_unknown_layers_are_unknown_not_guessed() -> None:
    assert layer_params("MyCustomLayer", {"units": 3}, [[None, 4]]) is None
    assert layer_output_shape("MyCustomLayer", {"units": 3}, [[None, 4]]) is None
    assert layer_params("Dense", {"units": 3}, [None]) is None  # the input size is not known
    assert layer_params("Dense", {"units": "three"}, [[None, 4]]) is None
    assert layer_params("Dropout", {}, []) == 0


def test_keras2_config_without_shapes_still_counts_from_input_layer() -> None:
    model = {
        "class_name": "Model",
        "config": {
            "name": "m",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {"name": "in", "batch_input_shape": [None, 10]},
                    "inbound_nodes": [],
                },
                {"class_name": "Dense", "config": {"name": "d", "units": 4}, "inbound_nodes": [[["in", 0, 0, {}]]]},
                {"class_name": "Custom", "config": {"name": "c"}, "inbound_nodes": [[["d", 0, 0, {}]]]},
            ],
            "input_layers": [["in", 0, 0]],
            "output_layers": [["c", 0, 0]],
        },
    }
    graph, details = keras_model_details(model)
    assert [(n.name, details[n.name].params, details[n.name].output_shapes) for n in graph.node] == [
        ("m/in", 0, [[None, 10]]),
        ("m/d", 44, [[None, 4]]),
        ("m/c", None, None),
    ]
