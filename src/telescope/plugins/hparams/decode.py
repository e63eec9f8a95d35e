"""Decoding hparams summary values (docs/event-format §7.1): the payload is the ``HParamsPluginData`` in the
value's own metadata, not its tensor (which is empty, or absent for PyTorch and tensorboardX).

Each value is stored as a 0-d ``object`` array holding the content bytes, checked here to be a version-0
``HParamsPluginData`` holding an experiment, a session's start or a session's end; anything else raises
``ValueError``, which the ingester reports with the file and offset.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from telescope.plugins.hparams.metadata import PLUGIN_NAME, parse_plugin_data
from telescope.tfrecord.proto import hparams_pb2, summary_pb2

__all__ = ["PLUGIN_NAME", "decode", "parse_content"]


def decode(value: summary_pb2.Summary.Value) -> npt.NDArray[np.object_]:
    """The value's plugin content as a 0-d object array of ``bytes`` (ValueError when it is not hparams data)."""
    plugin_data = value.metadata.plugin_data
    if plugin_data.plugin_name != PLUGIN_NAME:
        found = plugin_data.plugin_name or "no plugin metadata"
        raise ValueError(f"an hparams value must carry hparams plugin metadata, not {found!r}")
    content = bytes(plugin_data.content)
    parse_content(content)
    out = np.empty((), dtype=object)
    out[()] = content
    return out


def parse_content(content: bytes) -> hparams_pb2.HParamsPluginData:
    """The ``HParamsPluginData`` in ``content``; ValueError when it is malformed or holds none of the three."""
    data = parse_plugin_data(content)
    if data.WhichOneof("data") is None:
        raise ValueError("the hparams plugin data holds no experiment, session start or session end")
    return data
