"""A tiny PyTorch Lightning classifier on scikit-learn's 8x8 digits, logged with ``TelescopeLogger``.

Run it, then open what it wrote:

    python examples/lightning_mnist_like.py [--logdir logs/lightning] [--epochs 5]
    telescope --logdir logs/lightning

The logger lays runs out like Lightning's ``TensorBoardLogger`` (``logs/lightning/digits/version_0``, then
``version_1`` on the next launch) and writes ``train_loss`` per step, ``val_loss``/``val_acc`` per epoch, the
hyperparameters (hparams dashboard, with ``hp_metric`` = final validation accuracy, and ``hparams.yaml``) and
the model's graph.
"""

from __future__ import annotations

import argparse
import os

import lightning as L
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from telescope.lightning import TelescopeLogger


class DigitsClassifier(L.LightningModule):
    def __init__(self, hidden: int = 64, lr: float = 1e-2, dropout: float = 0.1) -> None:
        super().__init__()
        self.save_hyperparameters()  # logged by the logger: hparams dashboard and hparams.yaml
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 10)
        )
        self.example_input_array = torch.zeros(1, 1, 8, 8)  # lets the logger trace the graph

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = nn.functional.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        x, y = batch
        logits = self(x)
        self.log("val_loss", nn.functional.cross_entropy(logits, y), prog_bar=True)
        accuracy = (logits.argmax(dim=1) == y).float().mean()
        self.log("val_acc", accuracy, prog_bar=True)
        self.log("hp_metric", accuracy)  # the number the hparams table shows for this run

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def loaders(samples: int) -> tuple[DataLoader[tuple[torch.Tensor, ...]], DataLoader[tuple[torch.Tensor, ...]]]:
    digits = load_digits()
    x = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)
    y = torch.tensor(digits.target, dtype=torch.long)
    if samples:
        x, y = x[:samples], y[:samples]
    split = int(len(x) * 0.8)
    train = TensorDataset(x[:split], y[:split])
    val = TensorDataset(x[split:], y[split:])
    return DataLoader(train, batch_size=32, shuffle=True), DataLoader(val, batch_size=128)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="logs/lightning", help="where to write the runs (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=0, help="use this many digits only (0: all 1,797)")
    args = parser.parse_args()

    L.seed_everything(0, verbose=False)
    train, val = loaders(args.samples)
    logger = TelescopeLogger(args.logdir, name="digits", log_graph=True)
    trainer = L.Trainer(
        max_epochs=args.epochs,
        logger=logger,
        log_every_n_steps=5,
        enable_checkpointing=False,  # keeps the example's logdir to logs only
        accelerator="cpu",
        enable_progress_bar=False,
    )
    trainer.fit(DigitsClassifier(), train, val)

    print(f"Logs written to {os.path.abspath(logger.log_dir)}")
    print(f"View them with: telescope --logdir {args.logdir}")


if __name__ == "__main__":
    main()
