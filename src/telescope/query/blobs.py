"""Reading blobs-class series (images, audio, graphs): the list of items with what is known of them, and the
bytes of one item, read from the event file it lives in (or the index, for small items) and checked."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from crc32c import crc32c

from telescope.errors import Gone, NotFound
from telescope.query.visibility import hidden_mask, step_order
from telescope.store import BlobRows, SeriesRow, Store


@dataclass(frozen=True)
class BlobInfo:
    """One item: ``index`` orders the items of one step (e.g. the images of a batch)."""

    id: int
    run: str
    tag: str
    step: int
    wall_time: float
    index: int
    length: int
    crc: int
    meta: dict[str, Any]
    hidden: bool

    @property
    def key(self) -> str:
        """Changes when the item's content may have: lets HTTP caches keep items for good."""
        return f"{self.crc:08x}{self.length:x}"


def list_blobs_many(
    store: Store,
    series: Sequence[SeriesRow],
    *,
    min_step: int | None = None,
    max_step: int | None = None,
    include_hidden: bool = False,
) -> list[list[BlobInfo]]:
    """The items of each series, sorted by step then index; items hidden by a restart only if asked."""
    rows = store.read_blob_rows(series, min_step=min_step, max_step=max_step)
    return [_visible(s, r, include_hidden) for s, r in zip(series, rows, strict=True)]


def list_blobs(store: Store, series: SeriesRow, *, include_hidden: bool = False) -> list[BlobInfo]:
    return list_blobs_many(store, [series], include_hidden=include_hidden)[0]


def _visible(series: SeriesRow, rows: BlobRows, include_hidden: bool) -> list[BlobInfo]:
    items = rows.items
    steps = np.asarray([b.step for b in items], dtype=np.int64)
    seqs = np.asarray([b.seq for b in items], dtype=np.int64)
    hidden = hidden_mask(steps, seqs, rows.purge_steps, rows.purge_seqs)
    order = step_order(steps, seqs)
    indices = range(len(items)) if order is None else order.tolist()
    out = []
    for i in indices:
        if hidden[i] and not include_hidden:
            continue
        b = items[i]
        out.append(
            BlobInfo(
                id=b.id,
                run=series.run,
                tag=series.tag,
                step=b.step,
                wall_time=b.wall_time,
                index=b.index,
                length=b.length,
                crc=b.crc,
                meta=json.loads(b.meta),
                hidden=bool(hidden[i]),
            )
        )
    return out


def read_blob(store: Store, blob_id: int, *, logdir: str | Path | None = None) -> bytes:
    """The bytes of item ``blob_id`` (see :func:`read_blob_item`)."""
    return read_blob_item(store, blob_id, logdir=logdir)[0]


def read_blob_item(store: Store, blob_id: int, *, logdir: str | Path | None = None) -> tuple[bytes, dict[str, Any]]:
    """The bytes of item ``blob_id`` and what is known of them. Raises NotFound for an unknown id, Gone when the
    event file no longer holds what was indexed (it was replaced or truncated; --reindex rebuilds the index)."""
    loc = store.blob_location(blob_id)
    if loc is None:
        raise NotFound(f"no blob with id {blob_id}")
    data = loc.data
    if data is None:
        if loc.path is None:
            raise Gone(f"blob {blob_id} has neither data nor an event file; restart with --reindex")
        rel = PurePosixPath(loc.path)
        if rel.is_absolute() or ".." in rel.parts:
            raise NotFound(f"blob {blob_id} refers to a path outside the logdir: {loc.path!r}")
        root = Path(logdir) if logdir is not None else Path(store.logdir() or ".")
        try:
            with open(root.joinpath(*rel.parts), "rb") as fh:
                fh.seek(loc.offset)
                data = fh.read(loc.length)
        except OSError as e:
            raise Gone(f"cannot read {loc.path} for blob {blob_id}: {e.strerror or e}") from e
    if len(data) != loc.length or int(crc32c(data)) != loc.crc:
        raise Gone(
            f"{loc.path} no longer holds the data indexed at offset {loc.offset}; the event file changed. "
            "Restart with --reindex to rebuild the index."
        )
    meta: dict[str, Any] = json.loads(loc.meta)
    return data, meta
