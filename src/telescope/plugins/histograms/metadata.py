"""The histograms kind's metadata: plugin name and content, the contract between writer and reader.

Modern histogram values are ``[k, 3]`` float tensors of ``(left edge, right edge, count)`` rows with this
metadata (docs/event-format §6.7); legacy ``Summary.Value.histo`` values carry no metadata and are converted by
readers (§6.3). ``distributions`` is a view over the same data.
"""

from __future__ import annotations

from telescope.plugins.plugin_data import parse_lenient, summary_metadata
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "histograms"
PROTO_VERSION = 0


def create_metadata(*, display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata for a ``[k, 3]`` bucket tensor, with the data class set explicitly (TENSOR)."""
    content = plugin_data_pb2.HistogramPluginData(version=PROTO_VERSION).SerializeToString()
    return summary_metadata(
        PLUGIN_NAME,
        content,
        display_name=display_name,
        description=description,
        data_class=summary_pb2.DATA_CLASS_TENSOR,
    )


def parse_plugin_data(content: bytes) -> plugin_data_pb2.HistogramPluginData:
    """The plugin content; empty content and the JSON text ``{}`` of very old writers mean all defaults."""
    return parse_lenient(plugin_data_pb2.HistogramPluginData, content)
