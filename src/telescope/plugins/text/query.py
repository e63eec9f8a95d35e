"""Pure read functions for the text kind (no HTTP): every step of a tag as raw text.

Query stage. A rank-0 tensor is one Markdown document and reads as a ``str``; a tensor of rank 1 or more is a
table and reads as a list of rows, each a list of ``str`` (rank 1: one cell per row; rank 2: the rows as they are;
higher ranks: every leading dimension flattened into rows, so nothing is lost). Bytes that are not UTF-8 are read
with replacement characters. Rendering is left to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.series import records_frame, series_row
from telescope.plugins.text.metadata import PLUGIN_NAME
from telescope.query import read_tensor_series_many
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

Text = str | list[list[str]]


@dataclass(frozen=True)
class TextSeries:
    """Every visible step of one (run, tag), sorted by step; ``values[i]`` keeps step i's shape."""

    run: str
    tag: str
    steps: npt.NDArray[np.int64]
    wall_times: npt.NDArray[np.float64]
    values: list[npt.NDArray[np.object_]]

    def texts(self) -> list[Text]:
        return [as_text(v) for v in self.values]


def _str(item: Any) -> str:
    return item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)


def as_text(arr: npt.NDArray[np.object_]) -> Text:
    """One step's text: a ``str`` for rank 0, else a list of rows (module docstring)."""
    if arr.ndim == 0:
        return _str(arr.item())
    rows = arr.reshape(arr.size, 1) if arr.ndim == 1 else arr.reshape(int(np.prod(arr.shape[:-1])), arr.shape[-1])
    return [[_str(item) for item in row] for row in rows.tolist()]


def text_series_rows(store: Store, *, run: str | None = None, tag: str | None = None) -> list[SeriesRow]:
    """The text series of ``run`` and ``tag`` (all when None), ordered by tag then run."""
    return store.list_series(plugin=PLUGIN_NAME, run=run, tag=tag)


def read_series(store: Store, rows: Sequence[SeriesRow], *, include_hidden: bool = False) -> list[TextSeries]:
    """Every step of each series."""
    out = []
    for s in read_tensor_series_many(store, rows, include_hidden=include_hidden):
        values = [np.asarray(v, dtype=object) for v in s.values]
        out.append(TextSeries(s.run, s.tag, s.steps, s.wall_times, values))
    return out


def read_text(store: Store, *, run: str, tag: str) -> TextSeries:
    """Every step of one tag in one run (NotFound for an unknown run or tag)."""
    return read_series(store, [series_row(store, PLUGIN_NAME, run=run, tag=tag, what="text")])[0]


def read_frame(store: Store) -> pd.DataFrame:
    """Every text sample as rows ``run, tag, step, wall_time, text``, ordered by run, tag, step."""
    records: list[dict[str, Any]] = []
    rows = sorted(text_series_rows(store), key=lambda r: (r.run, r.tag))
    for s in read_series(store, rows):
        for step, wall_time, text in zip(s.steps.tolist(), s.wall_times.tolist(), s.texts(), strict=True):
            records.append({"run": s.run, "tag": s.tag, "step": step, "wall_time": wall_time, "text": text})
    columns = ["run", "tag", "step", "wall_time", "text"]
    return records_frame(records, columns)
