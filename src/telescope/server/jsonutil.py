"""JSON helpers: columns as lists, non-finite floats as the strings "NaN", "Infinity", "-Infinity"."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import orjson
from fastapi.responses import Response


def float_list(values: np.ndarray) -> np.ndarray | list[Any]:
    """A float column for :class:`FastJSON`: the array itself when every value is finite (serialised natively),
    else a list with the non-finite values as strings."""
    if bool(np.isfinite(values).all()):
        return np.ascontiguousarray(values, dtype=np.float64)
    return [json_number(v) for v in values.tolist()]


def json_number(v: float) -> Any:
    if math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


class FastJSON(Response):
    """JSON rendered by orjson, numpy arrays included (no pydantic validation of the payload)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)
