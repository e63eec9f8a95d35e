"""Decoding image summary values into blob items, one per image (docs/event-format §6.5).

Two encodings reach this kind: the legacy ``Summary.Image`` (one encoded image with its declared size and
colorspace; PyTorch, tensorboardX, TF1, and the animated GIFs of ``add_video``) and the tensor form, a
``DT_STRING`` vector ``[width, height, image_0, …, image_{k-1}]`` with the size as ASCII decimals (TF2, Keras).
Each image becomes one :class:`BlobItem` whose ``meta`` holds ``content_type``, ``format``, ``width`` and
``height`` (read from the image's own header when it can be, else the declared size). A value that holds
something that is not an image, or an absurd declared size, raises ``ValueError``: the ingester reports it with
the file and offset and reads on.
"""

from __future__ import annotations

from typing import Any

from telescope.plugins.base import BlobItem
from telescope.plugins.images.formats import read_header
from telescope.plugins.images.metadata import PLUGIN_NAME
from telescope.tfrecord.proto import summary_pb2, types_pb2

__all__ = ["MAX_DIMENSION", "PLUGIN_NAME", "decode", "image_item"]

# Larger sides are not images anyone logs: they are corrupt headers or decompression bombs.
MAX_DIMENSION = 100_000

_COLORSPACES = {1: "grayscale", 2: "grayscale_alpha", 3: "rgb", 4: "rgba", 5: "digital_yuv", 6: "bgra"}


def decode(value: summary_pb2.Summary.Value) -> list[BlobItem]:
    """The images held by ``value`` (ValueError when it holds anything else)."""
    which = value.WhichOneof("value")
    if which == "image":
        img = value.image
        width = _declared(img.width, "width")
        height = _declared(img.height, "height")
        extra: dict[str, Any] = {}
        if img.colorspace in _COLORSPACES:
            extra["colorspace"] = _COLORSPACES[img.colorspace]
        return [image_item(bytes(img.encoded_image_string), width, height, extra=extra)]
    if which == "tensor":
        return _decode_tensor(value)
    raise ValueError(f"an image value must hold an image or a string tensor, not {which or 'nothing'}")


def _decode_tensor(value: summary_pb2.Summary.Value) -> list[BlobItem]:
    tensor = value.tensor
    if tensor.dtype != types_pb2.DT_STRING:
        name = types_pb2.DataType.Name(tensor.dtype) if tensor.dtype in types_pb2.DataType.values() else tensor.dtype
        raise ValueError(f"an image tensor must be DT_STRING, not {name}")
    strings = tensor.string_val
    dims = [d.size for d in tensor.tensor_shape.dim]
    if len(dims) != 1:
        raise ValueError(f"an image tensor must be a vector [width, height, images...], not of shape {dims}")
    if dims[0] != len(strings):
        raise ValueError(f"an image tensor of shape {dims} holds {len(strings)} strings")
    if len(strings) < 2:
        raise ValueError(f"an image tensor needs width and height first; it holds {len(strings)} strings")
    width = _declared_text(strings[0], "width")
    height = _declared_text(strings[1], "height")
    items = []
    for i, data in enumerate(strings[2:]):
        try:
            items.append(image_item(bytes(data), width, height))
        except ValueError as e:
            raise ValueError(f"image {i} of {len(strings) - 2}: {e}") from None
    return items


def image_item(data: bytes, width: int, height: int, *, extra: dict[str, Any] | None = None) -> BlobItem:
    """One image's item; ``width``/``height`` are the declared size (0: unknown), used when the header says none."""
    if not data:
        raise ValueError("the image is empty (0 bytes)")
    header = read_header(data)
    if header is None:
        raise ValueError(
            f"not an image (its first bytes are {data[:8].hex(' ')}; PNG, JPEG, GIF, BMP or WebP expected)"
        )
    w = header.width if header.width is not None else width
    h = header.height if header.height is not None else height
    if w > MAX_DIMENSION or h > MAX_DIMENSION:
        raise ValueError(f"the {header.format.upper()} header gives an absurd size {w}x{h}")
    meta: dict[str, Any] = {"content_type": header.content_type, "format": header.format, "width": w, "height": h}
    if extra:
        meta.update(extra)
    return BlobItem(data, meta)


def _declared(n: int, what: str) -> int:
    if n < 0 or n > MAX_DIMENSION:
        raise ValueError(f"absurd declared image {what} {n}")
    return n


def _declared_text(raw: bytes, what: str) -> int:
    text = bytes(raw).strip()
    if not text:
        return 0  # not declared: the image headers say
    if not text.isdigit() or len(text) > 9:
        shown = text[:20].decode("utf-8", "replace")
        raise ValueError(f"the declared image {what} {shown!r} is not a number of pixels")
    return _declared(int(text), what)
