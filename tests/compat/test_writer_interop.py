"""TensorBoard's own reader reads what our SummaryWriter writes, and finds what it finds in PyTorch's and
tensorboardX's files for the same calls: the same tags, steps and values, the same pixels and samples.

Each writer gets the same sequence of calls (``log_everything``); the three logdirs are then read with
``tensorboard.backend.event_processing.event_accumulator.EventAccumulator`` and compared.
"""

from __future__ import annotations

import importlib.util
import io
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tb_writer = pytest.importorskip("torch.utils.tensorboard")
tbx = pytest.importorskip("tensorboardX")
PIL_Image = pytest.importorskip("PIL.Image")
pytest.importorskip("matplotlib")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

import telescope  # noqa: E402

SIZE = {"scalars": 0, "images": 0, "audio": 0, "histograms": 0, "tensors": 0, "compressedHistograms": 0}

rng = np.random.default_rng(7)
IMG_CHW = rng.random((3, 12, 20))  # float 0-1
IMG_HWC_U8 = rng.integers(0, 256, (10, 14, 3), dtype=np.uint8)
IMG_HW = rng.random((9, 11))
BATCH_NCHW = rng.random((11, 3, 6, 5))  # 11 images: a grid of 8 + 3, the rest black
BATCH_NHWC_U8 = rng.integers(0, 256, (4, 7, 6, 1), dtype=np.uint8)  # gray
BOXES = np.array([[2.0, 2.0, 10.0, 8.0], [12.0, 1.0, 18.0, 10.0]])
SOUND = np.sin(np.linspace(0, 60 * np.pi, 4000)) * np.linspace(0, 1, 4000)
HIST_VALUES = rng.normal(0, 3, 5000)
HIST_BINS: list[tuple[str, Any, int | None]] = [
    ("h/tensorflow", "tensorflow", None),
    ("h/auto", "auto", None),
    ("h/fd", "fd", None),
    ("h/int", 12, None),
    ("h/edges", np.linspace(-20, 20, 41), None),
    ("h/max_bins", "tensorflow", 20),
]
# Clips whose colours are exact in any GIF palette (0/255 per channel), so a GIF keeps every pixel.
VIDEO = (rng.random((3, 4, 3, 6, 8)) > 0.5).astype(np.float32)


def make_figure() -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1.5), dpi=50)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4], color="tab:red")
    ax.set_title("figure")
    return fig


def log_everything(w: Any, *, video: bool = True, new_style: bool = True, audio: bool = True) -> None:
    for step in range(5):
        w.add_scalar("loss", 1.0 / (step + 1), step)
    w.add_scalar("scalar/numpy", np.float32(2.5), 5)
    w.add_scalar("scalar/torch", torch.tensor(3.25), 6)
    w.add_scalar("scalar/array", np.array([[4.5]]), 7)
    if new_style:
        w.add_scalar("scalar/new_style", 0.75, 8, new_style=True)
    w.add_scalars("grp", {"a": 1.0, "b": 2.0}, 1)
    w.add_scalars("grp", {"a": 3.0, "b": 4.0}, 2)
    for tag, bins, max_bins in HIST_BINS:
        w.add_histogram(tag, HIST_VALUES, 3, bins=bins, max_bins=max_bins)
    w.add_histogram("h/torch", torch.from_numpy(HIST_VALUES), 4)
    w.add_histogram("h/torch_float32", torch.from_numpy(HIST_VALUES.astype(np.float32)), 4)
    counts, edges = np.histogram(HIST_VALUES, bins=15)
    w.add_histogram_raw(
        "h/raw",
        HIST_VALUES.min(),
        HIST_VALUES.max(),
        len(HIST_VALUES),
        HIST_VALUES.sum(),
        HIST_VALUES.dot(HIST_VALUES),
        edges[1:].tolist(),
        counts.tolist(),
        5,
    )
    w.add_image("img/chw", IMG_CHW, 1)
    w.add_image("img/hwc_uint8", IMG_HWC_U8, 1, dataformats="HWC")
    w.add_image("img/hw", IMG_HW, 1, dataformats="HW")
    w.add_image("img/torch", torch.from_numpy(IMG_CHW), 2)
    w.add_images("imgs/nchw", BATCH_NCHW, 1)
    w.add_images("imgs/nhwc_gray", BATCH_NHWC_U8, 1, dataformats="NHWC")
    w.add_image_with_boxes("boxes", IMG_CHW, BOXES, 1)
    w.add_figure("figure", make_figure(), 1)
    if audio:
        w.add_audio("sound", SOUND, 1, sample_rate=8000)
    w.add_text("note", "**bold**, `code` and é", 3)
    if video:
        w.add_video("video", VIDEO, 1, fps=5)
    w.close()


@pytest.fixture(scope="module")
def logdirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("interop")
    dirs = {"ours": root / "ours", "torch": root / "torch", "tbx": root / "tbx"}
    log_everything(telescope.SummaryWriter(dirs["ours"]))
    # Without moviepy (not a dependency) PyTorch and tensorboardX cannot write videos.
    log_everything(tb_writer.SummaryWriter(str(dirs["torch"])), video=False)
    # tensorboardX has no new_style, and writes audio only with the soundfile package.
    tbx_audio = importlib.util.find_spec("soundfile") is not None
    log_everything(tbx.SummaryWriter(str(dirs["tbx"])), video=False, new_style=False, audio=tbx_audio)
    return dirs


def accumulator(path: Path) -> EventAccumulator:
    acc = EventAccumulator(str(path), size_guidance=SIZE)
    acc.Reload()
    return acc


@pytest.fixture(scope="module")
def acc(logdirs: dict[str, Path]) -> dict[str, EventAccumulator]:
    return {name: accumulator(path) for name, path in logdirs.items()}


def writers() -> Iterator[str]:
    yield from ("torch", "tbx")


def png_pixels(data: bytes) -> np.ndarray:
    return np.asarray(PIL_Image.open(io.BytesIO(data)).convert("RGB"))


def expected_pixels(chw_or_hwc: np.ndarray) -> np.ndarray:
    """Floats 0-1 become uint8 by x255 and truncation, as PyTorch converts them."""
    return (chw_or_hwc.astype(np.float32) * 255).clip(0, 255).astype(np.uint8)


# ----- tags -----


@pytest.mark.parametrize("other", list(writers()))
def test_same_tags_by_kind(acc: dict[str, EventAccumulator], other: str) -> None:
    ours, theirs = acc["ours"].Tags(), acc[other].Tags()
    for kind in ("scalars", "histograms"):
        assert sorted(ours[kind]) == sorted(theirs[kind]), kind
    assert ours["audio"] == ["sound"]
    if other == "torch" or theirs["audio"]:  # tensorboardX writes audio only with the soundfile package
        assert theirs["audio"] == ["sound"]
    new_style = {"scalar/new_style"} - set(theirs["tensors"])
    assert sorted(set(ours["tensors"]) - new_style) == sorted(theirs["tensors"])
    assert sorted(set(ours["images"]) - {"video"}) == sorted(theirs["images"])
    assert "video" in ours["images"]


# ----- scalars -----


@pytest.mark.parametrize("other", list(writers()))
def test_scalars_match(acc: dict[str, EventAccumulator], other: str) -> None:
    for tag in acc["ours"].Tags()["scalars"]:
        ours = [(e.step, e.value) for e in acc["ours"].Scalars(tag)]
        theirs = [(e.step, e.value) for e in acc[other].Scalars(tag)]
        assert ours == theirs, tag
    assert [(e.step, e.value) for e in acc["ours"].Scalars("scalar/torch")] == [(6, 3.25)]


def test_new_style_scalar_matches(acc: dict[str, EventAccumulator]) -> None:
    def read(a: EventAccumulator) -> list[tuple[int, float]]:
        return [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in a.Tensors("scalar/new_style")]

    assert read(acc["ours"]) == read(acc["torch"]) == [(8, 0.75)]
    assert acc["ours"].SummaryMetadata("scalar/new_style").plugin_data.plugin_name == "scalars"


def test_add_scalars_writes_the_runs_pytorch_writes(logdirs: dict[str, Path]) -> None:
    def runs(root: Path) -> list[str]:
        return sorted(p.name for p in root.iterdir() if p.is_dir())

    assert runs(logdirs["ours"]) == runs(logdirs["torch"]) == ["grp_a", "grp_b"]
    for key, values in (("a", [(1, 1.0), (2, 3.0)]), ("b", [(1, 2.0), (2, 4.0)])):
        ours = accumulator(logdirs["ours"] / f"grp_{key}")
        torch_run = accumulator(logdirs["torch"] / f"grp_{key}")
        tbx_run = accumulator(logdirs["tbx"] / "grp" / key)  # tensorboardX nests the runs
        for a in (ours, torch_run, tbx_run):
            assert [(e.step, e.value) for e in a.Scalars("grp")] == values


# ----- histograms -----


def _histos(a: EventAccumulator, tag: str) -> list[tuple[int, tuple[float, ...], list[float], list[float]]]:
    out = []
    for e in a.Histograms(tag):
        h = e.histogram_value
        stats = (h.min, h.max, h.num, h.sum, h.sum_squares)
        out.append((e.step, stats, list(h.bucket_limit), list(h.bucket)))
    return out


@pytest.mark.parametrize("other", list(writers()))
def test_histograms_match_bucket_for_bucket(acc: dict[str, EventAccumulator], other: str) -> None:
    tags = [t for t, _, _ in HIST_BINS] + ["h/torch", "h/torch_float32", "h/raw"]
    assert sorted(acc["ours"].Tags()["histograms"]) == sorted(tags)
    for tag in tags:
        ours, theirs = _histos(acc["ours"], tag), _histos(acc[other], tag)
        assert len(ours) == len(theirs) == 1, tag
        (step, stats, limits, counts), (t_step, t_stats, t_limits, t_counts) = ours[0], theirs[0]
        assert step == t_step
        np.testing.assert_allclose(stats, t_stats, rtol=1e-12, err_msg=tag)
        np.testing.assert_array_equal(limits, t_limits, err_msg=tag)
        np.testing.assert_array_equal(counts, t_counts, err_msg=tag)
        assert sum(counts) == stats[2] == len(HIST_VALUES), tag


def test_max_bins_bounds_the_number_of_buckets(acc: dict[str, EventAccumulator]) -> None:
    (_, _, limits, _) = _histos(acc["ours"], "h/max_bins")[0]
    (_, _, all_limits, _) = _histos(acc["ours"], "h/tensorflow")[0]
    assert len(limits) < len(all_limits) and len(limits) <= 21


# ----- images -----


def _image(a: EventAccumulator, tag: str) -> tuple[int, int, int, np.ndarray]:
    (e,) = a.Images(tag)
    return e.step, e.width, e.height, png_pixels(e.encoded_image_string)


@pytest.mark.parametrize("other", list(writers()))
@pytest.mark.parametrize(
    "tag", ["img/chw", "img/hwc_uint8", "img/hw", "img/torch", "imgs/nchw", "imgs/nhwc_gray", "figure"]
)
def test_images_have_the_same_pixels(acc: dict[str, EventAccumulator], other: str, tag: str) -> None:
    step, width, height, pixels = _image(acc["ours"], tag)
    t_step, t_width, t_height, t_pixels = _image(acc[other], tag)
    assert (step, width, height) == (t_step, t_width, t_height)
    assert pixels.shape == (height, width, 3)
    np.testing.assert_array_equal(pixels, t_pixels)


def test_images_hold_the_pixels_logged(acc: dict[str, EventAccumulator]) -> None:
    a = acc["ours"]
    np.testing.assert_array_equal(_image(a, "img/chw")[3], expected_pixels(IMG_CHW.transpose(1, 2, 0)))
    np.testing.assert_array_equal(_image(a, "img/hwc_uint8")[3], IMG_HWC_U8)
    np.testing.assert_array_equal(_image(a, "img/hw")[3], np.repeat(expected_pixels(IMG_HW)[:, :, None], 3, axis=2))
    grid = _image(a, "imgs/nchw")[3]
    assert grid.shape == (2 * 6, 8 * 5, 3)  # 11 images, 8 per row
    np.testing.assert_array_equal(grid[6:12, 10:15], expected_pixels(BATCH_NCHW[10].transpose(1, 2, 0)))
    assert not grid[6:12, 15:].any(), "cells after the last image are black"


def test_boxes_are_drawn_on_the_image(acc: dict[str, EventAccumulator]) -> None:
    for name in ("ours", "torch"):
        _, width, height, pixels = _image(acc[name], "boxes")
        assert (width, height) == (20, 12)
        base = expected_pixels(IMG_CHW.transpose(1, 2, 0))
        np.testing.assert_array_equal(pixels[5, 5], base[5, 5], err_msg=name)  # inside the first box
        np.testing.assert_array_equal(pixels[2, 6], [255, 0, 0], err_msg=name)  # on its top edge
        np.testing.assert_array_equal(pixels[5, 18], [255, 0, 0], err_msg=name)  # on the right edge of the second


def test_video_is_an_animated_gif_of_the_tiled_clips(acc: dict[str, EventAccumulator]) -> None:
    (e,) = acc["ours"].Images("video")
    gif = PIL_Image.open(io.BytesIO(e.encoded_image_string))
    assert gif.format == "GIF" and (e.width, e.height) == (2 * 8 * 2, 6)  # 3 clips padded to 4, in 1 row of 4
    frames = []
    for i in range(gif.n_frames):
        gif.seek(i)
        frames.append(np.asarray(gif.convert("RGB")))
    clips = (VIDEO * 255).astype(np.uint8)
    assert len(frames) <= 4
    # Frame 0 shows clip k's first frame in column k (the 4th column is padding, black).
    for k in range(3):
        np.testing.assert_array_equal(frames[0][:, k * 8 : (k + 1) * 8], clips[k, 0].transpose(1, 2, 0))
    assert not frames[0][:, 24:].any()


# ----- audio, text -----


def _wav(a: EventAccumulator) -> tuple[int, int, np.ndarray]:
    (e,) = a.Audio("sound")
    assert e.content_type == "audio/wav"
    with wave.open(io.BytesIO(e.encoded_audio_string)) as w:
        assert w.getsampwidth() == 2
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return w.getframerate(), w.getnchannels(), samples


@pytest.mark.parametrize("other", list(writers()))
def test_audio_decodes_to_the_same_samples(acc: dict[str, EventAccumulator], other: str) -> None:
    if not acc[other].Tags()["audio"]:
        pytest.skip(f"{other} wrote no audio (tensorboardX needs the soundfile package)")
    rate, channels, samples = _wav(acc["ours"])
    t_rate, t_channels, t_samples = _wav(acc[other])
    assert (rate, channels) == (t_rate, t_channels) == (8000, 1)
    assert len(samples) == len(t_samples) == len(SOUND)
    # PyTorch truncates x * 32767, libsndfile (tensorboardX) rounds x * 32768, we round x * 32767: they differ by
    # at most two steps of 1/32768 (-84 dB), nothing a listener or a waveform plot shows.
    assert np.abs(samples.astype(int) - t_samples.astype(int)).max() <= 2
    assert np.abs(samples / 32767 - SOUND).max() <= 0.5 / 32767 + 1e-9
    (e,) = acc["ours"].Audio("sound")
    assert (e.sample_rate, e.length_frames) == (8000, len(SOUND))


@pytest.mark.parametrize("other", list(writers()))
def test_text_matches(acc: dict[str, EventAccumulator], other: str) -> None:
    def read(a: EventAccumulator) -> list[tuple[int, list[int], list[bytes]]]:
        return [
            (e.step, [d.size for d in e.tensor_proto.tensor_shape.dim], list(e.tensor_proto.string_val))
            for e in a.Tensors("note/text_summary")
        ]

    assert read(acc["ours"]) == read(acc[other]) == [(3, [1], ["**bold**, `code` and é".encode()])]
    assert acc["ours"].SummaryMetadata("note/text_summary").plugin_data.plugin_name == "text"


# ----- without Pillow -----


def test_images_and_videos_without_pillow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, acc: dict[str, EventAccumulator]
) -> None:
    from telescope.plugins.images import summary as images_summary

    no_pillow: Callable[[], None] = lambda: None  # noqa: E731
    monkeypatch.setattr(images_summary, "_pillow", no_pillow)
    with telescope.SummaryWriter(tmp_path) as w:
        w.add_image("img/chw", IMG_CHW, 1)
        w.add_images("imgs/nhwc_gray", BATCH_NHWC_U8, 1, dataformats="NHWC")
        w.add_image_with_boxes("boxes", IMG_CHW, BOXES, 1)
        w.add_video("video", VIDEO, 1, fps=5)
    ours = accumulator(tmp_path)
    for tag in ("img/chw", "imgs/nhwc_gray"):
        np.testing.assert_array_equal(_image(ours, tag)[3], _image(acc["ours"], tag)[3])
    boxes = _image(ours, "boxes")[3]
    np.testing.assert_array_equal(boxes[2, 6], [255, 0, 0])
    np.testing.assert_array_equal(boxes[5, 5], expected_pixels(IMG_CHW.transpose(1, 2, 0))[5, 5])
    (e,) = ours.Images("video")
    gif = PIL_Image.open(io.BytesIO(e.encoded_image_string))
    assert gif.n_frames == 4
    clips = (VIDEO * 255).astype(np.uint8)
    for t in range(4):
        gif.seek(t)
        frame = np.asarray(gif.convert("RGB"))
        for k in range(3):
            np.testing.assert_array_equal(frame[:, k * 8 : (k + 1) * 8], clips[k, t].transpose(1, 2, 0))
