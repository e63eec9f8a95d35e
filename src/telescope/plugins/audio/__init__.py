"""The audio kind: encoded clips (WAV, also Ogg, FLAC, MP3) per step, several per step for a batch."""

from __future__ import annotations

from telescope.plugins.audio.decode import PLUGIN_NAME, decode
from telescope.plugins.base import FrameKindPlugin

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="blobs", decode=decode)

__all__ = ["plugin"]
