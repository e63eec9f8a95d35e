"""Decoding for the embeddings kind: there is nothing to decode. The projector's data is not in event files but
in the files a ``projector_config.pbtxt`` names (docs/event-format §9), read on demand by :mod:`.files`; the
kind claims no plugin name, so no summary value ever reaches :func:`decode`."""

from __future__ import annotations

from typing import NoReturn

from telescope.plugins.embeddings.metadata import PLUGIN_NAME
from telescope.tfrecord.proto import summary_pb2

__all__ = ["DATA_NAMES", "PLUGIN_NAME", "decode"]

DATA_NAMES: tuple[str, ...] = ()


def decode(value: summary_pb2.Summary.Value) -> NoReturn:
    """Always ValueError: a summary value claiming to be an embedding is not one."""
    raise ValueError(f"tag {value.tag!r}: embeddings are read from projector_config.pbtxt files, not event files")
