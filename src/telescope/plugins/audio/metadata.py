"""The audio kind's metadata: plugin name and content, the contract between writer and reader.

Modern audio values are ``DT_STRING`` tensors ``[k, 2]`` (encoded clip, Markdown label) or ``[k]``; the
content's ``encoding`` says how clips are encoded (``WAV`` = ``audio/wav``). Legacy ``Summary.Value.audio``
values carry no metadata (docs/event-format §6.6, §6.3).
"""

from __future__ import annotations

from telescope.plugins.plugin_data import PluginContent
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "audio"
CONTENT = PluginContent(
    PLUGIN_NAME, plugin_data_pb2.AudioPluginData, summary_pb2.DATA_CLASS_BLOB_SEQUENCE, lenient=True
)

WAV = plugin_data_pb2.AudioPluginData.WAV
MIME_TYPES: dict[int, str] = {WAV: "audio/wav"}


def create_metadata(
    *,
    display_name: str = "",
    description: str = "",
    encoding: plugin_data_pb2.AudioPluginData.Encoding = WAV,
    converted_to_tensor: bool = False,
) -> summary_pb2.SummaryMetadata:
    """Metadata for an audio tensor, with the data class set explicitly (BLOB_SEQUENCE)."""
    return CONTENT.metadata(
        display_name=display_name, description=description, encoding=encoding, converted_to_tensor=converted_to_tensor
    )


def parse_plugin_data(content: bytes) -> plugin_data_pb2.AudioPluginData:
    """The plugin content; empty content (tensorboardX) and the JSON text ``{}`` mean all defaults."""
    return CONTENT.parse(content)


def mime_type(data: plugin_data_pb2.AudioPluginData) -> str:
    """The MIME type of clips with this content (``application/octet-stream`` when unknown)."""
    return MIME_TYPES.get(data.encoding, "application/octet-stream")
