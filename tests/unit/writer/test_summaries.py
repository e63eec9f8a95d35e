"""The summary builders the writer uses: histogram buckets, PNG/GIF/WAV encoders, image layouts, values."""

from __future__ import annotations

import io
import wave
from typing import Any

import numpy as np
import pytest

from telescope.plugins.audio.summary import audio, audio_tensor
from telescope.plugins.histograms.summary import default_edges, histogram_proto, histogram_tensor
from telescope.plugins.images import summary as images
from telescope.plugins.text.summary import text
from telescope.plugins.values import as_numpy, tensor_proto
from telescope.tfrecord.tensor import to_numpy

Image = pytest.importorskip("PIL.Image")


def _expected(values: np.ndarray) -> tuple[list[float], list[float]]:
    """Bucket limits and counts as PyTorch computes them: numpy.histogram in float64 over TensorFlow's edges,
    then empty buckets trimmed at both ends but one on the left."""
    counts, edges = np.histogram(values.astype(np.float64), bins=default_edges())
    nonzero = np.flatnonzero(counts)
    first, last = int(nonzero[0]), int(nonzero[-1]) + 1
    kept = counts[first - 1 : last].tolist() if first > 0 else [0, *counts[:last].tolist()]
    return edges[first : last + 1].tolist(), [float(c) for c in kept]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_tensorflow_buckets_match_numpy_at_every_edge(dtype: Any) -> None:
    edges = default_edges()
    if dtype == np.float16:
        edges = edges[(np.abs(edges) < 6e4) & ((np.abs(edges) > 1e-4) | (edges == 0))]
    near = [edges, np.nextafter(edges, np.inf), np.nextafter(edges, -np.inf), [0.0, -0.0, 7.5, -3.0]]
    values = np.concatenate(near).astype(dtype)
    proto = histogram_proto(values)
    limits, counts = _expected(values)
    assert list(proto.bucket_limit) == limits
    assert list(proto.bucket) == counts
    assert proto.num == len(values)
    assert proto.min == float(values.min()) and proto.max == float(values.max())


def test_integer_values() -> None:
    values = np.arange(-50, 50, dtype=np.int32)
    proto = histogram_proto(values)
    assert (list(proto.bucket_limit), list(proto.bucket)) == _expected(values)
    assert sum(proto.bucket) == 100


def test_float32_values_beyond_the_last_edge_are_left_out_as_in_float64() -> None:
    values = np.array([1.0, 2.0, 1e20, 3e30], dtype=np.float32)  # float32(1e20) is above the last edge
    proto = histogram_proto(values)
    assert (list(proto.bucket_limit), list(proto.bucket)) == _expected(values)
    assert sum(proto.bucket) == 2
    assert proto.max == float(np.float32(3e30)) and proto.num == 4


def test_histogram_statistics() -> None:
    values = np.array([[1.0, 2.0], [3.0, 4.5]])
    proto = histogram_proto(values, bins=3)
    assert (proto.min, proto.max, proto.num, proto.sum, proto.sum_squares) == (1.0, 4.5, 4.0, 10.5, 34.25)
    assert list(proto.bucket_limit) == pytest.approx([1.0, 2.1666666, 3.3333333, 4.5])
    assert list(proto.bucket) == [0.0, 2.0, 1.0, 1.0]  # [1, 2.17): 1 and 2; [2.17, 3.33): 3; [3.33, 4.5]: 4.5
    with pytest.raises(ValueError, match="at least one value"):
        histogram_proto(np.array([]))


def test_histogram_tensor_form() -> None:
    buckets = np.array([[0.0, 1.0, 3.0], [1.0, 2.0, 5.0]])
    value = histogram_tensor("h", buckets).value[0]
    assert value.metadata.plugin_data.plugin_name == "histograms"
    np.testing.assert_array_equal(to_numpy(value.tensor), buckets)


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("size", [(1, 1), (7, 13), (64, 3)])
def test_png_encoder_without_pillow_is_lossless(channels: int, size: tuple[int, int]) -> None:
    pixels = np.random.default_rng(channels).integers(0, 256, (*size, channels), dtype=np.uint8)
    data = images._encode_png_zlib(pixels)
    decoded = np.asarray(Image.open(io.BytesIO(data)))
    np.testing.assert_array_equal(decoded.reshape(pixels.shape), pixels)


def test_gif_encoder_without_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "_pillow", lambda: None)
    levels = (np.arange(8) * 255 // 7).astype(np.uint8)  # exact in the encoder's 3-3-2 palette
    rng = np.random.default_rng(1)
    frames = np.stack([levels[rng.integers(0, 8, (300, 7))], levels[rng.integers(0, 8, (300, 7))]], axis=-1)
    frames = np.stack([frames[..., 0], frames[..., 1], np.where(frames[..., 0] > 100, 255, 0).astype(np.uint8)], -1)
    clip = np.stack([frames, frames[::-1]])  # 2 frames of 300 x 7 (several LZW clear codes per frame)
    gif = Image.open(io.BytesIO(images.encode_gif(clip, fps=10)))
    assert gif.n_frames == 2 and gif.info.get("loop") == 0 and gif.info.get("duration") == 100
    for t in range(2):
        gif.seek(t)
        np.testing.assert_array_equal(np.asarray(gif.convert("RGB")), clip[t])


@pytest.mark.parametrize(
    ("shape", "fmt", "out"),
    [
        ((3, 4, 5), "CHW", (4, 5, 3)),
        ((4, 5, 1), "HWC", (4, 5, 3)),
        ((4, 5, 4), "HWC", (4, 5, 4)),
        ((4, 5), "HW", (4, 5, 3)),
        ((5, 4), "WH", (4, 5, 3)),
        ((2, 4, 5, 3), "NHWC", (4, 10, 3)),
        ((9, 1, 4, 5), "NCHW", (8, 40, 3)),
        ((2, 4, 5), "NHW", (4, 10, 3)),
    ],
)
def test_dataformats(shape: tuple[int, ...], fmt: str, out: tuple[int, ...]) -> None:
    assert images.to_hwc(np.zeros(shape), fmt).shape == out


@pytest.mark.parametrize(("shape", "fmt"), [((3, 4, 5), "HWC"), ((3, 4), "CHW"), ((3, 4, 5), "CHH"), ((3, 4), "XY")])
def test_bad_dataformats_say_why(shape: tuple[int, ...], fmt: str) -> None:
    with pytest.raises(ValueError, match=r"dataformats|channels"):
        images.to_hwc(np.zeros(shape), fmt)


def test_rescale_changes_the_encoded_size() -> None:
    value = images.image("i", np.zeros((3, 10, 20)), rescale=0.5).value[0]
    assert (value.image.width, value.image.height) == (10, 5)
    assert Image.open(io.BytesIO(value.image.encoded_image_string)).size == (10, 5)


def test_stereo_audio() -> None:
    t = np.linspace(0, 1, 800)
    clip = audio("a", np.stack([np.sin(40 * t), np.cos(40 * t)]), sample_rate=800).value[0].audio
    assert (clip.num_channels, clip.length_frames, clip.sample_rate) == (2, 800, 800.0)
    with wave.open(io.BytesIO(clip.encoded_audio_string)) as w:
        assert (w.getnchannels(), w.getnframes()) == (2, 800)
        frames = np.frombuffer(w.readframes(800), dtype="<i2").reshape(800, 2)
    np.testing.assert_allclose(frames[:, 1] / 32767, np.cos(40 * t), atol=1 / 32767)


def test_audio_tensor_form() -> None:
    value = audio_tensor("a", [np.zeros(10), np.ones(5) * 0.5], 100, labels=["*quiet*", "loud"]).value[0]
    data = to_numpy(value.tensor)
    assert data.shape == (2, 2) and data[1, 1] == b"loud" and data[0, 0][:4] == b"RIFF"
    assert value.metadata.plugin_data.plugin_name == "audio"


def test_text_shapes() -> None:
    assert to_numpy(text("t", "one document").value[0].tensor).shape == ()
    table = to_numpy(text("t", [["a", "b"], ["c", "é"]]).value[0].tensor)
    assert table.shape == (2, 2) and table[1, 1] == "é".encode()


def test_values_accept_torch_tensors_and_array_likes() -> None:
    torch = pytest.importorskip("torch")

    class ArrayLike:
        def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
            return np.arange(3.0)

    np.testing.assert_array_equal(as_numpy(torch.ones(2, dtype=torch.bfloat16, requires_grad=True) * 2), [2.0, 2.0])
    np.testing.assert_array_equal(as_numpy(ArrayLike()), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(to_numpy(tensor_proto(torch.arange(6).reshape(2, 3))), np.arange(6).reshape(2, 3))
    assert to_numpy(tensor_proto(["x", b"y"])).tolist() == [b"x", b"y"]
