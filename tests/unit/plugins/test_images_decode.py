"""Decoding image values: both encodings, every format we serve, and malformed values rejected with a reason
while the rest of the file is still read."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import Image

from telescope.ingest import Ingester
from telescope.plugins.images.decode import decode
from telescope.plugins.images.formats import read_header
from telescope.plugins.images.query import read_frame, read_series
from telescope.plugins.images.sample import png_bytes
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events


def encoded(fmt: str, width: int, height: int, mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (width, height), (10, 200, 30) if mode == "RGB" else 128).save(buf, format=fmt)
    return buf.getvalue()


def legacy(
    data: bytes, width: int = 0, height: int = 0, colorspace: int = 0, tag: str = "img"
) -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(
        tag=tag,
        image=summary_pb2.Summary.Image(width=width, height=height, colorspace=colorspace, encoded_image_string=data),
    )


def tensor_value(
    strings: list[bytes], *, shape: list[int] | None = None, tag: str = "img"
) -> summary_pb2.Summary.Value:
    value = summary_pb2.Summary.Value(
        tag=tag,
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="images"),
            data_class=summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
        ),
        tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=strings),
    )
    for d in [len(strings)] if shape is None else shape:
        value.tensor.tensor_shape.dim.add(size=d)
    return value


@pytest.mark.parametrize(
    ("fmt", "content_type", "mode"),
    [
        ("PNG", "image/png", "RGB"),
        ("JPEG", "image/jpeg", "RGB"),
        ("GIF", "image/gif", "L"),
        ("BMP", "image/bmp", "RGB"),
        ("WEBP", "image/webp", "RGB"),
    ],
)
def test_every_served_format_is_recognised_with_its_size(fmt: str, content_type: str, mode: str) -> None:
    data = encoded(fmt, 37, 21, mode)
    (item,) = decode(legacy(data))
    assert item.data == data
    assert item.meta["content_type"] == content_type
    assert item.meta["format"] == fmt.lower()
    assert (item.meta["width"], item.meta["height"]) == (37, 21)


def test_webp_lossless_and_extended_headers() -> None:
    for kwargs in ({"lossless": True}, {"lossless": False, "exif": b"Exif\x00\x00MM"}):
        buf = io.BytesIO()
        Image.new("RGBA", (300, 5), (1, 2, 3, 4)).save(buf, format="WEBP", **kwargs)
        header = read_header(buf.getvalue())
        assert header is not None and (header.width, header.height) == (300, 5), kwargs


def test_header_size_wins_over_the_declared_one() -> None:
    # PyTorch declares the size it was given; the image itself is the truth a viewer shows.
    (item,) = decode(legacy(png_bytes(8, 6), width=99, height=77, colorspace=3))
    assert (item.meta["width"], item.meta["height"]) == (8, 6)
    assert item.meta["colorspace"] == "rgb"


def test_declared_size_used_when_the_header_is_cut_short() -> None:
    truncated_gif = b"GIF89a\x10"  # magic bytes, then the size is missing
    (item,) = decode(legacy(truncated_gif, width=16, height=9))
    assert item.meta["format"] == "gif"
    assert (item.meta["width"], item.meta["height"]) == (16, 9)


def test_tensor_form_batch_gives_one_item_per_image() -> None:
    images = [png_bytes(3, 2, (i, 0, 0)) for i in range(4)]
    items = decode(tensor_value([b"3", b"2", *images]))
    assert [i.data for i in items] == images
    assert all((i.meta["width"], i.meta["height"], i.meta["format"]) == (3, 2, "png") for i in items)


def test_tensor_form_with_no_image() -> None:
    assert decode(tensor_value([b"3", b"2"])) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (legacy(b"this is text, not an image"), "not an image"),
        (legacy(b""), "empty"),
        (legacy(png_bytes(2, 2), width=-1), "absurd declared image width"),
        (legacy(png_bytes(2, 2), height=2_000_000), "absurd declared image height"),
        (tensor_value([b"wide", b"2", png_bytes(2, 2)]), "not a number"),
        (tensor_value([b"2", b"100001", png_bytes(2, 2)]), "absurd declared image height"),
        (tensor_value([b"2", b"2", png_bytes(2, 2), b"\x00\x01garbage"]), "image 1 of 2: not an image"),
        (tensor_value([b"2", b"2", png_bytes(2, 2)], shape=[5]), "holds 3 strings"),
        (tensor_value([b"2", b"2", png_bytes(2, 2)], shape=[1, 3]), "must be a vector"),
        (tensor_value([b"2"]), "needs width and height"),
        (
            summary_pb2.Summary.Value(
                tag="img", tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1])
            ),
            "must be DT_STRING",
        ),
        (summary_pb2.Summary.Value(tag="img", simple_value=1.0), "not simple_value"),
    ],
)
def test_malformed_values_are_rejected_with_a_reason(value: summary_pb2.Summary.Value, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(value)


def test_absurd_size_in_the_image_header_is_rejected() -> None:
    bomb = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 500_000, 10) + b"\x08\x02\0\0\0"
    with pytest.raises(ValueError, match="absurd size 500000x10"):
        decode(legacy(bomb))


def _event(step: int, value: summary_pb2.Summary.Value) -> event_pb2.Event:
    return event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step, summary=summary_pb2.Summary(value=[value]))


def test_bad_values_are_reported_and_the_rest_of_the_file_is_read(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    path = write_events(
        logdir / "run" / "events.out.tfevents.1",
        version_event(),
        _event(0, legacy(png_bytes(4, 4), tag="pics")),
        _event(1, legacy(b"<html>not an image</html>", tag="pics")),
        _event(2, tensor_value([b"4", b"4", png_bytes(4, 4), png_bytes(4, 4, (0, 0, 255))], tag="pics")),
        _event(3, tensor_value([b"4", b"four", png_bytes(4, 4)], tag="pics")),
        _event(4, legacy(encoded("JPEG", 5, 7), tag="pics")),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(logdir))
    Ingester(logdir, store).poll_once()
    series = read_series(store, run="run", tag="pics")
    assert [(s.step, len(s.images)) for s in series.steps] == [(0, 1), (2, 2), (4, 1)]
    assert series.steps[2].images[0].meta["content_type"] == "image/jpeg"
    problems = store.status().problems
    assert [p.path for p in problems] == ["run/events.out.tfevents.1"] * 2
    assert "step 1" in problems[0].message and "not an image" in problems[0].message
    assert "step 3" in problems[1].message and "'four' is not a number" in problems[1].message
    offsets = [p.offset for p in problems]
    assert 0 < offsets[0] < offsets[1] < path.stat().st_size


def test_every_step_is_kept_and_read_back_exactly(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    images = {step: png_bytes(2 + step % 5, 3, (step, step, step)) for step in range(40)}
    write_events(
        logdir / "run" / "events.out.tfevents.1",
        version_event(),
        *(_event(step, legacy(data, tag="frames")) for step, data in images.items()),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(logdir))
    Ingester(logdir, store).poll_once()
    df = read_frame(store)
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "index", "width", "height", "format", "data"]
    assert df["step"].tolist() == list(range(40))
    assert df["data"].tolist() == list(images.values())
    assert df["width"].tolist() == [2 + s % 5 for s in range(40)]
    assert set(df["format"]) == {"png"}
