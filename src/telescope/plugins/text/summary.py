"""Writer side of the text kind: ``Summary`` values holding Markdown strings.

Pure functions used by ``SummaryWriter.add_text`` (training script → **writer** → event files): a ``DT_STRING``
tensor of UTF-8 Markdown with plugin ``text`` (docs/event-format §6.8). A single string is one document; a 1-D
or 2-D array of strings is shown as a table.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from telescope.plugins.text.metadata import create_metadata
from telescope.plugins.values import tensor_proto, tensor_summary
from telescope.tfrecord.proto import summary_pb2, types_pb2

__all__ = ["text"]


def text(tag: str, data: Any, *, display_name: str = "", description: str = "") -> summary_pb2.Summary:
    """A text value: ``data`` is a ``str`` (rank 0) or an array/list of strings of any shape."""
    # np.array(str) would be a 0-d unicode array; dtype=object keeps str and bytes items as they are.
    arr = np.array(data, dtype=object) if isinstance(data, (str, bytes)) else np.asarray(data, dtype=object)
    return tensor_summary(
        tag,
        tensor_proto(arr, dtype=types_pb2.DT_STRING),
        create_metadata(display_name=display_name, description=description),
    )
