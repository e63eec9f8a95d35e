"""The pr_curves kind's metadata: the contract between the writer and the reader (docs/event-format §6.9).

A PR curve is one ``DT_FLOAT`` tensor of shape ``[6, N]`` whose rows are, in order, true positives, false
positives, true negatives, false negatives, precision and recall; column ``i`` belongs to the threshold
``i / (N - 1)``. The plugin content is a ``PrCurvePluginData`` carrying ``N``.
"""

from __future__ import annotations

from telescope.plugins.plugin_data import PluginContent
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "pr_curves"
CONTENT = PluginContent(PLUGIN_NAME, plugin_data_pb2.PrCurvePluginData, summary_pb2.DATA_CLASS_TENSOR)

# Row of each quantity in the [6, N] tensor.
TRUE_POSITIVES_ROW = 0
FALSE_POSITIVES_ROW = 1
TRUE_NEGATIVES_ROW = 2
FALSE_NEGATIVES_ROW = 3
PRECISION_ROW = 4
RECALL_ROW = 5
ROW_NAMES = ("true_positives", "false_positives", "true_negatives", "false_negatives", "precision", "recall")


def create_metadata(
    *, num_thresholds: int, display_name: str = "", description: str = ""
) -> summary_pb2.SummaryMetadata:
    """Metadata for a ``[6, num_thresholds]`` PR-curve tensor, with the data class set explicitly."""
    return CONTENT.metadata(display_name=display_name, description=description, num_thresholds=num_thresholds)


def parse_plugin_data(content: bytes) -> plugin_data_pb2.PrCurvePluginData:
    """The ``PrCurvePluginData`` in ``PluginData.content`` (raises ``ValueError`` for bad bytes or an unknown version).

    ``num_thresholds`` may be 0 in files from writers that left it out; the tensor's column count is then
    the number of thresholds.
    """
    return CONTENT.parse(content)
