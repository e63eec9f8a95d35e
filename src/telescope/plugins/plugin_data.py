"""Building a kind's ``SummaryMetadata`` and reading its plugin content, shared by the kinds' ``metadata.py`` (the
contract between writer and reader, docs/event-format §5.2).

Kinds differ in their content message and in how forgiving they are when reading it: the first kinds'
(images, audio, histograms, text) accept the empty content tensorboardX writes and the JSON text ``{}`` of very
old writers; later kinds (pr_curves, mesh, hparams) check the content's ``version``. A kind whose content is one
versioned message describes it once as a :class:`PluginContent`, which builds its metadata and reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from google.protobuf.message import DecodeError, Message

from telescope.tfrecord.proto import summary_pb2

__all__ = ["PluginContent", "parse_lenient", "parse_message", "parse_versioned", "summary_metadata"]

M = TypeVar("M", bound=Message)


def summary_metadata(
    plugin_name: str,
    content: bytes = b"",
    *,
    display_name: str = "",
    description: str = "",
    data_class: summary_pb2.DataClass = summary_pb2.DATA_CLASS_UNKNOWN,
) -> summary_pb2.SummaryMetadata:
    """Metadata filing a value under ``plugin_name`` with its serialized plugin ``content``; ``data_class`` left
    unknown lets readers infer it."""
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin_name, content=content),
        display_name=display_name,
        summary_description=description,
        data_class=data_class,
    )


def parse_message(cls: type[M], data: bytes, what: str | None = None) -> M:
    """A ``cls`` message from ``data``; ``ValueError`` ("not a serialized <what>", the message's name by default)
    when the bytes are not one."""
    try:
        return cls.FromString(data)
    except DecodeError as e:
        raise ValueError(f"not a serialized {what or cls.__name__}: {e}") from e


def parse_versioned(cls: type[M], content: bytes, *, plugin_name: str, version: int) -> M:
    """The plugin content as ``cls``; ``ValueError`` for bad bytes or a ``version`` other than ``version``."""
    data = parse_message(cls, content)
    found = cast(Any, data).version
    if found != version:
        raise ValueError(f"{plugin_name} plugin data version {found} is not supported (only {version})")
    return data


def parse_lenient(cls: type[M], content: bytes) -> M:
    """The plugin content as ``cls``; empty content (tensorboardX) and the JSON text ``{}`` (very old writers)
    mean all defaults. Other bytes that are not a ``cls`` raise ``DecodeError``."""
    if content.strip() in (b"", b"{}"):
        return cls()
    return cls.FromString(content)


@dataclass(frozen=True)
class PluginContent(Generic[M]):
    """One kind's plugin content: values filed under ``plugin_name`` with ``data_class`` carry a ``message`` whose
    ``version`` field is ``version``. ``lenient`` kinds read with :func:`parse_lenient`, the others with
    :func:`parse_versioned`."""

    plugin_name: str
    message: type[M]
    data_class: summary_pb2.DataClass
    version: int = 0
    lenient: bool = False

    def metadata(self, *, display_name: str = "", description: str = "", **fields: Any) -> summary_pb2.SummaryMetadata:
        """Metadata whose content is a ``message`` of this version with ``fields`` set, the data class explicit."""
        content = self.message(version=self.version, **fields)
        return summary_metadata(
            self.plugin_name,
            content.SerializeToString(),
            display_name=display_name,
            description=description,
            data_class=self.data_class,
        )

    def parse(self, content: bytes) -> M:
        """The plugin content as ``message``, read leniently or with its version checked (see the class)."""
        if self.lenient:
            return parse_lenient(self.message, content)
        return parse_versioned(self.message, content, plugin_name=self.plugin_name, version=self.version)
