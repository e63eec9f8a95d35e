"""Pure read functions for the images kind (no HTTP): tags, every step of a series with its images, and the
whole kind as a DataFrame (``run, tag, step, wall_time, index, width, height, format, data``). Every step is kept
(TensorBoard keeps 10 per tag). The reading is the one every blob-item kind shares
(:mod:`telescope.plugins.blob_items`)."""

from __future__ import annotations

from typing import Any

from telescope.plugins.blob_items import BlobItemKind, BlobSeries, BlobStep, BlobTag
from telescope.plugins.images.decode import PLUGIN_NAME
from telescope.query import BlobInfo


class ImageStep(BlobStep):
    """The images written at one step by one summary value (a batch), in order."""

    @property
    def images(self) -> list[BlobInfo]:
        return self.items


def _frame_values(info: BlobInfo) -> tuple[Any, ...]:
    meta = info.meta
    return int(meta.get("width", 0)), int(meta.get("height", 0)), str(meta.get("format", ""))


ImageTag = BlobTag
ImageSeries = BlobSeries[ImageStep]

IMAGES = BlobItemKind(
    PLUGIN_NAME,
    noun="image",
    step_type=ImageStep,
    columns=("width", "height", "format"),
    values=_frame_values,
    dtypes={"width": "int64", "height": "int64"},
)

image_series_rows = IMAGES.series_rows
read_tags = IMAGES.read_tags
read_series = IMAGES.read_series
read_frame = IMAGES.read_frame
