"""Meshes and point clouds: a coloured icosahedron and a spiral point cloud that unwinds over steps.

Run it, then open what it wrote:

    python examples/mesh.py [--logdir logs/mesh]
    telescope --logdir logs/mesh
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from telescope import SummaryWriter


def icosahedron() -> tuple[np.ndarray, np.ndarray]:
    """Vertices (12x3) and triangular faces (20x3) of a regular icosahedron."""
    p = (1 + 5**0.5) / 2
    vertices = np.array(
        [[-1, p, 0], [1, p, 0], [-1, -p, 0], [1, -p, 0], [0, -1, p], [0, 1, p],
         [0, -1, -p], [0, 1, -p], [p, 0, -1], [p, 0, 1], [-p, 0, -1], [-p, 0, 1]],
        dtype=np.float32,
    )  # fmt: skip
    faces = np.array(
        [[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2],
         [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5],
         [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]],
        dtype=np.int32,
    )  # fmt: skip
    return vertices, faces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/mesh", help="where to write the run (default: %(default)s)")
    args = parser.parse_args()

    vertices, faces = icosahedron()
    # Colour each vertex by its position: uint8 RGB.
    span = np.ptp(vertices, axis=0)
    colors = ((vertices - vertices.min(axis=0)) / span * 255).astype(np.uint8)
    with SummaryWriter(args.logdir) as writer:
        writer.add_mesh("icosahedron", vertices=vertices[None], colors=colors[None], faces=faces[None], global_step=0)

        t = np.linspace(0, 6 * np.pi, 500)
        for step in range(3):
            radius = 1 + step
            cloud = np.stack([radius * np.cos(t), radius * np.sin(t), t / 3], axis=1).astype(np.float32)
            shades = np.stack([t / t.max() * 255, np.full_like(t, 128), 255 - t / t.max() * 255], axis=1)
            config = {"material": {"cls": "PointsMaterial", "size": 0.2}}
            writer.add_mesh(
                "spiral",
                vertices=cloud[None],
                colors=shades.astype(np.uint8)[None],
                config_dict=config,
                global_step=step,
            )

    print(f"Wrote meshes to {os.path.abspath(args.logdir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
