"""The graphs kind: op graphs, Keras models' conceptual graphs, TF2 traces and profiles (run metadata)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.graphs.decode import DATA_NAMES, decode
from telescope.plugins.graphs.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store


class GraphsPlugin:
    name = PLUGIN_NAME
    storage_class = "blobs"
    data_names = DATA_NAMES
    has_dashboard = False
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.graphs.routes import router

        return router

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        from telescope.plugins.graphs.sample import write_sample

        return write_sample(log_dir)

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.graphs.sample import read_sample

        return read_sample(store)

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        from telescope.plugins.graphs.query import read_frame

        return read_frame(store, **options)


plugin = GraphsPlugin()

__all__ = ["plugin"]
