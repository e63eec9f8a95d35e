"""The hparams kind: each trial's hyperparameters, status and metrics, and the experiment that lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telescope.plugins.hparams.decode import decode
from telescope.plugins.hparams.metadata import PLUGIN_NAME

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store


class HParamsPlugin:
    name = PLUGIN_NAME
    storage_class = "tensors"
    has_dashboard = False
    decode = staticmethod(decode)

    def router(self) -> APIRouter:
        from telescope.plugins.hparams.routes import router

        return router

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        from telescope.plugins.hparams.sample import write_sample

        return write_sample(log_dir)

    def read_sample(self, store: Store) -> dict[Any, Any]:
        from telescope.plugins.hparams.sample import read_sample

        return read_sample(store)

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        from telescope.plugins.hparams.query import read_frame

        return read_frame(store, **options)


plugin = HParamsPlugin()

__all__ = ["plugin"]
