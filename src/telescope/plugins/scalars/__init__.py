"""The scalars kind: one number per step (loss, accuracy, learning rate, any metric)."""

from __future__ import annotations

from telescope.plugins.base import KindPlugin
from telescope.plugins.scalars.decode import decode
from telescope.plugins.scalars.metadata import PLUGIN_NAME

plugin = KindPlugin(PLUGIN_NAME, storage_class="scalars", decode=decode)

__all__ = ["plugin"]
