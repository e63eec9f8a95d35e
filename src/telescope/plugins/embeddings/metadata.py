"""The embeddings kind's metadata: the contract between the writer and the reader (docs/event-format §9).

Embeddings are not in event files. A run's ``projector_config.pbtxt`` (protobuf text format of
``ProjectorConfig``) lists them; each entry points, relative to the config's directory, at a TSV of vectors,
optionally a TSV of labels and a sprite image. The writer puts each embedding in ``<step:05d>/<tag>/`` with
the tag percent-encoded, as ``torch.utils.tensorboard`` does, and names it ``<tag>:<step:05d>``.
"""

from __future__ import annotations

from google.protobuf import text_format

from telescope.tfrecord.proto import projector_config_pb2

PLUGIN_NAME = "embeddings"
# TensorBoard's name for the same kind, and where TensorBoard also looks for a config inside a run.
TENSORBOARD_PLUGIN_NAME = "projector"
PLUGIN_ASSETS_DIR = "plugins/org_tensorflow_tensorboard_projector"
CONFIG_FILENAME = "projector_config.pbtxt"
TENSORS_FILENAME = "tensors.tsv"
METADATA_FILENAME = "metadata.tsv"
SPRITE_FILENAME = "sprite.png"


def encode_tag(tag: str) -> str:
    """``tag`` made safe as one directory name: ``%``, ``/`` and ``\\`` become ``%25``, ``%2f``, ``%5c``."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def embedding_dir(step: int, tag: str) -> str:
    """The directory of one embedding relative to the config, e.g. ``00010/word%2fvectors``."""
    return f"{step:05d}/{encode_tag(tag)}"


def tensor_name(step: int, tag: str) -> str:
    """The name the projector shows for one embedding, e.g. ``words:00010``."""
    return f"{tag}:{step:05d}"


def parse_config(text: str) -> projector_config_pb2.ProjectorConfig:
    """A ``ProjectorConfig`` from the text of a ``projector_config.pbtxt`` (``ValueError`` when it is not one)."""
    try:
        return text_format.Parse(text, projector_config_pb2.ProjectorConfig())
    except text_format.ParseError as e:
        raise ValueError(f"not a projector config: {e}") from e


def format_config(config: projector_config_pb2.ProjectorConfig) -> str:
    """The text of ``projector_config.pbtxt`` for ``config``."""
    return text_format.MessageToString(config)


def merge_embedding(config: projector_config_pb2.ProjectorConfig, info: projector_config_pb2.EmbeddingInfo) -> None:
    """Put ``info`` in ``config``: in place of the entry with the same tensor name, else at the end."""
    for existing in config.embeddings:
        if existing.tensor_name == info.tensor_name:
            existing.CopyFrom(info)
            return
    config.embeddings.append(info)
