"""Custom-scalars layout values are kept as written and checked to be a ``Layout``; malformed ones are reported while
the rest of the file is read; layouts merge across runs as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from telescope.ingest import Ingester
from telescope.plugins.custom_scalars import query
from telescope.plugins.custom_scalars.decode import decode
from telescope.plugins.custom_scalars.metadata import CONFIG_TAG, create_metadata
from telescope.plugins.custom_scalars.summary import layout_from_dict
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, layout_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events


def value(tensor: tensor_pb2.TensorProto) -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(tag=CONFIG_TAG, metadata=create_metadata(), tensor=tensor)


def layout_tensor(layout: layout_pb2.Layout, *dims: int) -> tensor_pb2.TensorProto:
    t = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[layout.SerializeToString()])
    for d in dims:
        t.tensor_shape.dim.add(size=d)
    return t


LAYOUT = layout_from_dict({"Loss": {"all": ["Multiline", ["loss/.*", "val"]], "band": ["Margin", ["m", "lo", "hi"]]}})


def test_rank_0_layout_as_pytorch_writes_it() -> None:
    arr = decode(value(layout_tensor(LAYOUT)))
    assert query.layout_of(arr) == LAYOUT


def test_one_element_vector_is_accepted() -> None:
    assert query.layout_of(decode(value(layout_tensor(LAYOUT, 1)))) == LAYOUT


@pytest.mark.parametrize(
    ("tensor", "reason"),
    [
        (tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[b"\xff\xff\xff"]), "not a serialized"),
        (tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1.0]), "DT_STRING, not DT_FLOAT"),
        (layout_tensor(LAYOUT, 2), r"holds one string, this one has shape \[2\]"),
    ],
)
def test_malformed_layouts_are_rejected_with_a_reason(tensor: tensor_pb2.TensorProto, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(value(tensor))


def test_bad_value_is_reported_and_the_rest_of_the_file_read(tmp_path: Path) -> None:
    def event(step: int, v: summary_pb2.Summary.Value) -> event_pb2.Event:
        ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
        ev.summary.value.append(v)
        return ev

    bad = value(tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[b"\x0a\xff"]))
    write_events(
        tmp_path / "logs" / "r" / "events.out.tfevents.1.h",
        version_event(),
        event(0, bad),
        event(1, value(layout_tensor(LAYOUT))),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    (found,) = query.read_layouts(store)
    assert found.step == 1 and found.layout == LAYOUT
    (problem,) = store.status().problems
    assert "step 0" in problem.message and "Layout" in problem.message


def _charts(layout: layout_pb2.Layout | None) -> list[tuple[str, str, tuple[str, ...]]]:
    assert layout is not None
    return [(r["category"], r["title"], tuple(r["tags"])) for r in query.chart_rows(layout)]


def test_merge_appends_missing_charts_and_new_categories_in_order() -> None:
    a = layout_from_dict({"Loss": {"all": ["Multiline", ["loss"]]}, "LR": {"lr": ["Multiline", ["lr"]]}})
    b = layout_from_dict(
        {
            "Loss": {"all": ["Multiline", ["loss"]], "val": ["Multiline", ["val"]]},
            "Acc": {"acc": ["Multiline", ["acc"]]},
        }
    )
    c = layout_from_dict({"Acc": {"top5": ["Multiline", ["top5"]]}})
    assert _charts(query.merge_layouts([a, b, c])) == [
        ("Loss", "all", ("loss",)),
        ("Loss", "val", ("val",)),
        ("LR", "lr", ("lr",)),
        ("Acc", "acc", ("acc",)),
        ("Acc", "top5", ("top5",)),
    ]
    assert query.merge_layouts([]) is None


def test_a_chart_with_the_same_title_but_other_tags_is_not_a_duplicate() -> None:
    a = layout_from_dict({"Loss": {"all": ["Multiline", ["loss"]]}})
    b = layout_from_dict({"Loss": {"all": ["Multiline", ["loss", "val"]]}})
    assert _charts(query.merge_layouts([a, b])) == [("Loss", "all", ("loss",)), ("Loss", "all", ("loss", "val"))]


def test_margin_chart_rows_name_value_lower_upper() -> None:
    chart = layout_pb2.Chart(title="bands")
    chart.margin.series.add(value="a", lower="a_lo", upper="a_hi")
    chart.margin.series.add(value="b", lower="b_lo", upper="b_hi")
    layout = layout_pb2.Layout(category=[layout_pb2.Category(title="C", chart=[chart])])
    assert query.chart_rows(layout) == [
        {"category": "C", "title": "bands", "kind": "margin", "tags": ["a", "a_lo", "a_hi"]},
        {"category": "C", "title": "bands", "kind": "margin", "tags": ["b", "b_lo", "b_hi"]},
    ]
