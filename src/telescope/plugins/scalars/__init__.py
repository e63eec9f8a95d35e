"""The scalars kind: one number per step (loss, accuracy, learning rate, any metric)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.scalars.decode import decode
from telescope.plugins.scalars.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import APIRouter

    from telescope.store import Store


class ScalarsPlugin:
    name = PLUGIN_NAME
    storage_class = "scalars"
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.scalars.routes import router

        return router

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        from telescope.plugins.scalars.sample import write_sample

        return write_sample(log_dir)

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.scalars.sample import read_sample

        return read_sample(store)


plugin = ScalarsPlugin()

__all__ = ["plugin"]
