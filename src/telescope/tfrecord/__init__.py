"""Wire format: TFRecord framing with masked CRC-32C, and the protobuf messages of event files.

First stage of the pipeline (event files → ingest → store → query → server). Imports nothing from later stages.
"""

from telescope.tfrecord.crc import masked_crc32c, unmask_crc32c
from telescope.tfrecord.framing import FrameProblem, FrameResult, encode_record, read_frames

__all__ = ["FrameProblem", "FrameResult", "encode_record", "masked_crc32c", "read_frames", "unmask_crc32c"]
