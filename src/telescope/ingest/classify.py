"""Which plugin owns a series and which storage class keeps it (docs/event-format §6.2).

Decided once, from the first value seen for each (run, tag); later values do not change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from telescope.plugins import decoder_for
from telescope.tfrecord.proto import summary_pb2

_CLASS_BY_DATA_CLASS = {
    summary_pb2.DATA_CLASS_SCALAR: "scalars",
    summary_pb2.DATA_CLASS_TENSOR: "tensors",
    summary_pb2.DATA_CLASS_BLOB_SEQUENCE: "blobs",
}

_CLASS_BY_PLUGIN = {
    "scalars": "scalars",
    "histograms": "tensors",
    "text": "tensors",
    "hparams": "tensors",
    "pr_curves": "tensors",
    "mesh": "tensors",
    "custom_scalars": "tensors",
    "images": "blobs",
    "audio": "blobs",
    "graph_run_metadata": "blobs",
    "graph_run_metadata_graph": "blobs",
    "graph_keras_model": "blobs",
}


@dataclass(frozen=True)
class SeriesKind:
    plugin: str  # "" when no plugin claims the data
    storage_class: str  # "scalars" | "tensors" | "blobs" | "unknown"
    display_name: str
    description: str
    content: bytes


def classify(value: summary_pb2.Summary.Value, tag: str) -> SeriesKind:
    """Plugin and storage class of the series whose first value is ``value``.

    Legacy values (``simple_value``, ``image``, ``audio``, ``histo``) without a display name take the tag as
    their display name, as TensorBoard does when it converts them to the tensor form.
    """
    md = value.metadata
    plugin = md.plugin_data.plugin_name
    which = value.WhichOneof("value")
    display = md.display_name
    description = md.summary_description
    content = bytes(md.plugin_data.content)
    if md.data_class != summary_pb2.DATA_CLASS_UNKNOWN:
        storage = _CLASS_BY_DATA_CLASS.get(md.data_class, "unknown")
    elif which == "simple_value":
        plugin, storage = "scalars", "scalars"
    elif which == "image":
        plugin, storage = "images", "blobs"
    elif which == "audio":
        plugin, storage = "audio", "blobs"
    elif which == "histo":
        plugin, storage = "histograms", "tensors"
    elif plugin in _CLASS_BY_PLUGIN:
        storage = _CLASS_BY_PLUGIN[plugin]
    else:
        # A kind registered by a third-party plugin, or data no kind claims: kept as an opaque tensor.
        owner = decoder_for(plugin) if plugin else None
        storage = owner.storage_class if owner is not None else "tensors" if which == "tensor" else "unknown"
    if which in ("simple_value", "image", "audio", "histo") and not display:
        display = tag
    return SeriesKind(
        plugin=plugin, storage_class=storage, display_name=display, description=description, content=content
    )
