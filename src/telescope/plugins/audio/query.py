"""Pure read functions for the audio kind (no HTTP): tags, every step of a series with its clips, and the whole
kind as a DataFrame. Every step is kept (TensorBoard keeps 10 per tag)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telescope.errors import BadRequest, NotFound
from telescope.plugins.audio.decode import PLUGIN_NAME
from telescope.query import BlobInfo, list_blobs_many, read_blob
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

FRAME_COLUMNS = ["run", "tag", "step", "wall_time", "index", "sample_rate", "label", "data"]


@dataclass(frozen=True)
class AudioStep:
    """The clips written at one step by one summary value, in order."""

    step: int
    wall_time: float
    clips: list[BlobInfo]


@dataclass(frozen=True)
class AudioTag:
    run: str
    tag: str
    display_name: str
    description: str
    steps: int  # how many steps hold clips
    samples: int  # the most clips written at one step


@dataclass(frozen=True)
class AudioSeries:
    run: str
    tag: str
    display_name: str
    description: str
    steps: list[AudioStep]


def audio_series_rows(store: Store, *, run: str | None = None, tag: str | None = None) -> list[SeriesRow]:
    """The audio series (of ``run`` and ``tag`` when given); NotFound names what is unknown."""
    rows = store.list_series(plugin=PLUGIN_NAME, run=run, tag=tag)
    if not rows and (run is not None or tag is not None):
        if run is not None and run not in {r.name for r in store.list_runs()}:
            raise NotFound(f"No run named {run!r}.", code="unknown_run")
        where = f" in run {run!r}" if run is not None else ""
        raise NotFound(f"No audio tag {tag!r}{where}.", code="unknown_tag")
    return rows


def check_runs(store: Store, runs: Sequence[str]) -> None:
    """NotFound for the first of ``runs`` that the logdir does not hold."""
    known = {r.name for r in store.list_runs()}
    for r in runs:
        if r not in known:
            raise NotFound(f"No run named {r!r}.", code="unknown_run")


def group_steps(items: Sequence[BlobInfo]) -> list[AudioStep]:
    """Items (sorted by step, then as written) grouped into the values that wrote them: a value's items are
    numbered from 0, so a new group starts at index 0 or at a new step."""
    groups: list[AudioStep] = []
    for info in items:
        if not groups or info.index == 0 or info.step != groups[-1].step:
            groups.append(AudioStep(info.step, info.wall_time, []))
        groups[-1].clips.append(info)
    return groups


def read_tags(store: Store) -> list[AudioTag]:
    """Every audio tag of every run, with how many steps and clips per step it holds."""
    rows = audio_series_rows(store)
    out = []
    for row, items in zip(rows, list_blobs_many(store, rows), strict=True):
        steps = group_steps(items)
        out.append(
            AudioTag(
                run=row.run,
                tag=row.tag,
                display_name=row.display_name,
                description=row.description,
                steps=len(steps),
                samples=max((len(s.clips) for s in steps), default=0),
            )
        )
    return out


def read_series(
    store: Store, *, run: str, tag: str, min_step: int | None = None, max_step: int | None = None
) -> AudioSeries:
    """Every step of one audio series in ``[min_step, max_step]``, with its clips."""
    if min_step is not None and max_step is not None and min_step > max_step:
        raise BadRequest(f"min_step ({min_step}) is greater than max_step ({max_step}).", code="bad_parameter")
    (row,) = audio_series_rows(store, run=run, tag=tag)
    (items,) = list_blobs_many(store, [row], min_step=min_step, max_step=max_step)
    return AudioSeries(row.run, row.tag, row.display_name, row.description, group_steps(items))


def read_frame(store: Store, **options: Any) -> pd.DataFrame:
    """Every clip, one row each: ``run, tag, step, wall_time, index, sample_rate, label, data``."""
    import pandas as pd

    if options:
        raise TypeError(f"read_audio takes no options {sorted(options)}")
    rows = audio_series_rows(store)
    records = [
        (
            row.run,
            row.tag,
            info.step,
            info.wall_time,
            info.index,
            info.meta.get("sample_rate"),
            str(info.meta.get("label", "")),
            read_blob(store, info.id),
        )
        for row, items in sorted(
            zip(rows, list_blobs_many(store, rows), strict=True), key=lambda p: (p[0].run, p[0].tag)
        )
        for info in items
    ]
    frame = pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)
    return frame.astype({"step": "int64", "wall_time": "float64", "index": "int64", "sample_rate": "float64"})
