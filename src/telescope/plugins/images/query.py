"""Pure read functions for the images kind (no HTTP): tags, every step of a series with its images, and the
whole kind as a DataFrame. Every step is kept (TensorBoard keeps 10 per tag)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telescope.errors import BadRequest, NotFound
from telescope.plugins.images.decode import PLUGIN_NAME
from telescope.query import BlobInfo, list_blobs_many, read_blob
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

FRAME_COLUMNS = ["run", "tag", "step", "wall_time", "index", "width", "height", "format", "data"]


@dataclass(frozen=True)
class ImageStep:
    """The images written at one step by one summary value (a batch), in order."""

    step: int
    wall_time: float
    images: list[BlobInfo]


@dataclass(frozen=True)
class ImageTag:
    run: str
    tag: str
    display_name: str
    description: str
    steps: int  # how many steps hold images
    samples: int  # the most images written at one step


@dataclass(frozen=True)
class ImageSeries:
    run: str
    tag: str
    display_name: str
    description: str
    steps: list[ImageStep]


def image_series_rows(store: Store, *, run: str | None = None, tag: str | None = None) -> list[SeriesRow]:
    """The image series (of ``run`` and ``tag`` when given); NotFound names what is unknown."""
    rows = store.list_series(plugin=PLUGIN_NAME, run=run, tag=tag)
    if not rows and (run is not None or tag is not None):
        if run is not None and run not in {r.name for r in store.list_runs()}:
            raise NotFound(f"No run named {run!r}.", code="unknown_run")
        where = f" in run {run!r}" if run is not None else ""
        raise NotFound(f"No image tag {tag!r}{where}.", code="unknown_tag")
    return rows


def check_runs(store: Store, runs: Sequence[str]) -> None:
    """NotFound for the first of ``runs`` that the logdir does not hold."""
    known = {r.name for r in store.list_runs()}
    for r in runs:
        if r not in known:
            raise NotFound(f"No run named {r!r}.", code="unknown_run")


def group_steps(items: Sequence[BlobInfo]) -> list[ImageStep]:
    """Items (sorted by step, then as written) grouped into the values that wrote them: a value's items are
    numbered from 0, so a new group starts at index 0 or at a new step."""
    groups: list[ImageStep] = []
    for info in items:
        if not groups or info.index == 0 or info.step != groups[-1].step:
            groups.append(ImageStep(info.step, info.wall_time, []))
        groups[-1].images.append(info)
    return groups


def read_tags(store: Store) -> list[ImageTag]:
    """Every image tag of every run, with how many steps and images per step it holds."""
    rows = image_series_rows(store)
    out = []
    for row, items in zip(rows, list_blobs_many(store, rows), strict=True):
        steps = group_steps(items)
        out.append(
            ImageTag(
                run=row.run,
                tag=row.tag,
                display_name=row.display_name,
                description=row.description,
                steps=len(steps),
                samples=max((len(s.images) for s in steps), default=0),
            )
        )
    return out


def read_series(
    store: Store, *, run: str, tag: str, min_step: int | None = None, max_step: int | None = None
) -> ImageSeries:
    """Every step of one image series in ``[min_step, max_step]``, with its images."""
    if min_step is not None and max_step is not None and min_step > max_step:
        raise BadRequest(f"min_step ({min_step}) is greater than max_step ({max_step}).", code="bad_parameter")
    (row,) = image_series_rows(store, run=run, tag=tag)
    (items,) = list_blobs_many(store, [row], min_step=min_step, max_step=max_step)
    return ImageSeries(row.run, row.tag, row.display_name, row.description, group_steps(items))


def read_frame(store: Store, **options: Any) -> pd.DataFrame:
    """Every image, one row each: ``run, tag, step, wall_time, index, width, height, format, data``."""
    import pandas as pd

    if options:
        raise TypeError(f"read_images takes no options {sorted(options)}")
    rows = image_series_rows(store)
    records: list[tuple[Any, ...]] = []
    for row, items in sorted(zip(rows, list_blobs_many(store, rows), strict=True), key=lambda p: (p[0].run, p[0].tag)):
        for info in items:
            meta = info.meta
            records.append(
                (
                    row.run,
                    row.tag,
                    info.step,
                    info.wall_time,
                    info.index,
                    int(meta.get("width", 0)),
                    int(meta.get("height", 0)),
                    str(meta.get("format", "")),
                    read_blob(store, info.id),
                )
            )
    frame = pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)
    return frame.astype(
        {"step": "int64", "wall_time": "float64", "index": "int64", "width": "int64", "height": "int64"}
    )
