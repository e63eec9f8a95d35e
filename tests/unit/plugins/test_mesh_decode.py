"""Mesh values are cast per part (float32 vertices, int32 faces, uint8 colors), the part taken from the metadata or
the tag; malformed ones are reported with a reason while the rest of the file is read; parts group by mesh name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from telescope.ingest import Ingester
from telescope.plugins.mesh import query
from telescope.plugins.mesh.decode import decode, part_from_tag
from telescope.plugins.mesh.metadata import ALL_COMPONENTS, COLOR, FACE, VERTEX, create_metadata
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events


def floats(arr: np.ndarray) -> tensor_pb2.TensorProto:
    """As PyTorch writes every part: DT_FLOAT in float_val."""
    t = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT, float_val=np.asarray(arr, dtype=np.float64).reshape(-1).tolist()
    )
    for d in np.shape(arr):
        t.tensor_shape.dim.add(size=d)
    return t


def value(
    tag: str, tensor: tensor_pb2.TensorProto, content_type: int | None, name: str = "m"
) -> summary_pb2.Summary.Value:
    v = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
    if content_type is not None:
        shape = [d.size for d in tensor.tensor_shape.dim]
        shape = shape if len(shape) == 3 else [1, 0, 3]  # the metadata of a malformed value still says [B, N, 3]
        v.metadata.CopyFrom(create_metadata(name, content_type, components=ALL_COMPONENTS, shape=shape))
    return v


VERTICES = np.array([[[0.5, 1.0, -2.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
FACES = np.array([[[0.0, 1.0, 2.0]]])
COLORS = np.array([[[255.0, 0.0, 12.4], [0.0, 300.0, -3.0], [1.0, 2.0, 3.0]]])


def test_parts_are_cast_to_their_types() -> None:
    v = decode(value("m_VERTEX", floats(VERTICES), VERTEX))
    assert v.dtype == np.float32 and v.shape == (1, 3, 3) and v.tolist() == VERTICES.tolist()
    f = decode(value("m_FACE", floats(FACES), FACE))
    assert f.dtype == np.int32 and f.tolist() == [[[0, 1, 2]]]
    c = decode(value("m_COLOR", floats(COLORS), COLOR))
    assert c.dtype == np.uint8 and c.tolist() == [[[255, 0, 12], [0, 255, 0], [1, 2, 3]]]


def test_typed_tensors_as_tensorboard_writes_them() -> None:
    faces = tensor_pb2.TensorProto(dtype=types_pb2.DT_INT32, tensor_content=np.array([[[0, 1, 2]]], np.int32).tobytes())
    for d in (1, 1, 3):
        faces.tensor_shape.dim.add(size=d)
    assert decode(value("m_FACE", faces, FACE)).tolist() == [[[0, 1, 2]]]
    colors = tensor_pb2.TensorProto(dtype=types_pb2.DT_UINT8, int_val=[9, 8, 7])
    for d in (1, 1, 3):
        colors.tensor_shape.dim.add(size=d)
    assert decode(value("m_COLOR", colors, COLOR)).tolist() == [[[9, 8, 7]]]


@pytest.mark.parametrize(
    ("tag", "content_type"),
    [("m_VERTEX", VERTEX), ("m_FACE", FACE), ("m_COLOR", COLOR), ("a/b_1", VERTEX), ("a/b_2", FACE), ("a_b_3", COLOR)],
)
def test_without_metadata_the_tag_names_the_part(tag: str, content_type: int) -> None:
    name = tag.rpartition("_")[0]
    assert part_from_tag(tag) == (name, content_type)
    data = {VERTEX: VERTICES, FACE: FACES, COLOR: COLORS}[content_type]
    out = decode(value(tag, floats(data), None))
    assert out.dtype == {VERTEX: np.float32, FACE: np.int32, COLOR: np.uint8}[content_type]


def test_metadata_wins_over_the_tag() -> None:
    # The writer's metadata says this is a face list, whatever the tag says.
    assert decode(value("m_COLOR", floats(FACES), FACE)).dtype == np.int32


@pytest.mark.parametrize(
    ("v", "reason"),
    [
        (value("m_VERTEX", floats(np.zeros((3, 3))), VERTEX), r"\[B, N, 3\], not \[3, 3\]"),
        (value("m_VERTEX", floats(np.zeros((1, 3, 2))), VERTEX), r"\[B, N, 3\], not \[1, 3, 2\]"),
        (value("m_FACE", floats(np.array([[[0.0, -1.0, 2.0]]])), FACE), "vertex indices"),
        (value("m_FACE", floats(np.array([[[0.0, np.nan, 2.0]]])), FACE), "finite"),
        (value("cloud", floats(VERTICES), None), "names no part"),
        (value("m_4", floats(VERTICES), None), "names no part"),
        (value("m_VERTEX", floats(VERTICES), 0), "unknown content type UNDEFINED"),
        (summary_pb2.Summary.Value(tag="m_VERTEX", simple_value=1.0), "must hold a tensor"),
    ],
)
def test_malformed_values_are_rejected_with_a_reason(v: summary_pb2.Summary.Value, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(v)


def _event(step: int, *values: summary_pb2.Summary.Value) -> event_pb2.Event:
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
    ev.summary.value.extend(values)
    return ev


def test_bad_value_is_reported_and_the_rest_of_the_file_read(tmp_path: Path) -> None:
    write_events(
        tmp_path / "logs" / "r" / "events.out.tfevents.1.h",
        version_event(),
        _event(0, value("m_VERTEX", floats(VERTICES), VERTEX)),
        _event(1, value("m_VERTEX", floats(np.zeros((2, 2))), VERTEX)),
        _event(2, value("m_VERTEX", floats(VERTICES * 2), VERTEX)),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    s = query.read_mesh(store, run="r", tag="m")
    assert s.steps.tolist() == [0, 2] and s.vertices[1].tolist() == (VERTICES * 2).tolist()
    (problem,) = store.status().problems
    assert "step 1" in problem.message and "[2, 2]" in problem.message


def test_parts_group_by_mesh_name_even_when_later_values_lose_their_metadata(tmp_path: Path) -> None:
    # TF1 keeps the metadata on the first value of a tag only; a writer may also leave the content out entirely.
    bare = value("cloud_1", floats(VERTICES), None)
    bare.metadata.plugin_data.plugin_name = "mesh"
    write_events(
        tmp_path / "logs" / "r" / "events.out.tfevents.1.h",
        version_event(),
        _event(0, value("m_VERTEX", floats(VERTICES), VERTEX), value("m_FACE", floats(FACES), FACE)),
        _event(1, value("m_VERTEX", floats(VERTICES + 1), None), value("m_FACE", floats(FACES), None)),
        _event(0, bare),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    assert [(g.run, g.name, sorted(g.parts)) for g in query.mesh_groups(store)] == [
        ("r", "cloud", [VERTEX]),
        ("r", "m", [VERTEX, FACE]),
    ]
    m = query.read_mesh(store, run="r", tag="m")
    assert m.steps.tolist() == [0, 1] and [f.dtype for f in m.faces if f is not None] == [np.int32, np.int32]
    assert m.colors == [None, None] and m.config == {}
    cloud = query.read_mesh(store, run="r", tag="cloud")
    assert cloud.faces == [None] and cloud.config == {}
    assert not store.status().problems
