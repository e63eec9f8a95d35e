"""Decoding audio values: the legacy clip and the [k, 2] / [k] tensor forms, sizes from the WAV header, and
malformed values rejected with a reason while the rest of the file is still read."""

from __future__ import annotations

import io
import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from telescope.ingest import Ingester
from telescope.plugins.audio.decode import decode
from telescope.plugins.audio.formats import read_header
from telescope.plugins.audio.query import read_frame, read_series
from telescope.store import Store
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import version_event, write_events


def wav(frames: int, rate: int = 8000, channels: int = 1, width: int = 2) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(np.zeros(frames * channels, dtype=f"<i{width}").tobytes())
    return buf.getvalue()


def legacy(
    data: bytes, rate: float = 0.0, channels: int = 0, frames: int = 0, tag: str = "a"
) -> summary_pb2.Summary.Value:
    return summary_pb2.Summary.Value(
        tag=tag,
        audio=summary_pb2.Summary.Audio(
            sample_rate=rate,
            num_channels=channels,
            length_frames=frames,
            encoded_audio_string=data,
            content_type="audio/wav",
        ),
    )


def tensor_value(strings: list[bytes], shape: list[int], tag: str = "a") -> summary_pb2.Summary.Value:
    value = summary_pb2.Summary.Value(
        tag=tag,
        metadata=summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="audio", content=b"\x10\x0b")
        ),
        tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=strings),
    )
    for d in shape:
        value.tensor.tensor_shape.dim.add(size=d)
    return value


def test_legacy_clip_sizes_come_from_the_wav_header() -> None:
    data = wav(1600, rate=16000, channels=2)
    (item,) = decode(legacy(data, rate=44100, channels=1, frames=7))  # declared numbers are wrong
    assert item.data == data
    assert item.meta == {
        "content_type": "audio/wav",
        "format": "wav",
        "sample_rate": 16000.0,
        "num_channels": 2,
        "length_frames": 1600,
        "duration": 0.1,
        "label": "",
    }


def test_declared_numbers_fill_in_what_the_header_lacks() -> None:
    (item,) = decode(legacy(b"OggS\x00\x02" + b"\x00" * 40, rate=48000, channels=2, frames=4800))
    assert item.meta["content_type"] == "audio/ogg"
    assert (item.meta["sample_rate"], item.meta["num_channels"], item.meta["duration"]) == (48000.0, 2, 0.1)


def test_streamed_wav_with_unset_data_size() -> None:
    data = bytearray(wav(100))
    pos = data.index(b"data")
    data[pos + 4 : pos + 8] = struct.pack("<I", 0xFFFFFFFF)
    header = read_header(bytes(data))
    assert header is not None and header.length_frames == 100


@pytest.mark.parametrize(("fmt", "head"), [("flac", b"fLaC\x00"), ("mp3", b"ID3\x03\x00"), ("mp3", b"\xff\xfb\x90")])
def test_other_formats_are_recognised(fmt: str, head: bytes) -> None:
    (item,) = decode(legacy(head + b"\x00" * 16))
    assert item.meta["format"] == fmt


def test_tensor_form_with_labels() -> None:
    clips = [wav(80 * (i + 1)) for i in range(3)]
    strings = [s for i, c in enumerate(clips) for s in (c, f"take *{i}*".encode())]
    items = decode(tensor_value(strings, [3, 2]))
    assert [i.data for i in items] == clips
    assert [i.meta["label"] for i in items] == ["take *0*", "take *1*", "take *2*"]
    assert [i.meta["length_frames"] for i in items] == [80, 160, 240]


def test_tensor_form_without_labels_and_empty_batch() -> None:
    items = decode(tensor_value([wav(10), wav(20)], [2]))
    assert [i.meta["label"] for i in items] == ["", ""]
    assert decode(tensor_value([], [0, 2])) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (legacy(b"just some text"), "not audio"),
        (legacy(b""), "empty"),
        (tensor_value([wav(10), b"label", b"garbage!", b"label"], [2, 2]), "clip 1 of 2: not audio"),
        (tensor_value([wav(10), b"l"], [1, 3]), "shape"),
        (tensor_value([wav(10)], [2, 2]), "holds 1 strings"),
        (tensor_value([wav(10)], [1, 1, 1]), "shape"),
        (
            summary_pb2.Summary.Value(tag="a", tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[1])),
            "must be DT_STRING",
        ),
        (summary_pb2.Summary.Value(tag="a", simple_value=1.0), "not simple_value"),
    ],
)
def test_malformed_values_are_rejected_with_a_reason(value: summary_pb2.Summary.Value, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode(value)


def _event(step: int, value: summary_pb2.Summary.Value) -> event_pb2.Event:
    return event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step, summary=summary_pb2.Summary(value=[value]))


def test_bad_values_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    write_events(
        logdir / "run" / "events.out.tfevents.1",
        version_event(),
        _event(0, legacy(wav(800), tag="voice")),
        _event(1, legacy(b"<svg onload=alert(1)>", tag="voice")),
        _event(2, tensor_value([wav(400), b"two", wav(200), b"three"], [2, 2], tag="voice")),
    )
    store = Store(tmp_path / "index.sqlite", logdir=str(logdir))
    Ingester(logdir, store).poll_once()
    series = read_series(store, run="run", tag="voice")
    assert [(s.step, len(s.clips)) for s in series.steps] == [(0, 1), (2, 2)]
    (problem,) = store.status().problems
    assert problem.offset > 0 and "step 1" in problem.message and "not audio" in problem.message
    df = read_frame(store)
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "index", "sample_rate", "label", "data"]
    assert df["label"].tolist() == ["", "two", "three"]
    assert df["sample_rate"].tolist() == [8000.0] * 3
    assert df["data"].tolist() == [wav(800), wav(400), wav(200)]
