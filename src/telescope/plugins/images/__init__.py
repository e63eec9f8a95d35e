"""The images kind: encoded images (PNG, JPEG, GIF, BMP, WebP) per step, several per step for a batch."""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.images.decode import PLUGIN_NAME, decode

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="blobs", decode=decode)

__all__ = ["plugin"]
