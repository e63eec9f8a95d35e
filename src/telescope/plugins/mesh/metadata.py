"""The mesh kind's metadata: the contract between the writer and the reader (docs/event-format §6.11).

One mesh is up to three values (vertices, faces, colors), each a ``[B, N, 3]`` tensor tagged
``<name>_VERTEX`` / ``<name>_FACE`` / ``<name>_COLOR`` and tied together by ``MeshPluginData.name``;
``components`` is the bit mask of the parts present.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telescope.plugins.plugin_data import PluginContent
from telescope.tfrecord.proto import plugin_data_pb2, summary_pb2

PLUGIN_NAME = "mesh"
CONTENT = PluginContent(PLUGIN_NAME, plugin_data_pb2.MeshPluginData, summary_pb2.DATA_CLASS_TENSOR)

ContentType = plugin_data_pb2.MeshPluginData.ContentType
VERTEX = plugin_data_pb2.MeshPluginData.VERTEX
FACE = plugin_data_pb2.MeshPluginData.FACE
COLOR = plugin_data_pb2.MeshPluginData.COLOR
# Old files leave ``components`` at 0, which means all three parts.
ALL_COMPONENTS = (1 << VERTEX) | (1 << FACE) | (1 << COLOR)


def components_bitmask(content_types: Iterable[int]) -> int:
    """The ``components`` mask for the given parts: OR of ``1 << content_type``."""
    mask = 0
    for content_type in content_types:
        if content_type not in (VERTEX, FACE, COLOR):
            raise ValueError(f"not a mesh part: content type {content_type}")
        mask |= 1 << content_type
    return mask


def instance_tag(name: str, content_type: int) -> str:
    """The tag of one part of mesh ``name``, e.g. ``cloud_VERTEX``."""
    return f"{name}_{ContentType.Name(content_type)}"


def create_metadata(
    name: str,
    content_type: int,
    *,
    components: int,
    shape: Sequence[int],
    json_config: str = "{}",
    display_name: str = "",
    description: str = "",
) -> summary_pb2.SummaryMetadata:
    """Metadata for one part of mesh ``name``, with the data class set explicitly."""
    if len(shape) != 3:
        raise ValueError(f"a mesh tensor has shape [B, N, 3], got {list(shape)}")
    return CONTENT.metadata(
        display_name=display_name,
        description=description,
        name=name,
        content_type=content_type,
        json_config=json_config,
        shape=[int(d) for d in shape],
        components=components,
    )


def parse_plugin_data(content: bytes) -> plugin_data_pb2.MeshPluginData:
    """The ``MeshPluginData`` in ``PluginData.content``; ``components`` 0 (old files) becomes all three parts.

    Raises ``ValueError`` for bad bytes or an unknown version.
    """
    data = CONTENT.parse(content)
    if data.components == 0:
        data.components = ALL_COMPONENTS
    return data
