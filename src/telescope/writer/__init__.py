"""The writer: event files that TensorBoard and Telescope read, with the ``torch.utils.tensorboard`` API.

Second stage of the pipeline (training script → **writer** → event files). Imports no server code, no SQL, and
no numpy until a method that needs it is called.

* :mod:`~telescope.writer.summary_writer`: ``SummaryWriter``, the methods a training script calls;
* :mod:`~telescope.writer.async_writer`: the bounded queue and the background thread that writes;
* :mod:`~telescope.writer.event_file`: one event file (name, first record, whole-record appends);
* :mod:`~telescope.writer.records`: events and TFRecord frames built with ``struct``.
"""

from telescope.writer.async_writer import AsyncWriter, WriterError
from telescope.writer.event_file import EventFile
from telescope.writer.summary_writer import SummaryWriter

__all__ = ["AsyncWriter", "EventFile", "SummaryWriter", "WriterError"]
