"""The images kind's metadata: plugin name and content, the contract between writer and reader.

Modern image values are ``DT_STRING`` tensors ``[width, height, img_0, ...]`` (ASCII sizes, then encoded
images) with this metadata; legacy ``Summary.Value.image`` values carry none, and readers mark what they
convert from them with ``converted_to_tensor`` (docs/event-format §6.5, §6.3).
"""

from __future__ import annotations

from telescope.plugins.plugin_data import PluginContent
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "images"
CONTENT = PluginContent(
    PLUGIN_NAME, plugin_data_pb2.ImagePluginData, summary_pb2.DATA_CLASS_BLOB_SEQUENCE, lenient=True
)


def create_metadata(
    *, display_name: str = "", description: str = "", converted_to_tensor: bool = False
) -> summary_pb2.SummaryMetadata:
    """Metadata for an image tensor, with the data class set explicitly (BLOB_SEQUENCE)."""
    return CONTENT.metadata(display_name=display_name, description=description, converted_to_tensor=converted_to_tensor)


def parse_plugin_data(content: bytes) -> plugin_data_pb2.ImagePluginData:
    """The plugin content; empty content (tensorboardX) and the JSON text ``{}`` mean all defaults."""
    return CONTENT.parse(content)
