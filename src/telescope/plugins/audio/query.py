"""Pure read functions for the audio kind (no HTTP): tags, every step of a series with its clips, and the whole
kind as a DataFrame (``run, tag, step, wall_time, index, sample_rate, label, data``). Every step is kept
(TensorBoard keeps 10 per tag). The reading is the one every blob-item kind shares
(:mod:`telescope.plugins.blob_items`)."""

from __future__ import annotations

from typing import Any

from telescope.plugins.audio.decode import PLUGIN_NAME
from telescope.plugins.blob_items import BlobItemKind, BlobSeries, BlobStep, BlobTag
from telescope.query import BlobInfo


class AudioStep(BlobStep):
    """The clips written at one step by one summary value, in order."""

    @property
    def clips(self) -> list[BlobInfo]:
        return self.items


def _frame_values(info: BlobInfo) -> tuple[Any, ...]:
    return info.meta.get("sample_rate"), str(info.meta.get("label", ""))


AudioTag = BlobTag
AudioSeries = BlobSeries[AudioStep]

AUDIO = BlobItemKind(
    PLUGIN_NAME,
    noun="audio",
    step_type=AudioStep,
    columns=("sample_rate", "label"),
    values=_frame_values,
    dtypes={"sample_rate": "float64"},
)

audio_series_rows = AUDIO.series_rows
read_tags = AUDIO.read_tags
read_series = AUDIO.read_series
read_frame = AUDIO.read_frame
