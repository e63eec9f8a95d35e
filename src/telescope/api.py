"""The Python read API: a logdir's data as pandas DataFrames, for notebooks and scripts.

``read_scalars(logdir)`` indexes the logdir (reusing the per-user index, so a second call only reads what is
new) and returns every point as a DataFrame with columns ``run, tag, step, wall_time, value``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "telescope.read_scalars needs pandas, which is not installed. "
            "Install it with: pip install 'telescope[pandas]' (or pip install pandas)."
        ) from e
    return pandas


def read_scalars(logdir: str | Path, *, db: str | Path | None = None, include_hidden: bool = False) -> pd.DataFrame:
    """Every scalar point under ``logdir``: columns ``run, tag, step, wall_time, value``.

    Points hidden by a restart are left out unless ``include_hidden`` (then a ``hidden`` column says which).
    Rows are ordered by run, tag, then step.
    """
    pdm: Any = _pandas()
    import numpy as np

    from telescope.ingest import Ingester
    from telescope.plugins.scalars.query import iter_all
    from telescope.store import Store, default_db_path

    root = Path(logdir).expanduser().resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"The logdir {root} does not exist or is not a directory.")
    from telescope.errors import StaleIndex
    from telescope.store.lock import WriterLock

    db_path = Path(db) if db is not None else default_db_path(root)
    lock = WriterLock(db_path)
    writer = lock.acquire()  # a running server may be the writer: then its index is read as it is
    try:
        store = Store(db_path, logdir=str(root))
    except StaleIndex:
        if not writer:
            lock.release()
            raise
        Store.delete(db_path)
        store = Store(db_path, logdir=str(root))
    if writer:
        store.adopt_writer_lock(lock)
    try:
        if writer:
            Ingester(root, store).poll_once()
        frames = []
        for s in iter_all(store, include_hidden=include_hidden):
            n = len(s.steps)
            cols: dict[str, Any] = {
                "run": np.full(n, s.run, dtype=object),
                "tag": np.full(n, s.tag, dtype=object),
                "step": s.steps,
                "wall_time": s.wall_times,
                "value": s.values,
            }
            if include_hidden:
                cols["hidden"] = s.hidden
            frames.append(pdm.DataFrame(cols))
    finally:
        store.close()
    columns = ["run", "tag", "step", "wall_time", "value"] + (["hidden"] if include_hidden else [])
    if not frames:
        empty: pd.DataFrame = pdm.DataFrame(
            {c: pdm.Series(dtype="object" if c in ("run", "tag") else "float64") for c in columns}
        )
        return empty
    df = pdm.concat(frames, ignore_index=True)
    df = df.sort_values(["run", "tag"], kind="stable", ignore_index=True)
    result: pd.DataFrame = df[columns]
    return result
