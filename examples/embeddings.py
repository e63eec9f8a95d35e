"""Embeddings: scikit-learn's digits as 64-dimensional points, with labels and thumbnails (the projector).

Run it, then open what it wrote:

    python examples/embeddings.py [--logdir logs/embeddings]
    telescope --logdir logs/embeddings

Two embeddings: the raw pixels (``digits_pixels``, labelled by digit, each point shown as its 8x8 image) and a
random 16-dimensional projection (``digits_projection``, with two metadata columns, ``digit`` and ``parity``).
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from sklearn.datasets import load_digits

from telescope import SummaryWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/embeddings", help="where to write the run (default: %(default)s)")
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()

    digits = load_digits()
    pixels = (digits.data[: args.samples] / 16.0).astype(np.float32)
    labels = [int(d) for d in digits.target[: args.samples]]
    thumbnails = pixels.reshape(-1, 1, 8, 8)  # N, C, H, W in [0, 1]

    projection = pixels @ np.random.default_rng(0).normal(size=(64, 16)).astype(np.float32)
    with SummaryWriter(args.logdir) as writer:
        writer.add_embedding(pixels, metadata=labels, label_img=thumbnails, tag="digits_pixels")
        writer.add_embedding(
            projection,
            metadata=[[str(d), "even" if d % 2 == 0 else "odd"] for d in labels],
            metadata_header=["digit", "parity"],
            tag="digits_projection",
        )

    print(f"Wrote embeddings to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
