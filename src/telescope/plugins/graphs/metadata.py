"""The graphs kind's metadata: the contract between the writer and the reader (docs/event-format §8).

Graphs reach event files in several forms, each with its own plugin name as readers file it:

* an op graph: ``Event.graph_def`` (a serialized ``GraphDef``), filed under tag ``__run_graph__``, plugin
  ``graphs``;
* a profile: ``Event.tagged_run_metadata`` (a serialized ``RunMetadata`` and a tag; PyTorch's ``add_graph``
  uses ``step1``), plugin ``graph_tagged_run_metadata``;
* a Keras model config: a summary value tagged ``keras``, plugin ``graph_keras_model``, content ``b"1"``,
  a rank-0 ``DT_STRING`` tensor holding ``model.to_json()``;
* TF2 traces: plugins ``graph_run_metadata`` and ``graph_run_metadata_graph`` (content ``b"1"``, a rank-0
  ``DT_STRING`` tensor holding a serialized ``RunMetadata``).
"""

from __future__ import annotations

from telescope.plugins.plugin_data import parse_message, summary_metadata
from telescope.tfrecord.proto import graph_pb2, run_metadata_pb2, summary_pb2

PLUGIN_NAME = "graphs"
PLUGIN_NAME_KERAS_MODEL = "graph_keras_model"
PLUGIN_NAME_RUN_METADATA = "graph_run_metadata"
PLUGIN_NAME_RUN_METADATA_WITH_GRAPH = "graph_run_metadata_graph"
PLUGIN_NAME_TAGGED_RUN_METADATA = "graph_tagged_run_metadata"

RUN_GRAPH_TAG = "__run_graph__"
KERAS_MODEL_TAG = "keras"
# The tag PyTorch's add_graph gives the run metadata it writes beside the op graph.
TAGGED_RUN_METADATA_TAG = "step1"
# The content every graph sub-plugin writes: the ASCII digit one, not a serialized proto.
SUB_PLUGIN_CONTENT = b"1"
# GraphDef.versions.producer written with PyTorch-traced graphs, as torch.utils.tensorboard writes it.
GRAPH_PRODUCER = 22


def create_keras_model_metadata() -> summary_pb2.SummaryMetadata:
    """Metadata for a Keras model config value.

    The data class is left unset, as Keras writes it: readers then infer BLOB_SEQUENCE and turn the rank-0
    tensor into a one-element sequence, which they skip when the class is set explicitly.
    """
    return summary_metadata(PLUGIN_NAME_KERAS_MODEL, SUB_PLUGIN_CONTENT)


def parse_graph_def(data: bytes) -> graph_pb2.GraphDef:
    """The ``GraphDef`` in ``Event.graph_def`` (raises ``ValueError`` when the bytes are not one)."""
    return parse_message(graph_pb2.GraphDef, data)


def parse_run_metadata(data: bytes) -> run_metadata_pb2.RunMetadata:
    """The ``RunMetadata`` in ``TaggedRunMetadata.run_metadata`` or a graph_run_metadata* tensor."""
    return parse_message(run_metadata_pb2.RunMetadata, data)
