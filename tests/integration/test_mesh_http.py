"""Meshes written with our writer → ingest → grouped by name over HTTP and in the DataFrame API, unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope import SummaryWriter

WALL = 1_700_000_000.0
VERTICES = np.array([[[1.0, 1.0, 1.0], [-1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [1.0, -1.0, -1.0]]], dtype=np.float32)
FACES = np.array([[[0, 1, 2], [0, 2, 3], [0, 3, 1], [1, 3, 2]]])
COLORS = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]]])
CLOUD = np.array([[[0.0, 0.0, 0.0], [1.5, 2.5, 3.5]], [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]])
CONFIG = {"camera": {"cls": "PerspectiveCamera", "fov": 75}}


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "train") as w:
        for step in (0, 10):
            w.add_mesh(
                "shapes/tetra",
                VERTICES * (step + 1),
                colors=COLORS,
                faces=FACES,
                global_step=step,
                walltime=WALL + step,
            )
        w.add_mesh("cloud", CLOUD, config_dict=CONFIG, global_step=3, walltime=WALL)
    return root


def test_tags_group_parts_by_mesh_name(logdir: Path, app_client: Any) -> None:
    body = app_client(logdir).get("/api/mesh/tags").json()
    assert [(t["tag"], t["runs"], t["parts"]) for t in body["tags"]] == [
        ("cloud", ["train"], ["vertices"]),
        ("shapes/tetra", ["train"], ["vertices", "faces", "colors"]),
    ]


def test_mesh_every_step_and_one_step(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/mesh", params={"run": "train", "tag": "shapes/tetra"}).json()
    assert body["steps"] == [0, 10] and body["wall_times"] == [WALL, WALL + 10]
    assert body["vertices"][1] == (VERTICES * 11).tolist()
    assert body["faces"] == [FACES.tolist()] * 2 and body["colors"] == [COLORS.tolist()] * 2
    assert body["config"] == {}
    one = client.get("/api/mesh", params={"run": "train", "tag": "shapes/tetra", "step": 10}).json()
    assert one["steps"] == [10] and one["vertices"] == [(VERTICES * 11).tolist()]
    cloud = client.get("/api/mesh", params={"run": "train", "tag": "cloud"}).json()
    assert cloud["config"] == CONFIG and cloud["faces"] == [None] and cloud["colors"] == [None]
    assert cloud["vertices"] == [CLOUD.tolist()]


def test_tensorboard_endpoints(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    assert client.get("/data/plugin/mesh/tags").json() == {
        "train": {"cloud": {"samples": 2}, "shapes/tetra": {"samples": 1}}
    }
    entries = client.get("/data/plugin/mesh/meshes", params={"run": "train", "tag": "shapes/tetra"}).json()
    assert [(e["step"], e["content_type"]) for e in entries] == [(0, 1), (0, 2), (0, 3), (10, 1), (10, 2), (10, 3)]
    assert all(e["components"] == 14 and e["data_shape"] == [1, 4, 3] for e in entries)
    r = client.get(
        "/data/plugin/mesh/data", params={"run": "train", "tag": "shapes/tetra", "content_type": "FACE", "step": 10}
    )
    assert r.headers["content-type"] == "application/octet-stream"
    assert np.frombuffer(r.content, dtype="<i4").tolist() == FACES.reshape(-1).tolist()
    r = client.get(
        "/data/plugin/mesh/data",
        params={"run": "train", "tag": "cloud", "content_type": "VERTEX", "step": 3, "sample": 1},
    )
    assert np.frombuffer(r.content, dtype="<f4").tolist() == CLOUD[1].reshape(-1).tolist()
    r = client.get(
        "/data/plugin/mesh/data", params={"run": "train", "tag": "cloud", "content_type": "COLOR", "step": 3}
    )
    assert r.status_code == 200 and r.content == b""


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("/api/mesh", {"run": "nope", "tag": "cloud"}, 404, "unknown_run"),
        ("/api/mesh", {"run": "train", "tag": "cloud_VERTEX"}, 404, "unknown_tag"),
        ("/api/mesh", {"run": "train", "tag": "cloud", "step": 4}, 404, "not_found"),
        ("/api/mesh/tags", {"run": "nope"}, 404, "unknown_run"),
        ("/data/plugin/mesh/data", {"run": "train", "tag": "cloud", "content_type": "NORMAL"}, 400, "bad_parameter"),
        (
            "/data/plugin/mesh/data",
            {"run": "train", "tag": "cloud", "content_type": "VERTEX", "step": 3, "sample": 2},
            400,
            "bad_parameter",
        ),
        ("/data/plugin/mesh/meshes", {"run": "train", "tag": "nope"}, 404, "unknown_tag"),
    ],
)
def test_errors_are_json(
    logdir: Path, app_client: Any, url: str, params: dict[str, Any], status: int, code: str
) -> None:
    r = app_client(logdir).get(url, params=params)
    assert r.status_code == status and r.json()["error"]["code"] == code


def test_dataframe_round_trip(logdir: Path, tmp_path: Path) -> None:
    from telescope.api import read_mesh

    df = read_mesh(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "vertices", "faces", "colors", "config"]
    assert list(zip(df["tag"], df["step"], strict=True)) == [("cloud", 3), ("shapes/tetra", 0), ("shapes/tetra", 10)]
    cloud, tetra0, _ = df.itertuples()
    assert cloud.vertices.dtype == np.float32 and cloud.vertices.tolist() == CLOUD.tolist()
    assert cloud.faces is None and cloud.colors is None and cloud.config == CONFIG
    assert tetra0.faces.dtype == np.int32 and tetra0.faces.tolist() == FACES.tolist()
    assert tetra0.colors.dtype == np.uint8 and tetra0.colors.tolist() == COLORS.tolist()
