"""Reading the blob-class kinds that write several items per step (images, audio), and any blob kind's DataFrame.

Query stage (no HTTP). A summary value of such a kind writes a batch of items at one step, numbered from 0; the
store keeps them as blob references in step order. Readers want them grouped back into those batches: one
:class:`BlobStep` per value written. Every step is kept (TensorBoard keeps 10 per tag). A kind describes itself
with a :class:`BlobItemKind`: its plugin name, what it calls one item, its own step class (which names the
items as the kind does: ``ImageStep.images``, ``AudioStep.clips``) and the columns its DataFrame adds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from telescope.plugins.series import check_window, raise_unknown
from telescope.query import BlobInfo, list_blobs_many, read_blob
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BlobItemKind", "BlobSeries", "BlobStep", "BlobTag", "read_blob_frame"]


@dataclass(frozen=True)
class BlobStep:
    """The items written at one step by one summary value (a batch), in order."""

    step: int
    wall_time: float
    items: list[BlobInfo]


StepT = TypeVar("StepT", bound=BlobStep)


@dataclass(frozen=True)
class BlobTag:
    run: str
    tag: str
    display_name: str
    description: str
    steps: int  # how many steps hold items
    samples: int  # the most items written at one step


@dataclass(frozen=True)
class BlobSeries(Generic[StepT]):
    run: str
    tag: str
    display_name: str
    description: str
    steps: list[StepT]

    def sampled(self, sample: int) -> list[tuple[StepT, BlobInfo]]:
        """Item ``sample`` of each step, with its step; steps with fewer items are left out."""
        return [(s, s.items[sample]) for s in self.steps if len(s.items) > sample]


@dataclass(frozen=True)
class BlobItemKind(Generic[StepT]):
    """One kind of blob items: ``plugin`` is its plugin name, ``noun`` what NotFound calls its tags (``image``
    tag), ``step_type`` the step class its readers get; its DataFrame has ``columns`` after ``index`` (``values``
    gives them for one item, ``dtypes`` are their types where pandas would guess wrong)."""

    plugin: str
    noun: str
    step_type: type[StepT]
    columns: tuple[str, ...]
    values: Callable[[BlobInfo], tuple[Any, ...]]
    dtypes: Mapping[str, str]

    def series_rows(self, store: Store, *, run: str | None = None, tag: str | None = None) -> list[SeriesRow]:
        """The kind's series (of ``run`` and ``tag`` when given); NotFound names what is unknown."""
        rows = store.list_series(plugin=self.plugin, run=run, tag=tag)
        if not rows and (run is not None or tag is not None):
            where = f" in run {run!r}" if run is not None else ""
            raise_unknown(store, run=run, message=f"No {self.noun} tag {tag!r}{where}.")
        return rows

    def group_steps(self, items: Sequence[BlobInfo]) -> list[StepT]:
        """Items (sorted by step, then as written) grouped into the values that wrote them: a value's items are
        numbered from 0, so a new group starts at index 0 or at a new step."""
        groups: list[StepT] = []
        for info in items:
            if not groups or info.index == 0 or info.step != groups[-1].step:
                groups.append(self.step_type(info.step, info.wall_time, []))
            groups[-1].items.append(info)
        return groups

    def read_tags(self, store: Store) -> list[BlobTag]:
        """Every tag of the kind in every run, with how many steps and items per step it holds."""
        rows = self.series_rows(store)
        out = []
        for row, items in zip(rows, list_blobs_many(store, rows), strict=True):
            steps = self.group_steps(items)
            out.append(
                BlobTag(
                    run=row.run,
                    tag=row.tag,
                    display_name=row.display_name,
                    description=row.description,
                    steps=len(steps),
                    samples=max((len(s.items) for s in steps), default=0),
                )
            )
        return out

    def read_series(
        self, store: Store, *, run: str, tag: str, min_step: int | None = None, max_step: int | None = None
    ) -> BlobSeries[StepT]:
        """Every step of one series in ``[min_step, max_step]``, with its items."""
        check_window(min_step, max_step)
        (row,) = self.series_rows(store, run=run, tag=tag)
        (items,) = list_blobs_many(store, [row], min_step=min_step, max_step=max_step)
        return BlobSeries(row.run, row.tag, row.display_name, row.description, self.group_steps(items))

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        """Every item, one row each: ``run, tag, step, wall_time, index``, the kind's columns, then ``data``."""
        if options:
            raise TypeError(f"read_{self.plugin} takes no options {sorted(options)}")
        return read_blob_frame(
            store,
            self.series_rows(store),
            columns=("index", *self.columns),
            values=lambda row, info: (info.index, *self.values(info)),
            dtypes={"index": "int64", **self.dtypes},
        )


def read_blob_frame(
    store: Store,
    rows: Sequence[SeriesRow],
    *,
    columns: Sequence[str],
    values: Callable[[SeriesRow, BlobInfo], tuple[Any, ...]],
    dtypes: Mapping[str, str],
) -> pd.DataFrame:
    """Every item of ``rows`` with its bytes, one row each, ordered by run and tag, then as stored: columns
    ``run, tag, step, wall_time``, then ``columns`` (``values`` gives them for one item), then ``data``;
    ``dtypes`` are the types of the kind's own columns."""
    import pandas as pd

    records = [
        (row.run, row.tag, info.step, info.wall_time, *values(row, info), read_blob(store, info.id))
        for row, items in sorted(
            zip(rows, list_blobs_many(store, rows), strict=True), key=lambda p: (p[0].run, p[0].tag)
        )
        for info in items
    ]
    frame = pd.DataFrame.from_records(records, columns=["run", "tag", "step", "wall_time", *columns, "data"])
    return frame.astype({"step": "int64", "wall_time": "float64", **dtypes})
