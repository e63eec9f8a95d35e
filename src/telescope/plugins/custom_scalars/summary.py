"""Writer side of the custom_scalars kind: the ``Summary`` holding a run's chart layout (docs/event-format §6.10).

A pure function called by ``SummaryWriter.add_custom_scalars``. The layout is given as
``torch.utils.tensorboard`` takes it::

    {"Losses": {"train vs val": ["Multiline", ["loss/train", "loss/val"]],
                "loss band":    ["Margin", ["loss/mean", "loss/low", "loss/high"]]}}

Multiline tags are regular expressions matched at the start of scalar tags; Margin names three exact tags
(value, lower bound, upper bound). A ready ``Layout`` message is accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from telescope.plugins.custom_scalars import metadata
from telescope.plugins.values import tensor_proto, tensor_summary
from telescope.tfrecord.proto import layout_pb2, summary_pb2

__all__ = ["custom_scalars", "layout_from_dict"]


def _tag_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{where}: expected a list of tags, got {value!r}")
    tags = list(value)
    if not all(isinstance(t, str) for t in tags):
        raise ValueError(f"{where}: every tag must be a string, got {tags!r}")
    return tags


def _chart(title: str, spec: Any, where: str) -> layout_pb2.Chart:
    if isinstance(spec, str) or not isinstance(spec, Sequence) or len(spec) != 2:
        raise ValueError(f'{where}: expected ["Multiline", [tags]] or ["Margin", [value, lower, upper]], got {spec!r}')
    kind, tags = spec
    kind_name = str(kind).lower()
    if kind_name == "multiline":
        return layout_pb2.Chart(title=title, multiline=layout_pb2.MultilineChartContent(tag=_tag_list(tags, where)))
    if kind_name == "margin":
        series = _tag_list(tags, where)
        if len(series) != 3:
            raise ValueError(f"{where}: a Margin chart names 3 tags (value, lower, upper), got {series!r}")
        value, lower, upper = series
        content = layout_pb2.MarginChartContent(
            series=[layout_pb2.MarginChartContent.Series(value=value, lower=lower, upper=upper)]
        )
        return layout_pb2.Chart(title=title, margin=content)
    raise ValueError(f'{where}: unknown chart kind {kind!r} (expected "Multiline" or "Margin")')


def layout_from_dict(layout: Mapping[str, Mapping[str, Any]]) -> layout_pb2.Layout:
    """The ``Layout`` message for a ``torch.utils.tensorboard``-style layout dict (raises ``ValueError``)."""
    categories = []
    for category_title, charts in layout.items():
        if not isinstance(charts, Mapping):
            raise ValueError(f"category {category_title!r}: expected a dict of charts, got {charts!r}")
        category = layout_pb2.Category(title=str(category_title))
        for chart_title, spec in charts.items():
            category.chart.append(_chart(str(chart_title), spec, f"chart {category_title!r}/{chart_title!r}"))
        categories.append(category)
    return layout_pb2.Layout(category=categories)


def custom_scalars(layout: Mapping[str, Mapping[str, Any]] | layout_pb2.Layout) -> summary_pb2.Summary:
    """The layout value (tag ``custom_scalars__config__``) for ``layout``."""
    message = layout if isinstance(layout, layout_pb2.Layout) else layout_from_dict(layout)
    return tensor_summary(metadata.CONFIG_TAG, tensor_proto(message.SerializeToString()), metadata.create_metadata())
