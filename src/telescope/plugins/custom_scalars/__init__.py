"""The custom_scalars kind: chart layouts a run declares over its scalar tags (several tags on one chart, a value
between bounds), merged across runs into one layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.custom_scalars.decode import decode
from telescope.plugins.custom_scalars.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store


class CustomScalarsPlugin:
    name = PLUGIN_NAME
    storage_class = "tensors"
    has_dashboard = False
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.custom_scalars.routes import router

        return router

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        from telescope.plugins.custom_scalars.query import read_frame

        return read_frame(store, **options)

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
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

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.custom_scalars.query import chart_rows, merged_layout, read_layouts

        def rows(layout: Any) -> list[tuple[Any, ...]]:
            return [(r["category"], r["title"], r["kind"], tuple(r["tags"])) for r in chart_rows(layout)]

        out: dict[Any, Any] = {f.run: rows(f.layout) for f in read_layouts(store)}
        merged, _ = merged_layout(store)
        if merged is not None:
            out["merged"] = rows(merged)
        return out


plugin = CustomScalarsPlugin()

__all__ = ["plugin"]
