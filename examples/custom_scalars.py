"""Custom scalars: a layout that puts several tags on one chart, and a band chart (value with its min and max).

Run it, then open what it wrote:

    python examples/custom_scalars.py [--logdir logs/custom_scalars]
    telescope --logdir logs/custom_scalars
"""

from __future__ import annotations

import argparse
import math
import os
import random

from telescope import SummaryWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/custom_scalars", help="where to write the run (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()

    layout = {
        "Training": {
            # "Multiline": these tags on one chart (regular expressions are allowed).
            "losses": ["Multiline", ["loss/train", "loss/validation"]],
            # "Margin": a line with a band, given as [value, lower, upper].
            "reward with spread": ["Margin", ["reward/mean", "reward/min", "reward/max"]],
        },
    }
    rng = random.Random(0)
    with SummaryWriter(args.logdir) as writer:
        writer.add_custom_scalars(layout)
        for step in range(args.steps):
            train = 2.0 * math.exp(-step / 50) + rng.gauss(0, 0.03)
            writer.add_scalar("loss/train", train, step)
            writer.add_scalar("loss/validation", train + 0.1 + 0.002 * max(0, step - 120), step)
            mean = math.log1p(step)
            spread = 1.0 + rng.random()
            writer.add_scalar("reward/mean", mean, step)
            writer.add_scalar("reward/min", mean - spread, step)
            writer.add_scalar("reward/max", mean + spread, step)

    print(f"Wrote custom scalars to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
