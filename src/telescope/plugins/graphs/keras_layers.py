"""What a Keras layer config says of the layer: how many parameters it holds and the shape of what it returns,
given the shapes of its inputs.

Used by the conceptual graph (keras_graph) so a user can check "did I build the model I meant to?" without
Keras: parameter counts are Keras's ``count_params()`` (trainable and not, e.g. a batch norm's moving mean and
variance), computed from the config for the common layers; layers without weights count 0; anything else is
None (unknown), never a guess. Shapes are lists with None for an unknown size (the batch); a function returns
None when it cannot tell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Shape", "layer_output_shape", "layer_params", "shape_of"]

Shape = list[int | None]

# Layers without weights whose output has the shape of their (first) input: noise, activations, merges.
_ELEMENTWISE = frozenset(
    {
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianNoise",
        "GaussianDropout",
        "AlphaDropout",
        "ActivityRegularization",
        "Activation",
        "ReLU",
        "LeakyReLU",
        "ELU",
        "Softmax",
        "ThresholdedReLU",
        "Masking",
        "Rescaling",
        "Identity",
        "Add",
        "Subtract",
        "Multiply",
        "Average",
        "Maximum",
        "Minimum",
    }
)
# Layers without weights: they count 0 whatever their config.
_NO_WEIGHTS = _ELEMENTWISE | frozenset(
    {
        "InputLayer",
        "Flatten",
        "Reshape",
        "Permute",
        "RepeatVector",
        "MaxPooling1D",
        "MaxPooling2D",
        "MaxPooling3D",
        "AveragePooling1D",
        "AveragePooling2D",
        "AveragePooling3D",
        "GlobalMaxPooling1D",
        "GlobalMaxPooling2D",
        "GlobalMaxPooling3D",
        "GlobalAveragePooling1D",
        "GlobalAveragePooling2D",
        "GlobalAveragePooling3D",
        "Concatenate",
        "Dot",
        "ZeroPadding1D",
        "ZeroPadding2D",
        "ZeroPadding3D",
        "Cropping1D",
        "Cropping2D",
        "Cropping3D",
        "UpSampling1D",
        "UpSampling2D",
        "UpSampling3D",
        "Resizing",
        "CenterCrop",
        "Lambda",
        "TFOpLambda",
        "SlicingOpLambda",
    }
)
# Layers whose output has the shape of their (first) input.
_SAME_SHAPE = _ELEMENTWISE | frozenset(
    {"PReLU", "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization"}
)


def shape_of(value: Any) -> Shape | None:
    """A shape written in a config (``[null, 16, 16, 3]``), or None when ``value`` is not one."""
    if not isinstance(value, list) or not all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value
    ):
        return None
    return list(value)


def _ints(value: Any, rank: int) -> list[int] | None:
    """``kernel_size``/``strides``-like values: an int for every axis, or one per axis."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [value] * rank
    if isinstance(value, list) and len(value) == rank and all(isinstance(v, int) for v in value):
        return list(value)
    return None


def _prod(values: Sequence[int | None]) -> int | None:
    if any(v is None for v in values):
        return None
    return math.prod(v for v in values if v is not None)


def _channels(config: dict[str, Any], shape: Shape | None) -> int | None:
    if not shape or len(shape) < 2:
        return None
    return shape[1] if config.get("data_format") == "channels_first" else shape[-1]


def _bias(config: dict[str, Any], n: int) -> int:
    return n if config.get("use_bias", True) else 0


# -- parameters -----------------------------------------------------------------------------------------------


def _dense(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    units = config.get("units")
    d = ins[0][-1] if ins and ins[0] else None
    if not isinstance(units, int) or d is None:
        return None
    return d * units + _bias(config, units)


def _conv(rank: int, transpose: bool) -> Callable[[dict[str, Any], list[Shape | None]], int | None]:
    def count(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
        filters = config.get("filters")
        kernel = _ints(config.get("kernel_size"), rank)
        c = _channels(config, ins[0] if ins else None)
        groups = config.get("groups", 1) if not transpose else 1
        if not isinstance(filters, int) or kernel is None or c is None or not isinstance(groups, int) or groups < 1:
            return None
        return math.prod(kernel) * (c // groups) * filters + _bias(config, filters)

    return count


def _depthwise(rank: int) -> Callable[[dict[str, Any], list[Shape | None]], int | None]:
    def count(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
        kernel = _ints(config.get("kernel_size"), rank)
        c = _channels(config, ins[0] if ins else None)
        mult = config.get("depth_multiplier", 1)
        if kernel is None or c is None or not isinstance(mult, int):
            return None
        return math.prod(kernel) * c * mult + _bias(config, c * mult)

    return count


def _separable(rank: int) -> Callable[[dict[str, Any], list[Shape | None]], int | None]:
    def count(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
        kernel = _ints(config.get("kernel_size"), rank)
        c = _channels(config, ins[0] if ins else None)
        mult = config.get("depth_multiplier", 1)
        filters = config.get("filters")
        if kernel is None or c is None or not isinstance(mult, int) or not isinstance(filters, int):
            return None
        return math.prod(kernel) * c * mult + c * mult * filters + _bias(config, filters)

    return count


def _axes(config: dict[str, Any], rank: int) -> list[int] | None:
    axis = config.get("axis", -1)
    axes = axis if isinstance(axis, list) else [axis]
    if not all(isinstance(a, int) and -rank <= a < rank for a in axes):
        return None
    return [a % rank for a in axes]


def _normalized_size(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    shape = ins[0] if ins else None
    if not shape:
        return None
    axes = _axes(config, len(shape))
    return None if axes is None else _prod([shape[a] for a in axes])


def _batch_norm(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    c = _normalized_size(config, ins)
    if c is None:
        return None
    # gamma and beta when scaled and centred, and always the moving mean and variance.
    return c * (int(bool(config.get("scale", True))) + int(bool(config.get("center", True))) + 2)


def _layer_norm(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    c = _normalized_size(config, ins)
    if c is None:
        return None
    if config.get("rms_scaling"):
        return c  # gamma only
    return c * (int(bool(config.get("scale", True))) + int(bool(config.get("center", True))))


def _embedding(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    rows, cols = config.get("input_dim"), config.get("output_dim")
    return rows * cols if isinstance(rows, int) and isinstance(cols, int) else None


def _rnn(gates: int) -> Callable[[dict[str, Any], list[Shape | None]], int | None]:
    def count(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
        units = config.get("units")
        d = ins[0][-1] if ins and ins[0] else None
        if not isinstance(units, int) or d is None:
            return None
        bias = units * gates
        if gates == 3 and config.get("reset_after", True):
            bias *= 2  # GRU's reset-after form keeps an input bias and a recurrent bias
        return gates * (d * units + units * units) + (bias if config.get("use_bias", True) else 0)

    return count


def _multi_head_attention(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    heads, key_dim = config.get("num_heads"), config.get("key_dim")
    value_dim = config.get("value_dim") or key_dim
    if not isinstance(heads, int) or not isinstance(key_dim, int) or not isinstance(value_dim, int) or not ins:
        return None
    query = ins[0]
    value = ins[1] if len(ins) > 1 else query
    key = ins[2] if len(ins) > 2 else value
    if not query or not value or not key or None in (query[-1], value[-1], key[-1]):
        return None
    q, v, k = query[-1], value[-1], key[-1]
    assert q is not None and v is not None and k is not None
    out = config.get("output_shape")
    out_dims = [out] if isinstance(out, int) else out if isinstance(out, list) else [q]
    if not all(isinstance(d, int) for d in out_dims):
        return None
    bias = config.get("use_bias", True)
    total = (q + k) * heads * key_dim + v * heads * value_dim + heads * value_dim * math.prod(out_dims)
    if bias:
        total += 2 * heads * key_dim + heads * value_dim + math.prod(out_dims)
    return total


def _wrapped(config: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    inner = config.get("layer")
    if not isinstance(inner, dict) or not isinstance(inner.get("config"), dict):
        return None
    return str(inner.get("class_name", "")), inner["config"]


def _bidirectional(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    forward = _wrapped(config)
    if forward is None:
        return None
    backward_layer = config.get("backward_layer")
    backward = _wrapped({"layer": backward_layer}) if isinstance(backward_layer, dict) else forward
    if backward is None:
        return None
    a, b = layer_params(*forward, ins), layer_params(*backward, ins)
    return None if a is None or b is None else a + b


def _time_distributed(config: dict[str, Any], ins: list[Shape | None]) -> int | None:
    inner = _wrapped(config)
    shape = ins[0] if ins else None
    if inner is None or not shape or len(shape) < 2:
        return None
    return layer_params(*inner, [[shape[0], *shape[2:]]])


_PARAMS: dict[str, Callable[[dict[str, Any], list[Shape | None]], int | None]] = {
    "Dense": _dense,
    "Conv1D": _conv(1, False),
    "Conv2D": _conv(2, False),
    "Conv3D": _conv(3, False),
    "Convolution1D": _conv(1, False),
    "Convolution2D": _conv(2, False),
    "Convolution3D": _conv(3, False),
    "Conv1DTranspose": _conv(1, True),
    "Conv2DTranspose": _conv(2, True),
    "Conv3DTranspose": _conv(3, True),
    "DepthwiseConv1D": _depthwise(1),
    "DepthwiseConv2D": _depthwise(2),
    "SeparableConv1D": _separable(1),
    "SeparableConv2D": _separable(2),
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "Embedding": _embedding,
    "SimpleRNN": _rnn(1),
    "LSTM": _rnn(4),
    "GRU": _rnn(3),
    "MultiHeadAttention": _multi_head_attention,
    "Bidirectional": _bidirectional,
    "TimeDistributed": _time_distributed,
}


def layer_params(class_name: str, config: dict[str, Any], input_shapes: list[Shape | None]) -> int | None:
    """The number of weights (Keras's ``count_params()``) of a layer, None when the config and input shapes
    do not tell (an unknown layer class, or an input size it depends on is unknown)."""
    if class_name in _NO_WEIGHTS:
        return 0
    count = _PARAMS.get(class_name)
    if count is None:
        return None
    try:
        return count(config, input_shapes)
    except (TypeError, ValueError, ZeroDivisionError):  # a config of unexpected types: unknown, not an error
        return None


# -- output shapes --------------------------------------------------------------------------------------------


def _window(size: int | None, kernel: int, stride: int, padding: str, dilation: int = 1) -> int | None:
    if size is None:
        return None
    if padding in ("same", "causal"):  # causal pads on the left only, to the same size
        return -(-size // stride)
    span = dilation * (kernel - 1) + 1
    return (size - span) // stride + 1 if size >= span else 0


def _spatial(config: dict[str, Any], shape: Shape, rank: int) -> tuple[list[int | None], bool] | None:
    """The spatial sizes of ``shape`` and whether channels come first."""
    if len(shape) != rank + 2:
        return None
    first = config.get("data_format") == "channels_first"
    return (shape[2:] if first else shape[1:-1]), first


def _conv_shape(rank: int, transpose: bool = False) -> Callable[[dict[str, Any], Shape], Shape | None]:
    def infer(config: dict[str, Any], shape: Shape) -> Shape | None:
        found = _spatial(config, shape, rank)
        kernel = _ints(config.get("kernel_size"), rank)
        strides = _ints(config.get("strides", 1), rank)
        dilation = _ints(config.get("dilation_rate", 1), rank)
        filters = config.get("filters")
        if filters is None and "depth_multiplier" in config:
            c = _channels(config, shape)
            mult = config.get("depth_multiplier")
            filters = c * mult if isinstance(c, int) and isinstance(mult, int) else None
        if found is None or kernel is None or strides is None or dilation is None or not isinstance(filters, int):
            return None
        sizes, first = found
        padding = str(config.get("padding", "valid"))
        if transpose:
            if config.get("output_padding") is not None:
                return None
            out: list[int | None] = [
                None if n is None else n * s if padding == "same" else n * s + max(k - s, 0)
                for n, k, s in zip(sizes, kernel, strides, strict=True)
            ]
        else:
            out = [_window(n, k, s, padding, d) for n, k, s, d in zip(sizes, kernel, strides, dilation, strict=True)]
        return [shape[0], filters, *out] if first else [shape[0], *out, filters]

    return infer


def _pool_shape(rank: int) -> Callable[[dict[str, Any], Shape], Shape | None]:
    def infer(config: dict[str, Any], shape: Shape) -> Shape | None:
        found = _spatial(config, shape, rank)
        pool = _ints(config.get("pool_size", 2), rank)
        strides = _ints(config.get("strides") or config.get("pool_size", 2), rank)
        if found is None or pool is None or strides is None:
            return None
        sizes, first = found
        padding = str(config.get("padding", "valid"))
        out = [_window(n, k, s, padding) for n, k, s in zip(sizes, pool, strides, strict=True)]
        c = shape[1] if first else shape[-1]
        return [shape[0], c, *out] if first else [shape[0], *out, c]

    return infer


def _global_pool_shape(rank: int) -> Callable[[dict[str, Any], Shape], Shape | None]:
    def infer(config: dict[str, Any], shape: Shape) -> Shape | None:
        if len(shape) != rank + 2:
            return None
        first = config.get("data_format") == "channels_first"
        c = shape[1] if first else shape[-1]
        if config.get("keepdims"):
            ones: list[int | None] = [1] * rank
            return [shape[0], c, *ones] if first else [shape[0], *ones, c]
        return [shape[0], c]

    return infer


def _flatten_shape(config: dict[str, Any], shape: Shape) -> Shape | None:
    return [shape[0], _prod(shape[1:])]


def _reshape_shape(config: dict[str, Any], shape: Shape) -> Shape | None:
    target = shape_of(config.get("target_shape"))
    if target is None:
        return None
    if -1 in target:
        total = _prod(shape[1:])
        known = _prod([d for d in target if d != -1])
        target = [(total // known if total is not None and known else None) if d == -1 else d for d in target]
    return [shape[0], *target]


def _dense_shape(config: dict[str, Any], shape: Shape) -> Shape | None:
    units = config.get("units")
    return [*shape[:-1], units] if isinstance(units, int) else None


def _embedding_shape(config: dict[str, Any], shape: Shape) -> Shape | None:
    dim = config.get("output_dim")
    return [*shape, dim] if isinstance(dim, int) else None


def _rnn_shape(config: dict[str, Any], shape: Shape) -> Shape | None:
    units = config.get("units")
    if not isinstance(units, int) or len(shape) != 3 or config.get("return_state"):
        return None
    return [shape[0], shape[1], units] if config.get("return_sequences") else [shape[0], units]


_SHAPES: dict[str, Callable[[dict[str, Any], Shape], Shape | None]] = {
    "Dense": _dense_shape,
    "Conv1D": _conv_shape(1),
    "Conv2D": _conv_shape(2),
    "Conv3D": _conv_shape(3),
    "Conv1DTranspose": _conv_shape(1, transpose=True),
    "Conv2DTranspose": _conv_shape(2, transpose=True),
    "Conv3DTranspose": _conv_shape(3, transpose=True),
    "DepthwiseConv1D": _conv_shape(1),
    "DepthwiseConv2D": _conv_shape(2),
    "SeparableConv1D": _conv_shape(1),
    "SeparableConv2D": _conv_shape(2),
    "MaxPooling1D": _pool_shape(1),
    "MaxPooling2D": _pool_shape(2),
    "MaxPooling3D": _pool_shape(3),
    "AveragePooling1D": _pool_shape(1),
    "AveragePooling2D": _pool_shape(2),
    "AveragePooling3D": _pool_shape(3),
    "GlobalMaxPooling1D": _global_pool_shape(1),
    "GlobalMaxPooling2D": _global_pool_shape(2),
    "GlobalMaxPooling3D": _global_pool_shape(3),
    "GlobalAveragePooling1D": _global_pool_shape(1),
    "GlobalAveragePooling2D": _global_pool_shape(2),
    "GlobalAveragePooling3D": _global_pool_shape(3),
    "Flatten": _flatten_shape,
    "Reshape": _reshape_shape,
    "Embedding": _embedding_shape,
    "SimpleRNN": _rnn_shape,
    "LSTM": _rnn_shape,
    "GRU": _rnn_shape,
}


def layer_output_shape(class_name: str, config: dict[str, Any], input_shapes: list[Shape | None]) -> Shape | None:
    """The shape a layer returns given its inputs' shapes, for the common layers; None when unknown."""
    if class_name == "InputLayer":
        return shape_of(config.get("batch_shape")) or shape_of(config.get("batch_input_shape"))
    shape = input_shapes[0] if input_shapes else None
    if shape is None:
        return None
    if class_name in _SAME_SHAPE:
        return list(shape)
    if class_name == "Concatenate":
        return _concat_shape(config, input_shapes)
    if class_name == "MultiHeadAttention":
        out = config.get("output_shape")
        if out is None:
            return list(shape)
        dims = [out] if isinstance(out, int) else shape_of(out)
        return None if dims is None else [*shape[:-1], *dims]
    if class_name == "TimeDistributed":
        inner = _wrapped(config)
        if inner is None or len(shape) < 2:
            return None
        step = layer_output_shape(*inner, [[shape[0], *shape[2:]]])
        return None if step is None else [step[0], shape[1], *step[1:]]
    if class_name == "Bidirectional":
        inner = _wrapped(config)
        one = None if inner is None else layer_output_shape(*inner, input_shapes)
        merge = config.get("merge_mode", "concat")
        if one is None or merge not in ("concat", "sum", "mul", "ave"):
            return None  # merge_mode None returns two tensors
        last = one[-1]
        return [*one[:-1], None if last is None else 2 * last] if merge == "concat" else one
    infer = _SHAPES.get(class_name)
    if infer is None or not shape:
        return None
    try:
        return infer(config, shape)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _concat_shape(config: dict[str, Any], shapes: list[Shape | None]) -> Shape | None:
    if any(s is None for s in shapes) or len({len(s or []) for s in shapes}) != 1:
        return None
    first = shapes[0]
    assert first is not None
    axis = config.get("axis", -1)
    if not isinstance(axis, int) or not -len(first) <= axis < len(first):
        return None
    axis %= len(first)
    out = list(first)
    sizes = [s[axis] for s in shapes if s is not None]
    out[axis] = None if any(v is None for v in sizes) else sum(v for v in sizes if v is not None)
    return out
