"""The embeddings PyTorch's and tensorboardX's ``add_embedding`` wrote in the fixture logdirs are found, read
exactly (vectors, labels, sprites), and TensorBoard's projector endpoints answer as a real TensorBoard did."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from telescope.plugins.embeddings.query import list_embeddings, read_frame
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]


@pytest.mark.parametrize("name", NAMES)
def test_embeddings_read_exactly(
    name: str, ingested: Callable[[str], Store], fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any]
) -> None:
    store = ingested(name)
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    found, problems = list_embeddings(store)
    assert problems == [] and all(e.problems == [] for e in found)
    expected = {(run, e["tensorName"]): e for run, info in snap["projector_info"].items() for e in info["embeddings"]}
    assert {(e.run, e.tensor_name) for e in found} == set(expected)
    df = read_frame(store)
    assert len(df) == len(expected)
    root = fixture_logdir(name)
    for row in df.itertuples(index=False):
        want = expected[(row.run, row.tensor_name)]
        base = root / row.run
        assert list(row.tensors.shape) == want["tensorShape"]
        np.testing.assert_array_equal(row.tensors, np.loadtxt(base / want["tensorPath"], dtype=np.float32, ndmin=2))
        lines = (base / want["metadataPath"]).read_text().splitlines()
        if isinstance(row.metadata, list):
            assert row.metadata == lines and len(lines) == row.tensors.shape[0]
        else:
            assert list(row.metadata.columns) == lines[0].split("\t")
            assert len(row.metadata) == row.tensors.shape[0] == len(lines) - 1
        if "sprite" in want:
            assert row.sprite == (base / want["sprite"]["imagePath"]).read_bytes()
            w, h = want["sprite"]["singleImageDim"]
            side = math.ceil(math.sqrt(row.tensors.shape[0]))
            assert Image.open(io.BytesIO(row.sprite)).size == (side * w, side * h)
        else:
            assert row.sprite is None


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_projector_endpoints(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir(name))
    assert client.get("/data/plugin/projector/runs").json() == snap["projector_runs"]
    for run, info in snap["projector_info"].items():
        assert client.get("/data/plugin/projector/info", params={"run": run}).json() == info
        for e in info["embeddings"]:
            params = {"run": run, "name": e["tensorName"]}
            raw = client.get("/data/plugin/projector/tensor", params=params)
            assert raw.headers["content-type"] == "application/octet-stream"
            values = np.frombuffer(raw.content, dtype="<f4").reshape(e["tensorShape"])
            tsv = fixture_logdir(name) / run / e["tensorPath"]
            np.testing.assert_array_equal(values, np.loadtxt(tsv, dtype=np.float32, ndmin=2))
            text = client.get("/data/plugin/projector/metadata", params=params).text
            assert text == (fixture_logdir(name) / run / e["metadataPath"]).read_text()
            if "sprite" in e:
                sprite = client.get("/data/plugin/projector/sprite_image", params=params)
                assert sprite.headers["content-type"] == "image/png"
