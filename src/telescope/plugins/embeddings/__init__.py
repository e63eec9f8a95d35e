"""The embeddings kind (TensorBoard's projector): vectors, labels and thumbnails named by projector_config.pbtxt
files. Nothing is in event files, so nothing is ingested: the files are read when asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.embeddings.decode import DATA_NAMES, decode
from telescope.plugins.embeddings.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store


class EmbeddingsPlugin:
    name = PLUGIN_NAME
    storage_class = "blobs"
    # No summary value carries embeddings: no plugin name in event files is decoded by this kind.
    data_names = DATA_NAMES
    has_dashboard = False
    decode = staticmethod(decode)

    def count_tags(self, store: Store) -> int:
        """Embeddings named by the projector configs (they live in files, not in the index)."""
        from telescope.plugins.embeddings.query import list_embeddings

        return len(list_embeddings(store)[0])

    def router(self) -> APIRouter:
        from telescope.plugins.embeddings.routes import router

        return router

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        from telescope.plugins.embeddings.sample import write_sample

        return write_sample(log_dir)

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.embeddings.sample import read_sample

        return read_sample(store)

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        from telescope.plugins.embeddings.query import read_frame

        return read_frame(store, **options)


plugin = EmbeddingsPlugin()

__all__ = ["plugin"]
