"""Sample data for the plugin contract suite: two runs' chart layouts, read back per run and merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telescope.store import Store


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Two runs' layouts written with the writer; reading gives each run's charts and the merged layout."""
    from telescope.writer import SummaryWriter

    with SummaryWriter(log_dir / "a") as w:
        w.add_custom_scalars(
            {"Losses": {"both": ["Multiline", ["loss/.*"]], "band": ["Margin", ["loss/mid", "loss/lo", "loss/hi"]]}}
        )
    with SummaryWriter(log_dir / "b") as w:
        w.add_custom_scalars(
            {
                "Losses": {"both": ["Multiline", ["loss/.*"]], "acc": ["Multiline", ["acc"]]},
                "LR": {"lr": ["Multiline", ["lr"]]},
            }
        )
    both = ("Losses", "both", "multiline", ("loss/.*",))
    band = ("Losses", "band", "margin", ("loss/mid", "loss/lo", "loss/hi"))
    acc = ("Losses", "acc", "multiline", ("acc",))
    lr = ("LR", "lr", "multiline", ("lr",))
    return {"a": [both, band], "b": [both, acc, lr], "merged": [both, band, acc, lr]}


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.custom_scalars.query import chart_rows, merged_layout, read_layouts

    def rows(layout: Any) -> list[tuple[Any, ...]]:
        return [(r["category"], r["title"], r["kind"], tuple(r["tags"])) for r in chart_rows(layout)]

    out: dict[Any, Any] = {f.run: rows(f.layout) for f in read_layouts(store)}
    merged, _ = merged_layout(store)
    if merged is not None:
        out["merged"] = rows(merged)
    return out
