"""Histograms: distributions that drift, widen and split over steps (the Histograms and Distributions views).

Run it, then open what it wrote:

    python examples/histograms.py [--logdir logs/histograms]
    telescope --logdir logs/histograms
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from telescope import SummaryWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/histograms", help="where to write the run (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    with SummaryWriter(args.logdir) as writer:
        for step in range(args.steps):
            t = step / max(args.steps - 1, 1)
            writer.add_histogram("normal/moving_mean", rng.normal(loc=t * 3, scale=1.0, size=1000), step)
            writer.add_histogram("normal/shrinking_stddev", rng.normal(scale=2.0 - 1.5 * t, size=1000), step)
            bimodal = np.concatenate([rng.normal(-t * 2, 0.5, 500), rng.normal(t * 2, 0.5, 500)])
            writer.add_histogram("bimodal", bimodal, step)
            writer.add_histogram("uniform_int", rng.integers(0, 10, size=1000), step, bins="auto")

    print(f"Wrote histograms to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
