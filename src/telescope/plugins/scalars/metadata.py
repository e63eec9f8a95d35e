"""The scalars plugin's metadata: the contract between writer and reader (plugin name, content, data class)."""

from __future__ import annotations

from telescope.plugins.plugin_data import PluginContent
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "scalars"
CONTENT = PluginContent(PLUGIN_NAME, plugin_data_pb2.ScalarPluginData, summary_pb2.DATA_CLASS_SCALAR)


def create_metadata(*, display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata for a tensor-form scalar (rank-0 DT_FLOAT), with the data class set explicitly."""
    return CONTENT.metadata(display_name=display_name, description=description)
