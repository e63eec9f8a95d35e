"""The graphs kind: op graphs, Keras models' conceptual graphs, TF2 traces and profiles (run metadata)."""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.graphs.decode import DATA_NAMES, decode
from telescope.plugins.graphs.metadata import PLUGIN_NAME

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="blobs", decode=decode, data_names=DATA_NAMES, has_dashboard=True)

__all__ = ["plugin"]
