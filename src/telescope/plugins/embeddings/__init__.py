"""The embeddings kind (TensorBoard's projector): vectors, labels and thumbnails named by projector_config.pbtxt
files. Nothing is in event files, so nothing is ingested: the files are read when asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.embeddings.decode import DATA_NAMES, decode
from telescope.plugins.embeddings.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from telescope.store import Store


class EmbeddingsPlugin(FrameKindPlugin):
    def count_tags(self, store: Store) -> int:
        """Embeddings named by the projector configs (they live in files, not in the index)."""
        from telescope.plugins.embeddings.query import list_embeddings

        return len(list_embeddings(store)[0])


# No summary value carries embeddings: no plugin name in event files is decoded by this kind.
plugin = EmbeddingsPlugin(PLUGIN_NAME, storage_class="blobs", decode=decode, data_names=DATA_NAMES, has_dashboard=False)

__all__ = ["plugin"]
