"""The scalars plugin's metadata: the contract between writer and reader (plugin name, content, data class)."""

from __future__ import annotations

from telescope.plugins.plugin_data import summary_metadata
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "scalars"
PROTO_VERSION = 0


def create_metadata(*, display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata for a tensor-form scalar (rank-0 DT_FLOAT), with the data class set explicitly."""
    content = plugin_data_pb2.ScalarPluginData(version=PROTO_VERSION).SerializeToString()
    return summary_metadata(
        PLUGIN_NAME,
        content,
        display_name=display_name,
        description=description,
        data_class=summary_pb2.DATA_CLASS_SCALAR,
    )
