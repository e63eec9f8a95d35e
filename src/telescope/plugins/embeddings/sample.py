"""Sample data for the plugin contract suite: embeddings written with ``add_embedding``, read back from the
projector config and its files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from telescope.store import Store


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Write two embeddings (one with labels and thumbnails, one with two label columns); return per
    (run, tensor_name) the vectors, the labels and whether a sprite is there."""
    from telescope.writer import SummaryWriter

    rng = np.random.default_rng(7)
    words = rng.normal(size=(6, 4)).astype(np.float32)
    points = np.arange(15, dtype=np.float32).reshape(5, 3) / 7
    with SummaryWriter(log_dir / "run") as w:
        w.add_scalar("loss", 1.0, 0)  # the run needs an event file to be a run
        w.add_embedding(words, metadata=[f"w{i}" for i in range(6)], label_img=np.zeros((6, 1, 4, 4)), tag="words")
        w.add_embedding(
            points,
            metadata=[[i, "even" if i % 2 == 0 else "odd"] for i in range(5)],
            metadata_header=["n", "parity"],
            global_step=3,
            tag="points",
        )
    return {
        ("run", "words:00000"): (words.tolist(), [f"w{i}" for i in range(6)], True),
        ("run", "points:00003"): (
            points.tolist(),
            {"n": [str(i) for i in range(5)], "parity": ["even", "odd", "even", "odd", "even"]},
            False,
        ),
    }


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.embeddings.query import read_frame

    out: dict[Any, Any] = {}
    for r in read_frame(store).to_dict("records"):
        meta: Any = r["metadata"]
        labels = meta if isinstance(meta, list) else meta.to_dict("list")
        out[(r["run"], r["tensor_name"])] = (r["tensors"].tolist(), labels, r["sprite"] is not None)
    return out
