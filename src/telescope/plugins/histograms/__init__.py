"""The histograms kind: the distribution of a tensor's values per step (weights, activations, gradients).

Also serves the distributions view (percentiles per step), which TensorBoard shows as a separate dashboard over
the same data.
"""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.histograms.decode import decode
from telescope.plugins.histograms.metadata import PLUGIN_NAME

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="tensors", decode=decode)

__all__ = ["plugin"]
