"""Finding a kind's series by run and tag, and shaping what was read into the kind's DataFrame; shared by the
kinds' ``query.py`` (query stage, no HTTP).

Every kind answers a request for an unknown run or tag the same way: NotFound with code ``unknown_run`` when the
logdir holds no such run, else ``unknown_tag`` with a message that names what the kind calls its tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from telescope.errors import BadRequest, NotFound
from telescope.store import SeriesRow, Store

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["check_runs", "check_window", "raise_unknown", "records_frame", "series_row"]


def check_runs(store: Store, runs: Iterable[str]) -> None:
    """NotFound (``unknown_run``) for the first of ``runs`` that the logdir does not hold."""
    known = {r.name for r in store.list_runs()}
    for r in runs:
        if r not in known:
            raise NotFound(f"No run named {r!r}.", code="unknown_run")


def raise_unknown(store: Store, *, run: str | None, message: str) -> NoReturn:
    """Say why nothing was found: ``run`` is not in the logdir (``unknown_run``), or ``message`` (``unknown_tag``)."""
    if run is not None:
        check_runs(store, [run])
    raise NotFound(message, code="unknown_tag")


def series_row(store: Store, plugin: str, *, run: str, tag: str, what: str) -> SeriesRow:
    """The series of ``plugin`` for one (run, tag); NotFound ``No <what> tag … in run …`` when there is none."""
    rows = store.list_series(plugin=plugin, run=run, tag=tag)
    if rows:
        return rows[0]
    raise_unknown(store, run=run, message=f"No {what} tag {tag!r} in run {run!r}.")


def check_window(min_step: int | None, max_step: int | None) -> None:
    """BadRequest for a step window that holds nothing because it is upside down."""
    if min_step is not None and max_step is not None and min_step > max_step:
        raise BadRequest(f"min_step ({min_step}) is greater than max_step ({max_step}).", code="bad_parameter")


def records_frame(records: Sequence[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """``records`` (one dict per row) as a DataFrame with ``columns``; with no records, an empty one whose ``step``
    and ``wall_time`` columns still have their types (int64, float64)."""
    import pandas as pd

    if not records:
        dtypes = {"step": "int64", "wall_time": "float64"}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "object")) for c in columns})
    return pd.DataFrame.from_records(records, columns=columns)
