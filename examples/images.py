"""Images: one image per step, a batch as a grid, a matplotlib figure and a short video.

Run it, then open what it wrote:

    python examples/images.py [--logdir logs/images]
    telescope --logdir logs/images

Tags: ``pattern`` (a CHW float image changing over 5 steps, with the step slider), ``batch`` (``add_images``:
16 images laid out as a grid), ``figure`` (``add_figure``) and ``video`` (``add_video``, an animated GIF).
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from telescope import SummaryWriter


def pattern(step: int, size: int = 64) -> np.ndarray:
    """A 3xsizexsize float image in [0, 1]: coloured rings that move with the step."""
    y, x = np.mgrid[0:size, 0:size] / size
    r = np.hypot(x - 0.5, y - 0.5)
    return np.stack(
        [
            0.5 + 0.5 * np.sin(20 * r - step),
            0.5 + 0.5 * np.sin(12 * x + step * 0.5),
            0.5 + 0.5 * np.cos(12 * y - step * 0.5),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/images", help="where to write the run (default: %(default)s)")
    args = parser.parse_args()

    with SummaryWriter(args.logdir) as writer:
        for step in range(5):
            writer.add_image("pattern", pattern(step), step)  # CHW, floats in [0, 1]

        batch = np.stack([pattern(i, size=32) for i in range(16)])  # NCHW
        writer.add_images("batch", batch, 0)

        import matplotlib

        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
        xs = np.linspace(0, 2 * np.pi, 200)
        ax.plot(xs, np.sin(xs), label="sin")
        ax.plot(xs, np.cos(xs), label="cos")
        ax.legend()
        ax.set_title("A matplotlib figure")
        writer.add_figure("figure", fig, 0)  # closes the figure

        video = np.stack([pattern(i, size=32) for i in range(12)])[np.newaxis]  # N, T, C, H, W
        writer.add_video("video", video, 0, fps=6)

    print(f"Wrote images to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
