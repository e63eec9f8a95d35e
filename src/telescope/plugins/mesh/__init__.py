"""The mesh kind: 3-D meshes and point clouds (vertices, optional faces and colors) per step, shown with three.js."""

from __future__ import annotations

from telescope.plugins.base import FrameKindPlugin
from telescope.plugins.mesh.decode import decode
from telescope.plugins.mesh.metadata import PLUGIN_NAME

plugin = FrameKindPlugin(PLUGIN_NAME, storage_class="tensors", decode=decode, has_dashboard=False)

__all__ = ["plugin"]
