"""Mesh summaries: up to three tensors tied by one name, each with the dtype TensorBoard's viewer expects."""

from __future__ import annotations

import json

import numpy as np
import pytest

from telescope.plugins.mesh import metadata
from telescope.plugins.mesh.summary import mesh
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2, types_pb2
from telescope.tfrecord.tensor import to_numpy

VERTICES = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]], dtype=np.float64)
FACES = np.array([[[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]])
COLORS = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]])


def _parts(summary: summary_pb2.Summary) -> dict[str, tuple[plugin_data_pb2.MeshPluginData, np.ndarray, int]]:
    out = {}
    for value in summary.value:
        assert value.metadata.plugin_data.plugin_name == "mesh"
        assert value.metadata.data_class == summary_pb2.DATA_CLASS_TENSOR
        out[value.tag] = (
            metadata.parse_plugin_data(value.metadata.plugin_data.content),
            to_numpy(value.tensor),
            value.tensor.dtype,
        )
    return out


def test_three_parts_with_their_tags_dtypes_and_values() -> None:
    parts = _parts(mesh("tetra", VERTICES, COLORS, FACES, {"camera": {"fov": 75}, "a": 1}))
    assert list(parts) == ["tetra_VERTEX", "tetra_FACE", "tetra_COLOR"]
    expected = {
        "tetra_VERTEX": (metadata.VERTEX, types_pb2.DT_FLOAT, VERTICES),
        "tetra_FACE": (metadata.FACE, types_pb2.DT_INT32, FACES),
        "tetra_COLOR": (metadata.COLOR, types_pb2.DT_UINT8, COLORS),
    }
    for tag, (content_type, dtype, values) in expected.items():
        data, array, written_dtype = parts[tag]
        assert data.name == "tetra"
        assert data.content_type == content_type
        assert data.components == 0b1110
        assert list(data.shape) == list(values.shape)
        assert json.loads(data.json_config) == {"a": 1, "camera": {"fov": 75}}
        assert written_dtype == dtype
        np.testing.assert_array_equal(array, values)


def test_a_point_cloud_has_only_vertices_and_says_so() -> None:
    parts = _parts(mesh("cloud", np.zeros((2, 5, 3)), None, None, None, display_name="Cloud"))
    assert list(parts) == ["cloud_VERTEX"]
    data, array, _ = parts["cloud_VERTEX"]
    assert data.components == 1 << metadata.VERTEX
    assert data.json_config == "{}"
    assert array.shape == (2, 5, 3)


def test_float_colors_are_rounded_and_clipped_to_bytes() -> None:
    colors = np.array([[[254.6, -3.0, 300.0]] * 4])
    _, array, _ = _parts(mesh("m", VERTICES, colors, None, None))["m_COLOR"]
    assert array[0, 0].tolist() == [255, 0, 255]


def test_torch_tensors_are_accepted() -> None:
    torch = pytest.importorskip("torch")
    parts = _parts(mesh("t", torch.tensor(VERTICES), torch.tensor(COLORS), torch.tensor(FACES), None))
    np.testing.assert_array_equal(parts["t_FACE"][1], FACES)


@pytest.mark.parametrize(
    ("vertices", "colors", "faces", "message"),
    [
        (None, None, None, "needs vertices"),
        (np.zeros((4, 3)), None, None, r"\[B, N, 3\]"),
        (VERTICES, None, FACES + 1, "index vertices"),
        (VERTICES, COLORS[:, :3], None, "vertices' shape"),
    ],
)
def test_malformed_meshes_are_refused(vertices: object, colors: object, faces: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mesh("bad", vertices, colors, faces, None)


def test_components_left_out_by_old_writers_mean_all_three() -> None:
    content = plugin_data_pb2.MeshPluginData(name="old", content_type=metadata.FACE).SerializeToString()
    assert metadata.parse_plugin_data(content).components == 0b1110
