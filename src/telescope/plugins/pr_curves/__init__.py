"""The pr_curves kind: precision-recall curves of a binary classifier, one curve per step."""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.pr_curves.decode import decode
from telescope.plugins.pr_curves.metadata import PLUGIN_NAME

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="tensors", decode=decode)

__all__ = ["plugin"]
