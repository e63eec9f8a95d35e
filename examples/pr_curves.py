"""PR curves: precision-recall of a classifier that improves over steps, one curve per class.

Run it, then open what it wrote:

    python examples/pr_curves.py [--logdir logs/pr_curves]
    telescope --logdir logs/pr_curves
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from telescope import SummaryWriter

CLASSES = ("cat", "dog", "bird")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/pr_curves", help="where to write the run (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    truth = rng.integers(0, len(CLASSES), size=2000)
    with SummaryWriter(args.logdir) as writer:
        for step in range(args.steps):
            # Scores: the true class gets a bonus that grows with the step, so the curves move up and right.
            skill = 0.5 + 1.5 * step / max(args.steps - 1, 1)
            logits = rng.normal(size=(truth.size, len(CLASSES))) + skill * np.eye(len(CLASSES))[truth]
            probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
            for k, name in enumerate(CLASSES):
                writer.add_pr_curve(f"pr/{name}", truth == k, probs[:, k], step, num_thresholds=101)

    print(f"Wrote PR curves to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
