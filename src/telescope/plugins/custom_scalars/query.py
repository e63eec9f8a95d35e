"""Pure read functions for the custom_scalars kind (no HTTP): the chart layouts runs declare, and the layout shown
for the whole logdir.

Query stage. Each run may write a ``Layout`` (tag ``custom_scalars__config__``) any number of times; the latest one
counts, as in TensorBoard. The logdir's layout merges the runs' layouts as TensorBoard does: runs in name order,
the first run's layout as written, then each later run's categories: one whose title is already there gets the
charts it does not have yet appended, any other is appended whole. (TensorBoard loses the charts a third run adds
to a category that only a second run had; here they are kept.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.custom_scalars.metadata import CONFIG_TAG, PLUGIN_NAME, parse_layout
from telescope.query import read_tensor_series_many
from telescope.store import SeriesRow, Store
from telescope.tfrecord.proto import layout_pb2

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RunLayout:
    """One layout value: the run that wrote it, when, and the layout."""

    run: str
    tag: str
    step: int
    wall_time: float
    layout: layout_pb2.Layout


def layout_of(arr: npt.NDArray[np.generic]) -> layout_pb2.Layout:
    """The ``Layout`` held by one stored value."""
    return parse_layout(bytes(np.asarray(arr, dtype=object).reshape(-1)[0]))


def layout_series_rows(store: Store, *, config_only: bool = True) -> list[SeriesRow]:
    """The series holding layouts (only the ``custom_scalars__config__`` tag TensorBoard reads, unless asked)."""
    return store.list_series(plugin=PLUGIN_NAME, tag=CONFIG_TAG if config_only else None)


def read_layouts(store: Store, *, latest: bool = True, config_only: bool = True) -> list[RunLayout]:
    """The layouts of every run, by run name; only each run's latest one when ``latest``."""
    rows = sorted(layout_series_rows(store, config_only=config_only), key=lambda r: (r.run, r.tag))
    out: list[RunLayout] = []
    for s in read_tensor_series_many(store, rows):
        points = list(zip(s.steps.tolist(), s.wall_times.tolist(), s.values, strict=True))
        if latest:
            points = points[-1:]
        out.extend(RunLayout(s.run, s.tag, step, wall, layout_of(v)) for step, wall, v in points)
    return out


def merge_layouts(layouts: list[layout_pb2.Layout]) -> layout_pb2.Layout | None:
    """The layouts merged as the module docstring says (None when there are none)."""
    if not layouts:
        return None
    merged = layout_pb2.Layout()
    merged.CopyFrom(layouts[0])
    by_title = {category.title: category for category in merged.category}
    for layout in layouts[1:]:
        for category in layout.category:
            known = by_title.get(category.title)
            if known is None:
                added = merged.category.add()
                added.CopyFrom(category)
                by_title[category.title] = added
            else:
                known.chart.extend([chart for chart in category.chart if chart not in known.chart])
    return merged


def merged_layout(store: Store) -> tuple[layout_pb2.Layout | None, list[str]]:
    """The logdir's layout and the runs it was merged from."""
    found = read_layouts(store)
    return merge_layouts([f.layout for f in found]), [f.run for f in found]


def chart_rows(layout: layout_pb2.Layout) -> list[dict[str, Any]]:
    """One dict per chart (per series for a margin chart with several): ``category, title, kind, tags``, with
    ``tags`` the regular expressions of a multiline chart or ``[value, lower, upper]`` of a margin series."""
    out: list[dict[str, Any]] = []
    for category in layout.category:
        for chart in category.chart:
            which = chart.WhichOneof("content")
            if which == "multiline":
                out.append(
                    {
                        "category": category.title,
                        "title": chart.title,
                        "kind": "multiline",
                        "tags": list(chart.multiline.tag),
                    }
                )
            elif which == "margin":
                for series in chart.margin.series:
                    tags = [series.value, series.lower, series.upper]
                    out.append({"category": category.title, "title": chart.title, "kind": "margin", "tags": tags})
    return out


def read_frame(store: Store) -> pd.DataFrame:
    """Every layout value's charts as rows ``run, tag, step, wall_time, category, title, kind, tags`` (every value
    written, not only the latest), ordered by run, tag, step."""
    import pandas as pd

    records = [
        {"run": f.run, "tag": f.tag, "step": f.step, "wall_time": f.wall_time, **chart}
        for f in read_layouts(store, latest=False, config_only=False)
        for chart in chart_rows(f.layout)
    ]
    columns = ["run", "tag", "step", "wall_time", "category", "title", "kind", "tags"]
    if not records:
        dtypes = {"step": "int64", "wall_time": "float64"}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "object")) for c in columns})
    return pd.DataFrame.from_records(records, columns=columns)
