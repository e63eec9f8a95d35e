"""The histograms kind's metadata: plugin name and content, the contract between writer and reader.

Modern histogram values are ``[k, 3]`` float tensors of ``(left edge, right edge, count)`` rows with this
metadata (docs/event-format §6.7); legacy ``Summary.Value.histo`` values carry no metadata and are converted by
readers (§6.3). ``distributions`` is a view over the same data.
"""

from __future__ import annotations

from telescope.plugins.plugin_data import PluginContent
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "histograms"
CONTENT = PluginContent(PLUGIN_NAME, plugin_data_pb2.HistogramPluginData, summary_pb2.DATA_CLASS_TENSOR, lenient=True)


def create_metadata(*, display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata for a ``[k, 3]`` bucket tensor, with the data class set explicitly (TENSOR)."""
    return CONTENT.metadata(display_name=display_name, description=description)


def parse_plugin_data(content: bytes) -> plugin_data_pb2.HistogramPluginData:
    """The plugin content; empty content and the JSON text ``{}`` of very old writers mean all defaults."""
    return CONTENT.parse(content)
