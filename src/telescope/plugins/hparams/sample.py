"""Sample data for the plugin contract suite: trials written with ``add_hparams`` (PyTorch's sub-run layout and
the same-run mode), read back through the query layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from telescope.store import Store

_TRIALS = {
    "t0": ({"lr": 0.1, "optimizer": "adam", "batch_norm": True, "layers": 2}, {"hparam/accuracy": 0.75}),
    "t1": ({"lr": 0.01, "optimizer": "sgd", "batch_norm": False, "layers": 3}, {"hparam/accuracy": 0.5}),
}


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Write two trials as sub-runs of ``sweep`` and one into its own run ``same``; return, per session run,
    its hyperparameters and metric values."""
    from telescope.writer import SummaryWriter

    expected: dict[Any, Any] = {}
    with SummaryWriter(log_dir / "sweep") as w:
        for name, (hparams, metrics) in _TRIALS.items():
            w.add_hparams(hparams, metrics, run_name=name)
            expected[f"sweep/{name}"] = _expect(hparams, metrics)
    with SummaryWriter(log_dir / "same") as w:
        for step in range(3):
            w.add_scalar("loss", 1.0 / (step + 1), step)
        hparams, metrics = {"lr": 0.5, "optimizer": "adam"}, {"hparam/accuracy": 0.25, "hparam/loss": 0.125}
        w.add_hparams(hparams, metrics, same_run=True)
        expected["same"] = _expect(hparams, metrics)
    return expected


def _expect(hparams: dict[str, Any], metrics: dict[str, float]) -> tuple[dict[str, Any], dict[str, float]]:
    values = {k: v if isinstance(v, (bool, str)) else float(v) for k, v in hparams.items()}
    return values, {k: float(np.float32(v)) for k, v in metrics.items()}


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.hparams.query import read_hparams

    return {s.run: (s.hparams, {m.tag: m.value for m in s.metrics}) for s in read_hparams(store).sessions}
