"""The audio kind: encoded clips (WAV, also Ogg, FLAC, MP3) per step, several per step for a batch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.audio.decode import PLUGIN_NAME, decode

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store


class AudioPlugin:
    name = PLUGIN_NAME
    storage_class = "blobs"
    has_dashboard = False
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.audio.routes import router

        return router

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        from telescope.plugins.audio.sample import write_sample

        return write_sample(log_dir)

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.audio.sample import read_sample

        return read_sample(store)

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        from telescope.plugins.audio.query import read_frame

        return read_frame(store, **options)


plugin = AudioPlugin()

__all__ = ["plugin"]
