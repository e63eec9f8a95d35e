"""Graphs: the op graph of a small PyTorch model, traced with an example input.

Run it, then open what it wrote:

    python examples/graph_torch.py [--logdir logs/graph_torch]
    telescope --logdir logs/graph_torch
"""

from __future__ import annotations

import argparse
import os

import torch
from torch import nn

from telescope import SummaryWriter


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(),
        )  # fmt: skip
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(16 * 4 * 4, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/graph_torch", help="where to write the run (default: %(default)s)")
    args = parser.parse_args()

    model = SmallCNN().eval()
    with SummaryWriter(args.logdir) as writer:
        writer.add_graph(model, torch.zeros(1, 1, 8, 8))

    print(f"Wrote the graph to {os.path.abspath(args.logdir)}")
    print(f"View it with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
