"""The writer: event files that TensorBoard and Telescope read, with the ``torch.utils.tensorboard`` API.

Second stage of the pipeline (training script → **writer** → event files). Imports no server code, no SQL.
"""

from telescope.writer.event_file import EventFileWriter
from telescope.writer.summary_writer import SummaryWriter

__all__ = ["EventFileWriter", "SummaryWriter"]
