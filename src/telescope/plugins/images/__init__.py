"""The images kind: encoded images (PNG, JPEG, GIF, BMP, WebP) per step, several per step for a batch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.images.decode import PLUGIN_NAME, decode

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store


class ImagesPlugin:
    name = PLUGIN_NAME
    storage_class = "blobs"
    has_dashboard = False
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.images.routes import router

        return router

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        from telescope.plugins.images.sample import write_sample

        return write_sample(log_dir)

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.images.sample import read_sample

        return read_sample(store)

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        from telescope.plugins.images.query import read_frame

        return read_frame(store, **options)


plugin = ImagesPlugin()

__all__ = ["plugin"]
