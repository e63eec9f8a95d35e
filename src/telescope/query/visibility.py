"""Which stored points a restart hides (docs/restarts.md), for every storage class.

A purge ``(step, seq)`` hides the points ingested before ``seq`` (lower sequence number) at ``step`` or later.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def hidden_mask(
    steps: npt.NDArray[np.int64],
    seqs: npt.NDArray[np.int64],
    purge_steps: npt.NDArray[np.int64],
    purge_seqs: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """True for each point that one of the purges hides."""
    hidden = np.zeros(len(steps), dtype=bool)
    for pstep, pseq in zip(purge_steps.tolist(), purge_seqs.tolist(), strict=True):
        hidden |= (seqs < pseq) & (steps >= pstep)
    return hidden


def step_order(steps: npt.NDArray[np.int64], seqs: npt.NDArray[np.int64]) -> npt.NDArray[np.intp] | None:
    """The permutation sorting points by step then ingest order, or None when they already are."""
    if len(steps) < 2 or bool(np.all(steps[1:] >= steps[:-1])):
        return None
    order: npt.NDArray[np.intp] = np.lexsort((seqs, steps))
    return order
