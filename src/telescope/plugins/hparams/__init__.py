"""The hparams kind: each trial's hyperparameters, status and metrics, and the experiment that lists them."""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.hparams.decode import decode
from telescope.plugins.hparams.metadata import PLUGIN_NAME

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="tensors", decode=decode, has_dashboard=False)

__all__ = ["plugin"]
