"""Sample data for the plugin contract suite: written with the writer, read back through the query layer."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from telescope.store import Store

_VALUES = [0.5, 0.25, math.inf, -1.5, 1e-30]


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Write sample scalars (both encodings) under ``log_dir``; return what reading them must give."""
    from telescope.writer import SummaryWriter

    with SummaryWriter(log_dir / "run") as w:
        for step, value in enumerate(_VALUES):
            w.add_scalar("sample/legacy", value, step, walltime=1_700_000_000.0 + step)
            w.add_scalar("sample/tensor", value, step, walltime=1_700_000_000.0 + step, new_style=True)
    import numpy as np

    expected = [(step, float(np.float32(v))) for step, v in enumerate(_VALUES)]
    return {("run", "sample/legacy"): expected, ("run", "sample/tensor"): expected}


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.scalars.query import iter_all

    return {(s.run, s.tag): list(zip(s.steps.tolist(), s.values.tolist(), strict=True)) for s in iter_all(store)}
