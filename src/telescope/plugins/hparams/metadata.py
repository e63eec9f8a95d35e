"""The hparams kind's metadata: the contract between the writer and the reader (docs/event-format §7).

Three tags carry an ``HParamsPluginData`` in ``PluginData.content``: ``_hparams_/experiment`` (the list of
hyperparameters and metrics), ``_hparams_/session_start_info`` (one trial's values) and
``_hparams_/session_end_info`` (its status). The values' tensor is an empty ``DT_FLOAT`` ``[0]``; the metric
values themselves are ordinary scalars in the trial's run.
"""

from __future__ import annotations

import numpy as np

from telescope.plugins.plugin_data import parse_versioned, summary_metadata
from telescope.plugins.values import tensor_proto
from telescope.tfrecord.proto import hparams_pb2, summary_pb2, tensor_pb2, types_pb2

PLUGIN_NAME = "hparams"
PLUGIN_DATA_VERSION = 0

EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_INFO_TAG = "_hparams_/session_start_info"
SESSION_END_INFO_TAG = "_hparams_/session_end_info"


def null_tensor() -> tensor_pb2.TensorProto:
    """The empty ``DT_FLOAT`` tensor of shape ``[0]`` that hparams values carry."""
    return tensor_proto(np.zeros(0, dtype=np.float32), dtype=types_pb2.DT_FLOAT)


def create_metadata(plugin_data: hparams_pb2.HParamsPluginData) -> summary_pb2.SummaryMetadata:
    """Metadata holding a copy of ``plugin_data`` (its version set to 0), with the data class set explicitly."""
    content = hparams_pb2.HParamsPluginData()
    content.CopyFrom(plugin_data)
    content.version = PLUGIN_DATA_VERSION
    # Deterministic: map entries (the hyperparameter values) sorted by key, the same bytes every time.
    return summary_metadata(
        PLUGIN_NAME, content.SerializeToString(deterministic=True), data_class=summary_pb2.DATA_CLASS_TENSOR
    )


def parse_plugin_data(content: bytes) -> hparams_pb2.HParamsPluginData:
    """The ``HParamsPluginData`` in ``PluginData.content``; ``ValueError`` for bad bytes or a version other than 0."""
    return parse_versioned(hparams_pb2.HParamsPluginData, content, plugin_name=PLUGIN_NAME, version=PLUGIN_DATA_VERSION)


def parse_experiment(content: bytes) -> hparams_pb2.Experiment:
    """The ``Experiment`` of an ``_hparams_/experiment`` value (``ValueError`` when content holds another member)."""
    return _holding(content, "experiment").experiment


def parse_session_start_info(content: bytes) -> hparams_pb2.SessionStartInfo:
    """The ``SessionStartInfo`` of an ``_hparams_/session_start_info`` value."""
    return _holding(content, "session_start_info").session_start_info


def parse_session_end_info(content: bytes) -> hparams_pb2.SessionEndInfo:
    """The ``SessionEndInfo`` of an ``_hparams_/session_end_info`` value."""
    return _holding(content, "session_end_info").session_end_info


def _holding(content: bytes, member: str) -> hparams_pb2.HParamsPluginData:
    data = parse_plugin_data(content)
    found = data.WhichOneof("data")
    if found != member:
        raise ValueError(f"hparams plugin data holds {found!r}, expected {member!r}")
    return data
