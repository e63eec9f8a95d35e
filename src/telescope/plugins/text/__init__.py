"""The text kind: Markdown notes and tables of strings, one sample per step."""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.text.decode import decode
from telescope.plugins.text.metadata import PLUGIN_NAME

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="tensors", decode=decode)

__all__ = ["plugin"]
