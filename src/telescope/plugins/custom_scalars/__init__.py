"""The custom_scalars kind: chart layouts a run declares over its scalar tags (several tags on one chart, a value
between bounds), merged across runs into one layout."""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.custom_scalars.decode import decode
from telescope.plugins.custom_scalars.metadata import PLUGIN_NAME

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="tensors", decode=decode)

__all__ = ["plugin"]
