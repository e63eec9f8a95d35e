"""JSON helpers: columns as lists, non-finite floats as the strings "NaN", "Infinity", "-Infinity"."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from fastapi.responses import Response


def float_list(values: np.ndarray) -> list[Any]:
    out: list[Any] = values.tolist()
    if not bool(np.isfinite(values).all()):
        for i, v in enumerate(out):
            if not math.isfinite(v):
                out[i] = "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return out


def json_number(v: float) -> Any:
    if math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


class FastJSON(Response):
    """JSON without pydantic validation of the payload (the payloads are plain lists and dicts)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
