"""``telescope demo``: writes a small demo logdir (several runs, train/validation, a few tags of each kind of
data: scalars, weight histograms, sample images, a sound, notes, a PR curve, hyperparameters) and serves it.

One run keeps "training" while the server runs, so a newcomer also sees live updates.
"""

from __future__ import annotations

import math
import random
import threading
from pathlib import Path

from telescope.writer import SummaryWriter

EPOCHS = 30
BATCHES_PER_EPOCH = 50


def _curves(rng: random.Random, lr: float, width: float, step: int, total: int) -> tuple[float, float]:
    progress = step / total
    speed = 3.0 * math.log10(lr * 1e4 + 1) * width
    loss = 2.3 * math.exp(-speed * progress) + 0.08 / width + rng.gauss(0, 0.03)
    acc = 1.0 - 0.9 * math.exp(-speed * progress * 1.1) - 0.02 / width + rng.gauss(0, 0.01)
    return max(loss, 0.01), min(max(acc, 0.0), 1.0)


def write_demo(logdir: str | Path, *, seed: int = 7) -> Path:
    """Write the demo runs under ``logdir`` (deterministic for a given seed) and return the logdir."""
    root = Path(logdir)
    rng = random.Random(seed)
    configs = [("cnn/lr=1e-3", 1e-3, 1.0), ("cnn/lr=3e-4", 3e-4, 1.0), ("resnet/lr=1e-3", 1e-3, 1.6)]
    total = EPOCHS * BATCHES_PER_EPOCH
    for name, lr, width in configs:
        base = 1_764_000_000.0 + rng.random() * 1000
        with SummaryWriter(root / name / "train") as train, SummaryWriter(root / name / "validation") as val:
            for step in range(total):
                loss, acc = _curves(rng, lr, width, step, total)
                wall = base + step * 0.2
                if name.startswith("resnet") and step == 900:
                    loss *= 6.0  # a spike that downsampling must never hide
                train.add_scalar("batch/loss", loss, step, walltime=wall)
                if step % 10 == 0:
                    train.add_scalar(
                        "batch/grad_norm", abs(rng.gauss(1.0 / (1 + step / 400), 0.1)), step, walltime=wall
                    )
                if (step + 1) % BATCHES_PER_EPOCH == 0:
                    epoch = step // BATCHES_PER_EPOCH
                    vloss, vacc = _curves(rng, lr, width * 0.9, step, total)
                    train.add_scalar("epoch_loss", loss, epoch, walltime=wall)
                    train.add_scalar("epoch_accuracy", acc, epoch, walltime=wall)
                    train.add_scalar("epoch_learning_rate", lr * 0.5 ** (epoch // 10), epoch, walltime=wall)
                    val.add_scalar("epoch_loss", vloss + 0.05, epoch, walltime=wall + 0.1)
                    val.add_scalar("epoch_accuracy", vacc - 0.02, epoch, walltime=wall + 0.1)
                    _other_kinds(train, rng, epoch, width, wall)
            train.add_text("notes", f"**{name}**: learning rate `{lr:g}`, width {width:g}.", 0, walltime=base)
            _pr_curve(val, rng, width, EPOCHS - 1, base + total * 0.2)
            train.add_hparams(
                {"model": name.split("/")[0], "lr": lr, "width": width},
                {"hparam/accuracy": acc},
                same_run=True,
            )
    return root


def _other_kinds(writer: SummaryWriter, rng: random.Random, epoch: int, width: float, wall: float) -> None:
    """Weight histograms every epoch, a sample image every 5 epochs and a sound at the end, as training shows."""
    import numpy as np

    gen = np.random.default_rng(rng.randrange(1 << 30))
    spread = 1.0 / (1 + epoch / (8 * width))
    writer.add_histogram("weights/conv1", gen.normal(0, spread, 2000), epoch, walltime=wall)
    writer.add_histogram("weights/dense", gen.normal(0.2 * epoch / EPOCHS, 0.5, 2000), epoch, walltime=wall)
    if epoch % 5 == 0:
        y, x = np.mgrid[0:48, 0:48] / 48.0
        phase = epoch / EPOCHS * math.pi
        image = np.stack([np.sin(6 * x + phase) ** 2, np.cos(5 * y - phase) ** 2, x * y], axis=0)
        writer.add_image("samples/reconstruction", image, epoch, walltime=wall)
    if epoch == EPOCHS - 1:
        t = np.linspace(0, 1, 8000, endpoint=False)
        writer.add_audio("samples/tone", 0.4 * np.sin(2 * np.pi * 440 * t), epoch, sample_rate=8000, walltime=wall)


def _pr_curve(writer: SummaryWriter, rng: random.Random, width: float, step: int, wall: float) -> None:
    import numpy as np

    gen = np.random.default_rng(rng.randrange(1 << 30))
    labels = gen.integers(0, 2, 500)
    predictions = np.clip(labels * 0.35 * width + gen.random(500) * 0.6, 0, 1)
    writer.add_pr_curve("pr/positive", labels, predictions, step, walltime=wall)


class LiveRun:
    """A run that keeps logging while the demo server runs (``live/train``)."""

    def __init__(self, logdir: str | Path, *, interval: float = 0.5) -> None:
        self.writer = SummaryWriter(Path(logdir) / "live" / "train", max_queue=1)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="telescope-demo-live", daemon=True)
        self._rng = random.Random(11)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        step = 0
        while not self._stop.is_set():
            loss, acc = _curves(self._rng, 1e-3, 1.2, step % 3000, 3000)
            self.writer.add_scalar("batch/loss", loss, step)
            if step % 10 == 0:
                self.writer.add_scalar("epoch_accuracy", acc, step // 10)
            self.writer.flush()
            step += 1
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.writer.close()
