"""Telescope's reader gives the same data for the same calls, whoever wrote the files: our SummaryWriter,
``torch.utils.tensorboard`` or tensorboardX. Each writer gets the same calls; each logdir is read back with the
public read API (``telescope.read_<kind>``) and the frames are compared."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tb_writer = pytest.importorskip("torch.utils.tensorboard")
tbx = pytest.importorskip("tensorboardX")
PIL_Image = pytest.importorskip("PIL.Image")
pytest.importorskip("soundfile")  # tensorboardX writes audio through it
pytest.importorskip("pandas")

import telescope  # noqa: E402

rng = np.random.default_rng(11)
VALUES = rng.normal(0, 2, 3000)
IMAGE = rng.random((3, 10, 16))
SOUND = np.sin(np.linspace(0, 40 * np.pi, 2000)) * 0.8
LABELS = rng.integers(0, 2, 200)
PREDICTIONS = np.clip(LABELS * 0.6 + rng.random(200) * 0.5, 0, 1)
WRITERS = ("ours", "torch", "tbx")


def log(w: Any) -> None:
    for step in range(4):
        w.add_scalar("train/loss", 1.0 / (step + 1), step)
        w.add_histogram("weights", VALUES + step, step)
    w.add_scalars("cmp", {"a": 1.5, "b": -2.5}, 3)
    w.add_image("picture", IMAGE, 2)
    w.add_audio("clip", SOUND, 1, sample_rate=8000)
    w.add_text("notes", "*hello* from **every** writer", 5)
    w.add_pr_curve("pr", LABELS, PREDICTIONS, 0, num_thresholds=51)
    w.close()


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("reader_interop")
    makers = {
        "ours": lambda d: telescope.SummaryWriter(d),
        "torch": lambda d: tb_writer.SummaryWriter(str(d)),
        "tbx": lambda d: tbx.SummaryWriter(str(d)),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, make in makers.items():
        logdir = root / name
        log(make(logdir / "run"))
        db = root / f"{name}.sqlite"
        out[name] = {
            kind: getattr(telescope, f"read_{kind}")(logdir, db=db)
            for kind in ("scalars", "histograms", "images", "audio", "text", "pr_curves")
        }
    return out


def by_key(df: Any, *cols: str) -> Any:
    return df.sort_values(list(cols), ignore_index=True)


@pytest.mark.parametrize("other", ["torch", "tbx"])
def test_scalars_are_the_same(frames: dict[str, dict[str, Any]], other: str) -> None:
    ours = by_key(frames["ours"]["scalars"], "run", "tag", "step")
    theirs = frames[other]["scalars"].copy()
    # tensorboardX names add_scalars' sub-runs <main_tag>/<key>; PyTorch (and we) <main_tag>_<key>.
    theirs["run"] = theirs["run"].str.replace("run/cmp/", "run/cmp_", regex=False)
    theirs = by_key(theirs, "run", "tag", "step")
    assert ours[["run", "tag", "step"]].values.tolist() == theirs[["run", "tag", "step"]].values.tolist()
    assert set(ours["run"]) == {"run", "run/cmp_a", "run/cmp_b"}
    assert np.allclose(ours["value"], theirs["value"], rtol=1e-6)


@pytest.mark.parametrize("other", ["torch", "tbx"])
def test_histograms_hold_the_same_values(frames: dict[str, dict[str, Any]], other: str) -> None:
    ours = by_key(frames["ours"]["histograms"], "step")
    theirs = by_key(frames[other]["histograms"], "step")
    assert ours["step"].tolist() == theirs["step"].tolist() == [0, 1, 2, 3]
    for (_, a), (_, b) in zip(ours.iterrows(), theirs.iterrows(), strict=True):
        assert a["counts"].sum() == b["counts"].sum() == len(VALUES)
        # Same data range, and the same mass on each side of the median whatever the bucketing.
        assert np.isclose(a["edges"][0], b["edges"][0]) and np.isclose(a["edges"][-1], b["edges"][-1])
        assert np.isclose(_mean(a), _mean(b), atol=0.2)


def _mean(row: Any) -> float:
    centres = (row["edges"][:-1] + row["edges"][1:]) / 2
    return float((centres * row["counts"]).sum() / row["counts"].sum())


@pytest.mark.parametrize("other", ["torch", "tbx"])
def test_images_have_the_same_pixels(frames: dict[str, dict[str, Any]], other: str) -> None:
    (a,) = frames["ours"]["images"].itertuples()
    (b,) = frames[other]["images"].itertuples()
    assert (a.tag, a.step, a.width, a.height, a.format) == (b.tag, b.step, b.width, b.height, b.format)
    assert (a.width, a.height) == (16, 10)
    pa = np.asarray(PIL_Image.open(io.BytesIO(a.data)).convert("RGB"))
    pb = np.asarray(PIL_Image.open(io.BytesIO(b.data)).convert("RGB"))
    assert np.array_equal(pa, pb)


@pytest.mark.parametrize("other", ["torch", "tbx"])
def test_audio_has_the_same_rate_and_length(frames: dict[str, dict[str, Any]], other: str) -> None:
    (a,) = frames["ours"]["audio"].itertuples()
    (b,) = frames[other]["audio"].itertuples()
    assert (a.tag, a.step, a.sample_rate) == (b.tag, b.step, b.sample_rate) == ("clip", 1, 8000)
    assert abs(len(a.data) - len(b.data)) <= 64  # the same samples; WAV headers may differ by a chunk


@pytest.mark.parametrize("other", ["torch", "tbx"])
def test_text_is_the_same(frames: dict[str, dict[str, Any]], other: str) -> None:
    a = frames["ours"]["text"][["tag", "step", "text"]].values.tolist()
    b = frames[other]["text"][["tag", "step", "text"]].values.tolist()
    assert a == b
    assert "*hello* from **every** writer" in str(a[0][2])


@pytest.mark.parametrize("other", ["torch", "tbx"])
def test_pr_curves_are_the_same(frames: dict[str, dict[str, Any]], other: str) -> None:
    (a,) = frames["ours"]["pr_curves"].itertuples()
    (b,) = frames[other]["pr_curves"].itertuples()
    assert (a.tag, a.step) == (b.tag, b.step) == ("pr", 0)
    for col in ("thresholds", "precision", "recall", "tp", "fp", "tn", "fn"):
        assert np.allclose(getattr(a, col), getattr(b, col), atol=1e-6), col
