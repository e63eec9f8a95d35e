"""Every image series in the fixture logdirs written by Keras, PyTorch and tensorboardX is found and matches
TensorBoard's manifest exactly (steps, images per step, sizes, formats, byte counts); TensorBoard's images
endpoints answer as a real TensorBoard server did, except that every step is returned instead of 10."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from telescope.plugins.images.query import read_frame, read_series
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]


def _expected(man: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {
        (run, tag): info for run, r in man["runs"].items() for tag, info in r.get("data", {}).get("images", {}).items()
    }


@pytest.mark.parametrize("name", NAMES)
def test_images_match_manifest(name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested(name)
    expected = _expected(manifest(name))
    ours = {(s.run, s.tag) for s in store.list_series(plugin="images")}
    assert ours == set(expected)
    for (run, tag), info in expected.items():
        series = read_series(store, run=run, tag=tag)
        assert len(series.steps) == info["count"], (run, tag)
        assert [s.step for s in series.steps] == info["steps"], (run, tag)
        for got, want in zip(series.steps, info["samples"], strict=True):
            assert got.step == want["step"]
            assert len(got.images) == want["n_images"], (run, tag, got.step)
            assert [i.length for i in got.images] == want["bytes"], (run, tag, got.step)
            assert {i.meta["format"] for i in got.images} == set(want["formats"])
            assert {(i.meta["width"], i.meta["height"]) for i in got.images} == {(want["width"], want["height"])}
    assert not [p for p in store.status().problems if "image" in p.message]


def test_read_images_frame_holds_every_image(ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested("keras_dev")
    df = read_frame(store)
    expected = _expected(manifest("keras_dev"))
    assert len(df) == sum(s["n_images"] for info in expected.values() for s in info["samples"])
    batch = df[df["tag"] == "dev/Training data"]
    assert batch["index"].tolist() == list(range(9))
    assert [len(b) for b in batch["data"]] == expected[("logs/train_data/20261126-052700", "dev/Training data")][
        "samples"
    ][0]["bytes"]
    assert all(bytes(b).startswith(b"\x89PNG") for b in df["data"])


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_images_endpoints(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    full = _expected(manifest(name))
    client = app_client(fixture_logdir(name))
    assert client.get("/data/plugin/images/tags").json() == snap["images_tags"]
    for run, tags in snap["images"].items():
        for tag, entries in tags.items():
            r = client.get("/data/plugin/images/images", params={"run": run, "tag": tag})
            assert r.status_code == 200, r.text
            ours = r.json()
            info = full[(run, tag)]
            assert [e["step"] for e in ours] == info["steps"]
            stripped = [{"wall_time": e["wall_time"], "step": e["step"]} for e in ours]
            if len(entries) == info["count"]:
                assert stripped == entries
            else:  # TensorBoard kept 10 of them; we return every step, those 10 among them
                assert all(e in stripped for e in entries)
            for entry, sample in zip(ours, info["samples"], strict=True):
                (key,) = parse_qs(entry["query"])["blob_key"]
                img = client.get("/data/plugin/images/individualImage", params={"blob_key": key})
                assert img.status_code == 200
                assert img.headers["content-type"] == "image/png"
                assert len(img.content) == sample["bytes"][0]
