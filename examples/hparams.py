"""Hyperparameters: a small sweep, one run per combination, each with its curves and its hparams.

Run it, then open what it wrote:

    python examples/hparams.py [--logdir logs/hparams]
    telescope --logdir logs/hparams

Each run (``logs/hparams/lr_0.1-batch_32`` ...) holds a ``loss`` curve and, in the same run
(``add_hparams(..., same_run=True)``), its hyperparameters and final ``hparam/accuracy`` and ``hparam/loss``,
so the hparams table links each row to its curves.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os

from telescope import SummaryWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/hparams", help="where to write the runs (default: %(default)s)")
    args = parser.parse_args()

    for lr, batch_size, optimizer in itertools.product((0.1, 0.01), (32, 128), ("adam", "sgd")):
        name = f"lr_{lr}-batch_{batch_size}-{optimizer}"
        speed = lr * (1.5 if optimizer == "adam" else 1.0) * (64 / batch_size) ** 0.5
        with SummaryWriter(os.path.join(args.logdir, name)) as writer:
            loss = 2.3
            for step in range(100):
                loss = 0.1 + 2.2 * math.exp(-speed * step * 0.5)
                writer.add_scalar("loss", loss, step)
            accuracy = 1 - loss / 2.5
            writer.add_hparams(
                {"lr": lr, "batch_size": batch_size, "optimizer": optimizer},
                {"hparam/accuracy": accuracy, "hparam/loss": loss},
                same_run=True,
            )

    print(f"Wrote an hparams sweep to {os.path.abspath(args.logdir)}")
    print(f"View it with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
