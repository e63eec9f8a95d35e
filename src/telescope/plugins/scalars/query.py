"""Pure read functions for the scalars kind (no HTTP)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from telescope.errors import BadRequest, NotFound
from telescope.plugins.scalars.metadata import PLUGIN_NAME
from telescope.query.scalars import ScalarSeries, iter_scalar_series_many, read_scalar_series
from telescope.store import SeriesRow, Store


def scalar_series_rows(store: Store, *, tag: str | None = None, runs: Sequence[str] | None = None) -> list[SeriesRow]:
    """The scalar series of ``tag`` (all tags if None) in ``runs`` (all runs if None or empty).

    Raises NotFound for an unknown run, or a tag that none of the runs holds.
    """
    rows = store.list_series(plugin=PLUGIN_NAME, tag=tag)
    if runs:
        known = {r.name for r in store.list_runs()}
        for r in runs:
            if r not in known:
                raise NotFound(f"No run named {r!r}.", code="unknown_run")
        wanted = set(runs)
        rows = [s for s in rows if s.run in wanted]
        if tag is not None and not rows:
            raise NotFound(
                f"No scalar tag {tag!r} in run{'s' if len(runs) > 1 else ''} " + ", ".join(repr(r) for r in runs) + ".",
                code="unknown_tag",
            )
    elif tag is not None and not rows:
        raise NotFound(f"No scalar tag {tag!r} in any run.", code="unknown_tag")
    return rows


def check_window(min_step: int | None, max_step: int | None) -> None:
    if min_step is not None and max_step is not None and min_step > max_step:
        raise BadRequest(f"min_step ({min_step}) is greater than max_step ({max_step}).", code="bad_parameter")


def iter_tag(
    store: Store,
    *,
    tag: str,
    runs: Sequence[str] | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
    max_points: int | None = None,
    include_hidden: bool = False,
) -> Iterator[ScalarSeries]:
    """One tag across runs, what a chart card asks for: one run's series at a time. Bad parameters and unknown
    runs or tags raise here, before the first series is read."""
    check_window(min_step, max_step)
    return iter_scalar_series_many(
        store,
        scalar_series_rows(store, tag=tag, runs=runs),
        min_step=min_step,
        max_step=max_step,
        max_points=max_points,
        include_hidden=include_hidden,
    )


def iter_all(store: Store, *, include_hidden: bool = False) -> Iterator[ScalarSeries]:
    """Every scalar series of the logdir, exact (for the read API and whole exports)."""
    for row in store.list_series(plugin=PLUGIN_NAME):
        yield read_scalar_series(store, row, include_hidden=include_hidden)
