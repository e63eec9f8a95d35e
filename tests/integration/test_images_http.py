"""Images over HTTP: event files → ingest → store → the images routes and the blob route, in process."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import telescope
from telescope.plugins.images.sample import gif_bytes, png_bytes
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events

WALL = 1_700_000_000.0


def _image_event(step: int, tag: str, data: bytes) -> event_pb2.Event:
    value = summary_pb2.Summary.Value(tag=tag, image=summary_pb2.Summary.Image(encoded_image_string=data))
    return event_pb2.Event(wall_time=WALL + step, step=step, summary=summary_pb2.Summary(value=[value]))


def _batch_event(step: int, tag: str, images: list[bytes], description: str = "") -> event_pb2.Event:
    value = summary_pb2.Summary.Value(
        tag=tag,
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="images"),
            summary_description=description,
        ),
        tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[b"3", b"2", *images]),
    )
    value.tensor.tensor_shape.dim.add(size=2 + len(images))
    return event_pb2.Event(wall_time=WALL + step, step=step, summary=summary_pb2.Summary(value=[value]))


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    frames = [_image_event(step, "frames", png_bytes(5, 4, (step * 10, 0, 0))) for step in range(25)]
    write_events(
        root / "train" / "events.out.tfevents.1", version_event(), *frames, _image_event(3, "video", gif_bytes(7, 9))
    )
    batches = [_batch_event(s, "batch", [png_bytes(3, 2, (s, i, 0)) for i in range(3)], "**inputs**") for s in (0, 10)]
    write_events(root / "eval" / "events.out.tfevents.1", version_event(), *batches)
    return root


def test_tags_list_every_series(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    tags = client.get("/api/images/tags").json()["tags"]
    by_key = {(t["run"], t["tag"]): t for t in tags}
    assert set(by_key) == {("train", "frames"), ("train", "video"), ("eval", "batch")}
    assert by_key[("train", "frames")]["steps"] == 25 and by_key[("train", "frames")]["samples"] == 1
    assert by_key[("eval", "batch")]["samples"] == 3
    assert by_key[("eval", "batch")]["description"] == "**inputs**"
    only_eval = client.get("/api/images/tags", params={"run": "eval"}).json()["tags"]
    assert [(t["run"], t["tag"]) for t in only_eval] == [("eval", "batch")]


def test_every_step_is_served_and_urls_fetch_the_images(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/images", params={"run": "train", "tag": "frames"}).json()
    assert [s["step"] for s in body["steps"]] == list(range(25))  # TensorBoard would keep 10
    assert body["steps"][7]["wall_time"] == WALL + 7
    item = body["steps"][7]["items"][0]
    assert (item["width"], item["height"], item["format"]) == (5, 4, "png")
    r = client.get("/" + item["url"])
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.content == png_bytes(5, 4, (70, 0, 0))
    pixels = np.asarray(Image.open(io.BytesIO(r.content)))
    assert pixels.shape == (4, 5, 3) and tuple(pixels[0, 0]) == (70, 0, 0)


def test_gif_is_served_as_gif(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    (step,) = client.get("/api/images", params={"run": "train", "tag": "video"}).json()["steps"]
    (item,) = step["items"]
    assert (item["width"], item["height"], item["content_type"]) == (7, 9, "image/gif")
    assert client.get("/" + item["url"]).headers["content-type"] == "image/gif"


def test_batches_keep_their_order_and_step_window(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/images", params={"run": "eval", "tag": "batch", "min_step": 5}).json()
    (step,) = body["steps"]
    assert step["step"] == 10
    assert [i["index"] for i in step["items"]] == [0, 1, 2]
    assert [client.get("/" + i["url"]).content for i in step["items"]] == [
        png_bytes(3, 2, (10, i, 0)) for i in range(3)
    ]


def test_errors_are_json(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    for params, status, code in [
        ({"run": "nope", "tag": "frames"}, 404, "unknown_run"),
        ({"run": "train", "tag": "nope"}, 404, "unknown_tag"),
        ({"run": "train", "tag": "frames", "min_step": 5, "max_step": 1}, 400, "bad_parameter"),
        ({"run": "train"}, 400, "bad_parameter"),
    ]:
        r = client.get("/api/images", params=params)
        assert r.status_code == status, params
        assert r.json()["error"]["code"] == code
    r = client.get("/data/plugin/images/individualImage", params={"blob_key": "../etc"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_parameter"
    assert client.get("/data/plugin/images/individualImage", params={"blob_key": "999999"}).status_code == 404
    assert client.get("/api/images/tags", params={"run": "nope"}).status_code == 404


def test_tensorboard_endpoints(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    tags = client.get("/data/plugin/images/tags").json()
    assert tags["eval"]["batch"] == {"displayName": "", "description": "<p><strong>inputs</strong></p>", "samples": 3}
    assert tags["train"]["frames"]["displayName"] == "frames"
    third = client.get("/data/plugin/images/images", params={"run": "eval", "tag": "batch", "sample": 2}).json()
    assert [e["step"] for e in third] == [0, 10]
    img = client.get("/data/plugin/images/individualImage?" + third[1]["query"])
    assert img.content == png_bytes(3, 2, (10, 2, 0))
    none = client.get("/data/plugin/images/images", params={"run": "eval", "tag": "batch", "sample": 3}).json()
    assert none == []


def test_read_images_api(logdir: Path, tmp_path: Path) -> None:
    df = telescope.read_images(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "index", "width", "height", "format", "data"]
    batch = df[(df["run"] == "eval") & (df["tag"] == "batch")]
    assert batch["step"].tolist() == [0, 0, 0, 10, 10, 10]
    assert batch["data"].tolist() == [png_bytes(3, 2, (s, i, 0)) for s in (0, 10) for i in range(3)]
    assert len(df[df["tag"] == "frames"]) == 25


def test_writer_round_trip(tmp_path: Path) -> None:
    from telescope import SummaryWriter

    if not hasattr(SummaryWriter, "add_image"):
        pytest.skip("SummaryWriter.add_image is not written yet")
    rng = np.random.default_rng(0)
    pictures = [rng.integers(0, 256, size=(3, 6, 10), dtype=np.uint8) for _ in range(3)]
    with SummaryWriter(tmp_path / "logs" / "run") as w:
        for step, pic in enumerate(pictures):
            w.add_image("pic", pic, step)
    df = telescope.read_images(tmp_path / "logs", db=tmp_path / "i.sqlite")
    assert df["step"].tolist() == [0, 1, 2]
    assert set(zip(df["width"], df["height"], df["format"], strict=True)) == {(10, 6, "png")}
    for data, pic in zip(df["data"], pictures, strict=True):
        decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        np.testing.assert_array_equal(decoded, pic.transpose(1, 2, 0))
