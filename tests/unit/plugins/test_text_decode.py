"""Text values keep their raw strings and shape; malformed ones are reported with a reason while the rest of the
file is read; samples read as a string or a list of rows; TensorBoard's HTML is laid out as TensorBoard's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from telescope.ingest import Ingester
from telescope.plugins.text import query
from telescope.plugins.text.decode import decode
from telescope.plugins.text.metadata import create_metadata
from telescope.plugins.text.routes import text_html
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events


def strings(*dims: int, values: list[bytes]) -> tensor_pb2.TensorProto:
    t = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=values)
    for d in dims:
        t.tensor_shape.dim.add(size=d)
    return t


def value(tensor: tensor_pb2.TensorProto) -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(tag="notes", metadata=create_metadata(), tensor=tensor)


def test_rank_0_is_one_document() -> None:
    arr = decode(value(strings(values=["# Hi\n\n**bold** ✓".encode()])))
    assert arr.shape == () and arr.item() == "# Hi\n\n**bold** ✓".encode()
    assert query.as_text(arr) == "# Hi\n\n**bold** ✓"


def test_vector_and_matrix_are_rows() -> None:
    vector = decode(value(strings(3, values=[b"a", b"b", b"c"])))
    assert query.as_text(vector) == [["a"], ["b"], ["c"]]
    matrix = decode(value(strings(2, 2, values=[b"a", b"b", b"c", b"d"])))
    assert query.as_text(matrix) == [["a", "b"], ["c", "d"]]


def test_higher_ranks_flatten_into_rows_and_empty_tables_stay_empty() -> None:
    cube = decode(value(strings(2, 2, 2, values=[bytes([97 + i]) for i in range(8)])))
    assert query.as_text(cube) == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]]
    assert query.as_text(decode(value(strings(0, values=[])))) == []
    assert query.as_text(np.empty((2, 0), dtype=object)) == [[], []]


def test_invalid_utf8_is_kept_raw_and_read_with_replacement() -> None:
    arr = decode(value(strings(values=[b"ok \xff"])))
    assert arr.item() == b"ok \xff"
    assert query.as_text(arr) == "ok \ufffd"


def test_one_string_fills_a_larger_shape() -> None:
    # TensorFlow's encoding rule: a single value stands for every element.
    assert query.as_text(decode(value(strings(2, values=[b"x"])))) == [["x"], ["x"]]


@pytest.mark.parametrize(
    ("v", "reason"),
    [
        (value(tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1.0])), "DT_STRING, not DT_FLOAT"),
        (value(strings(3, values=[b"a", b"b"])), "holds 2 values"),
        (summary_pb2.Summary.Value(tag="notes", simple_value=1.0, metadata=create_metadata()), "not simple_value"),
    ],
)
def test_malformed_values_are_rejected_with_a_reason(v: summary_pb2.Summary.Value, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(v)


def test_bad_value_is_reported_and_the_rest_of_the_file_read(tmp_path: Path) -> None:
    def event(step: int, v: summary_pb2.Summary.Value) -> event_pb2.Event:
        ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
        ev.summary.value.append(v)
        return ev

    write_events(
        tmp_path / "logs" / "r" / "events.out.tfevents.1.h",
        version_event(),
        event(0, value(strings(values=[b"first"]))),
        event(1, value(tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, int_val=[3]))),
        event(2, value(strings(values=[b"third"]))),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    s = query.read_text(store, run="r", tag="notes")
    assert s.steps.tolist() == [0, 2] and s.texts() == ["first", "third"]
    (problem,) = store.status().problems
    assert "step 1" in problem.message and "DT_INT32" in problem.message


def test_tensorboard_html_layout() -> None:
    assert text_html(np.array(b"**hi**", dtype=object)) == "<p><strong>hi</strong></p>"
    vector = np.array([b"a", b"*b*"], dtype=object)
    assert text_html(vector) == (
        "<table>\n<tbody>\n<tr>\n<td><p>a</p></td>\n</tr>\n<tr>\n<td><p><em>b</em></p></td>\n</tr>\n</tbody>\n</table>"
    )
    assert text_html(vector, markdown=False) == (
        "<table>\n<tbody>\n<tr>\n<td>a</td>\n</tr>\n<tr>\n<td>*b*</td>\n</tr>\n</tbody>\n</table>"
    )


def test_tensorboard_html_is_sanitised() -> None:
    evil = np.array([b"<script>alert(1)</script>", b"<img src=x onerror=alert(1)>", b"[x](javascript:alert(1))"])
    for item in evil:
        for markdown in (True, False):
            out = text_html(np.array(item, dtype=object), markdown=markdown)
            assert "<script" not in out and "<img" not in out and 'href="javascript' not in out


def test_higher_rank_html_shows_the_first_slice_with_a_warning() -> None:
    cube = np.array([[[b"a"], [b"b"]], [[b"c"], [b"d"]]], dtype=object)
    out = text_html(cube)
    assert "Warning" in out and "3 dimensions" in out
    assert "<p>a</p>" in out and "<p>b</p>" in out and "<p>c</p>" not in out
