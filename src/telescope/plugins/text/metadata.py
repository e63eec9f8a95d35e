"""The text kind's metadata: plugin name and content, the contract between writer and reader.

Text values are ``DT_STRING`` tensors of any shape holding UTF-8 Markdown (docs/event-format §6.8).
"""

from __future__ import annotations

from telescope.plugins.plugin_data import PluginContent
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "text"
CONTENT = PluginContent(PLUGIN_NAME, plugin_data_pb2.TextPluginData, summary_pb2.DATA_CLASS_TENSOR, lenient=True)


def create_metadata(*, display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata for a string tensor, with the data class set explicitly (TENSOR)."""
    return CONTENT.metadata(display_name=display_name, description=description)


def parse_plugin_data(content: bytes) -> plugin_data_pb2.TextPluginData:
    """The plugin content; empty content and the JSON text ``{}`` of very old writers mean all defaults."""
    return CONTENT.parse(content)
