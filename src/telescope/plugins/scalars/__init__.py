"""The scalars kind: one number per step (loss, accuracy, learning rate, any metric)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telescope.plugins.scalars.decode import decode
from telescope.plugins.scalars.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from fastapi import APIRouter


class ScalarsPlugin:
    name = PLUGIN_NAME
    storage_class = "scalars"
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.scalars.routes import router

        return router


plugin = ScalarsPlugin()

__all__ = ["plugin"]
