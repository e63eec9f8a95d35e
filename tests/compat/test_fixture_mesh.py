"""Every mesh in the fixture logdirs (PyTorch ``_VERTEX/_FACE/_COLOR``, tensorboardX ``_1/_2/_3``) is read, grouped by
name with the values TensorBoard's own reader finds, matches the manifest, and TensorBoard's mesh endpoints answer
as TensorBoard does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope.plugins.mesh import query
from telescope.plugins.mesh.metadata import COLOR, FACE, VERTEX
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]
CONTENT_TYPES = {"VERTEX": VERTEX, "FACE": FACE, "COLOR": COLOR}
TYPES = {VERTEX: np.float32, FACE: np.int32, COLOR: np.uint8}


def _tensorboard_tensors(logdir: Path) -> dict[tuple[str, str], list[tuple[int, float, np.ndarray]]]:
    from tensorboard.backend.event_processing import plugin_event_multiplexer
    from tensorboard.util import tensor_util

    mux = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0})
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    return {
        (run, tag): [(e.step, e.wall_time, tensor_util.make_ndarray(e.tensor_proto)) for e in mux.Tensors(run, tag)]
        for run, tags in mux.PluginRunToTagToContent("mesh").items()
        for tag in tags
    }


@pytest.mark.parametrize("name", NAMES)
def test_meshes_match_tensorboard(
    name: str, ingested: Callable[[str], Store], fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any]
) -> None:
    store = ingested(name)
    expected = {
        (run, tag): info
        for run, r in manifest(name)["runs"].items()
        for tag, info in r.get("data", {}).get("mesh", {}).items()
    }
    groups = {(g.run, g.name): g for g in query.mesh_groups(store)}
    want_groups: dict[tuple[str, str], dict[int, str]] = {}
    for (run, tag), info in expected.items():
        want_groups.setdefault((run, info["metadata"]["name"]), {})[CONTENT_TYPES[info["metadata"]["contentType"]]] = (
            tag
        )
    assert {k: {ct: p.row.tag for ct, p in g.parts.items()} for k, g in groups.items()} == want_groups
    tensorboard = _tensorboard_tensors(fixture_logdir(name))
    for key, group in groups.items():
        s = query.read_group(store, group)
        for content_type, tag in want_groups[key].items():
            info = expected[(key[0], tag)]
            assert group.json_config == info["metadata"]["jsonConfig"]
            assert group.components == info["metadata"]["components"]
            assert s.steps.tolist() == info["steps"]
            arrays = s.part(content_type)
            assert [list(a.shape) for a in arrays if a is not None] == info["shapes"]
            for arr, (_, _, data) in zip(arrays, tensorboard[(key[0], tag)], strict=True):
                assert arr is not None and arr.dtype == TYPES[content_type]
                # TensorBoard's viewer casts each part to the same type when it serves it.
                np.testing.assert_array_equal(arr, data.astype(TYPES[content_type]))


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_mesh_endpoints(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir(name))
    tags = client.get("/data/plugin/mesh/tags").json()
    assert tags == snap["mesh_tags"]
    tensorboard = _tensorboard_tensors(fixture_logdir(name))
    expected = {
        (run, info["metadata"]["name"], info["metadata"]["contentType"]): (tag, info)
        for run, r in manifest(name)["runs"].items()
        for tag, info in r.get("data", {}).get("mesh", {}).items()
    }
    for run, names in tags.items():
        for mesh_name in names:
            entries = client.get("/data/plugin/mesh/meshes", params={"run": run, "tag": mesh_name}).json()
            parts = [(run, mesh_name, ct) for ct in CONTENT_TYPES if (run, mesh_name, ct) in expected]
            assert [e["content_type"] for e in entries] == [CONTENT_TYPES[p[2]] for p in parts]
            for entry, key in zip(entries, parts, strict=True):
                tag, info = expected[key]
                assert entry["config"] == info["metadata"]["jsonConfig"]
                assert entry["components"] == info["metadata"]["components"]
                assert entry["data_shape"] == info["metadata"]["shape"] and entry["step"] == info["steps"][0]
                params = {"run": run, "tag": mesh_name, "content_type": key[2], "step": entry["step"]}
                r = client.get("/data/plugin/mesh/data", params=params)
                assert r.status_code == 200
                (_, _, data) = tensorboard[(run, tag)][0]
                # TensorBoard serves np.array(tensor[sample].tolist(), dtype).tobytes().
                want = np.array(data[0].tolist(), dtype=TYPES[CONTENT_TYPES[key[2]]]).reshape(-1).tobytes()
                assert r.content == want
