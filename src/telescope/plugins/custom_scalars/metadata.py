"""The custom_scalars kind's metadata: the contract between the writer and the reader (docs/event-format §6.10).

A run's custom-scalars layout is one value with tag ``custom_scalars__config__``, plugin ``custom_scalars``
(empty content) and a rank-0 ``DT_STRING`` tensor whose single string is a serialized ``Layout``.
"""

from __future__ import annotations

from telescope.plugins.plugin_data import parse_message, summary_metadata
from telescope.tfrecord.proto import layout_pb2, summary_pb2

PLUGIN_NAME = "custom_scalars"
CONFIG_TAG = "custom_scalars__config__"


def create_metadata() -> summary_pb2.SummaryMetadata:
    """Metadata for the layout value, with the data class set explicitly."""
    return summary_metadata(PLUGIN_NAME, data_class=summary_pb2.DATA_CLASS_TENSOR)


def parse_layout(data: bytes) -> layout_pb2.Layout:
    """The ``Layout`` serialized in the config tensor's string (raises ``ValueError`` when it is not one)."""
    return parse_message(layout_pb2.Layout, data, "custom-scalars Layout")
