"""Packing small arrays (histograms, PR curves, text, hparams) into one blob per point for the tensors table.

Numeric arrays keep their dtype, shape and bytes exactly. Arrays of strings (text, serialized protos) are packed
as a sequence of length-prefixed byte strings in C order; they come back as an ``object`` array of ``bytes``.
"""

from __future__ import annotations

import json
import struct
from functools import lru_cache

import numpy as np
import numpy.typing as npt

BYTES = "bytes"  # the dtype name stored for arrays of byte strings


def encode_tensor(value: npt.ArrayLike) -> tuple[str, str, bytes]:
    """``(dtype, shape, data)`` of ``value``: a numeric array or an array of ``bytes``/``str``."""
    arr = np.asarray(value)
    shape = _shape_text(arr.shape)
    if arr.dtype.kind in "OSU":
        parts = []
        for item in arr.reshape(-1).tolist():
            b = item.encode("utf-8") if isinstance(item, str) else bytes(item)
            parts.append(struct.pack("<I", len(b)))
            parts.append(b)
        return BYTES, shape, b"".join(parts)
    le, name = _little_endian(arr.dtype)
    # tobytes() writes C order whatever the layout; only a big-endian array needs converting first.
    data = arr.tobytes() if le is None else np.ascontiguousarray(arr, dtype=le).tobytes()
    return name, shape, data


@lru_cache(maxsize=256)
def _little_endian(dtype: np.dtype[np.generic]) -> tuple[np.dtype[np.generic] | None, str]:
    """The little-endian form of a big-endian numeric ``dtype`` (None if it is not big-endian) and the name
    stored for it."""
    if dtype.byteorder == ">":
        le = dtype.newbyteorder("<")
        return le, le.str
    return None, dtype.str


@lru_cache(maxsize=256)
def _shape_text(shape: tuple[int, ...]) -> str:
    return json.dumps(list(shape), separators=(",", ":"))


@lru_cache(maxsize=256)
def shape_dims(shape: str) -> tuple[int, ...]:
    """The dimensions of a shape as :func:`encode_tensor` writes it."""
    return tuple(int(d) for d in json.loads(shape))


def decode_tensor(dtype: str, shape: str, data: bytes) -> npt.NDArray[np.generic]:
    """The array that :func:`encode_tensor` packed."""
    return decode_array(dtype, shape_dims(shape), data)


def decode_array(dtype: str, dims: tuple[int, ...], data: bytes) -> npt.NDArray[np.generic]:
    """:func:`decode_tensor` with the shape as dimensions."""
    if dtype == BYTES:
        items: list[bytes] = []
        pos = 0
        view = memoryview(data)
        while pos < len(view):
            (n,) = struct.unpack_from("<I", view, pos)
            items.append(bytes(view[pos + 4 : pos + 4 + n]))
            pos += 4 + n
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out.reshape(dims)
    return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(dims)
