"""Custom-scalars layout summaries: a PyTorch-style layout dict becomes the Layout readers merge and draw."""

from __future__ import annotations

from typing import Any

import pytest

from telescope.plugins.custom_scalars import metadata
from telescope.plugins.custom_scalars.summary import custom_scalars
from telescope.tfrecord.proto import layout_pb2, summary_pb2, types_pb2


def _layout(summary: summary_pb2.Summary) -> layout_pb2.Layout:
    (value,) = summary.value
    assert value.tag == "custom_scalars__config__"
    assert value.metadata.plugin_data.plugin_name == "custom_scalars"
    assert value.metadata.data_class == summary_pb2.DATA_CLASS_TENSOR
    assert value.tensor.dtype == types_pb2.DT_STRING
    assert len(value.tensor.tensor_shape.dim) == 0  # rank 0: one serialized Layout
    (data,) = value.tensor.string_val
    return metadata.parse_layout(data)


def test_categories_and_charts_keep_their_order_and_content() -> None:
    layout = _layout(
        custom_scalars(
            {
                "Losses": {
                    "train vs val": ["Multiline", ["loss/train", "loss/val.*"]],
                    "band": ["Margin", ["loss/mean", "loss/low", "loss/high"]],
                },
                "Accuracy": {"acc": ["Multiline", ["acc"]]},
            }
        )
    )
    assert [c.title for c in layout.category] == ["Losses", "Accuracy"]
    multiline, margin = layout.category[0].chart
    assert multiline.title == "train vs val"
    assert list(multiline.multiline.tag) == ["loss/train", "loss/val.*"]
    assert margin.title == "band"
    (series,) = margin.margin.series
    assert (series.value, series.lower, series.upper) == ("loss/mean", "loss/low", "loss/high")
    assert layout.category[1].chart[0].WhichOneof("content") == "multiline"


def test_a_layout_message_is_written_as_given() -> None:
    given = layout_pb2.Layout(category=[layout_pb2.Category(title="c", closed=True)])
    assert _layout(custom_scalars(given)) == given


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (["Margin", ["a", "b"]], "3 tags"),
        (["Scatter", ["a"]], "unknown chart kind"),
        (["Multiline", "loss"], "list of tags"),
        ("Multiline", "expected"),
    ],
)
def test_malformed_charts_are_refused_with_their_place(spec: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        custom_scalars({"cat": {"chart": spec}})
    assert "'cat'/'chart'" in str(info.value)


def test_bytes_that_are_not_a_layout_are_refused() -> None:
    with pytest.raises(ValueError):
        metadata.parse_layout(b"\x12\xff")
