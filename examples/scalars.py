"""Scalars: training curves of two learning rates, side by side, plus ``add_scalars`` for several lines at once.

Run it, then open what it wrote:

    python examples/scalars.py [--logdir logs/scalars]
    telescope --logdir logs/scalars

Each learning rate is a run (``logs/scalars/lr_0.1``, ``logs/scalars/lr_0.01``) holding ``train/loss``,
``train/accuracy`` and ``optim/lr``; the charts overlay the runs so they can be compared.
"""

from __future__ import annotations

import argparse
import math
import os
import random

from telescope import SummaryWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/scalars", help="where to write the runs (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args()

    rng = random.Random(0)
    for lr in (0.1, 0.01):
        with SummaryWriter(os.path.join(args.logdir, f"lr_{lr}")) as writer:
            for step in range(args.steps):
                # A decaying loss with noise; the larger rate learns faster and ends noisier.
                progress = step * lr * 0.2
                loss = 2.3 * math.exp(-progress) + 0.05 + rng.gauss(0, 0.02 + lr * 0.2)
                writer.add_scalar("train/loss", loss, step)
                writer.add_scalar("train/accuracy", 1 - math.exp(-progress) * 0.9, step)
                writer.add_scalar("optim/lr", lr * 0.5 ** (step // 200), step)
                if step % 50 == 0:
                    # Several lines under one tag: one sub-run per key (lr_0.1/losses_train, ...).
                    writer.add_scalars("losses", {"train": loss, "validation": loss * 1.1 + 0.02}, step)

    print(f"Wrote scalars to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
