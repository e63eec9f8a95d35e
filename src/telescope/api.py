"""The Python read API: a logdir's data as pandas DataFrames, for notebooks and scripts.

Each ``read_<kind>(logdir)`` indexes the logdir (reusing the per-user index, so a second call only reads what
is new; a running server's index is read as it is) and returns one DataFrame with the columns
``run, tag, step, wall_time`` followed by the kind's own (see each function). Every step is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from telescope.store import Store

__all__ = [
    "open_index",
    "read_audio",
    "read_custom_scalars",
    "read_embeddings",
    "read_graphs",
    "read_histograms",
    "read_hparams",
    "read_images",
    "read_mesh",
    "read_pr_curves",
    "read_scalars",
    "read_text",
]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Telescope's read functions need pandas, which is not installed. "
            "Install it with: pip install 'telescope[pandas]' (or pip install pandas)."
        ) from e
    return pandas


@contextmanager
def open_index(logdir: str | Path, *, db: str | Path | None = None) -> Iterator[Store]:
    """The index of ``logdir``, brought up to date with its event files (unless a running server is indexing
    it: then its index is read as it is). Closed on exit."""
    from telescope.errors import StaleIndex
    from telescope.ingest import Ingester
    from telescope.store import Store, default_db_path
    from telescope.store.lock import WriterLock

    root = Path(logdir).expanduser().resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"The logdir {root} does not exist or is not a directory.")
    db_path = Path(db) if db is not None else default_db_path(root)
    lock = WriterLock(db_path)
    writer = lock.acquire()
    try:
        store = Store(db_path, logdir=str(root))
    except StaleIndex:
        if not writer:
            lock.release()
            raise
        Store.delete(db_path)
        store = Store(db_path, logdir=str(root))
    except BaseException:
        if writer:
            lock.release()
        raise
    if writer:
        store.adopt_writer_lock(lock)
    try:
        if writer:
            Ingester(root, store).poll_once()
        yield store
    finally:
        store.close()


def _read_kind(kind: str, logdir: str | Path, db: str | Path | None, **options: Any) -> pd.DataFrame:
    from telescope.plugins import get_plugin

    _pandas()
    plugin = get_plugin(kind)
    read_frame = getattr(plugin, "read_frame", None)
    if read_frame is None:
        raise NotImplementedError(f"this Telescope has no reader for {kind}")
    with open_index(logdir, db=db) as store:
        frame: pd.DataFrame = read_frame(store, **options)
    return frame


def read_scalars(logdir: str | Path, *, db: str | Path | None = None, include_hidden: bool = False) -> pd.DataFrame:
    """Every scalar point under ``logdir``: columns ``run, tag, step, wall_time, value``.

    Points hidden by a restart are left out unless ``include_hidden`` (then a ``hidden`` column says which).
    Rows are ordered by run, tag, then step.
    """
    pdm: Any = _pandas()
    import numpy as np

    from telescope.plugins.scalars.query import iter_all

    with open_index(logdir, db=db) as store:
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


def read_histograms(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every histogram: ``run, tag, step, wall_time, edges, counts`` (``edges`` has one more value than
    ``counts``: the buckets' boundaries)."""
    return _read_kind("histograms", logdir, db)


def read_images(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every image, one row each: ``run, tag, step, wall_time, index, width, height, format, data`` (``data`` is
    the encoded image, e.g. PNG bytes; ``index`` orders the images of one step)."""
    return _read_kind("images", logdir, db)


def read_audio(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every audio clip, one row each: ``run, tag, step, wall_time, index, sample_rate, label, data`` (``data`` is
    the encoded clip, e.g. WAV bytes)."""
    return _read_kind("audio", logdir, db)


def read_text(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every text sample: ``run, tag, step, wall_time, text`` (a string, or a list of rows for a table)."""
    return _read_kind("text", logdir, db)


def read_pr_curves(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every precision-recall curve: ``run, tag, step, wall_time, thresholds, precision, recall, tp, fp, tn, fn``
    (one array per column)."""
    return _read_kind("pr_curves", logdir, db)


def read_graphs(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every graph: ``run, tag, step, wall_time, kind, data`` (``kind`` is ``op`` for a serialized GraphDef,
    ``keras`` for a Keras model's JSON config, ``run_metadata`` for a serialized RunMetadata)."""
    return _read_kind("graphs", logdir, db)


def read_hparams(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """One row per trial (session run): ``run``, then one column per hyperparameter and one per metric (its
    last value)."""
    return _read_kind("hparams", logdir, db)


def read_custom_scalars(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Custom scalar layouts: ``run, tag, step, wall_time, category, title, kind, tags`` (one row per chart)."""
    return _read_kind("custom_scalars", logdir, db)


def read_mesh(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every mesh: ``run, tag, step, wall_time, vertices, faces, colors, config``."""
    return _read_kind("mesh", logdir, db)


def read_embeddings(logdir: str | Path, *, db: str | Path | None = None) -> pd.DataFrame:
    """Every embedding named by a ``projector_config.pbtxt``: ``run, tensor_name, tensors, metadata, sprite``."""
    return _read_kind("embeddings", logdir, db)
