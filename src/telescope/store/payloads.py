"""SQL for the tensors and blobs storage classes (the scalars class lives in ``sqlite.py``).

Tensors (histograms, PR curves, text, hparams, meshes) are small: one row per point holding the packed array.
Blobs (images, audio, graphs) are big: one row per item holding a reference (event file, byte offset, length)
into the event file, so payloads are not copied into the index; small items are kept inline.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np

from telescope.store.tensorcodec import decode_tensor, encode_tensor
from telescope.store.types import BlobAppend, BlobLocation, BlobRow, BlobRows, TensorAppend, TensorRows

SCHEMA = """
CREATE TABLE IF NOT EXISTS tensor_points (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series(id),
    step INTEGER NOT NULL,
    wall_time REAL NOT NULL,
    seq INTEGER NOT NULL,
    dtype TEXT NOT NULL,
    shape TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS tensor_points_series ON tensor_points (series_id, step);
CREATE TABLE IF NOT EXISTS blob_points (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series(id),
    step INTEGER NOT NULL,
    wall_time REAL NOT NULL,
    seq INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    file_id INTEGER REFERENCES files(id),
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    crc INTEGER NOT NULL,
    data BLOB,
    meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS blob_points_series ON blob_points (series_id, step);
"""

_I8 = np.dtype("<i8")
_F8 = np.dtype("<f8")
_BATCH = 500


def append_tensors(conn: sqlite3.Connection, series_id: int, app: TensorAppend) -> None:
    rows = []
    steps, walls, seqs = app.steps.tolist(), app.wall_times.tolist(), app.seqs.tolist()
    for step, wall, seq, value in zip(steps, walls, seqs, app.values, strict=True):
        dtype, shape, data = encode_tensor(value)
        rows.append((series_id, step, wall, seq, dtype, shape, data))
    conn.executemany(
        "INSERT INTO tensor_points (series_id, step, wall_time, seq, dtype, shape, data) VALUES (?,?,?,?,?,?,?)",
        rows,
    )


def append_blobs(
    conn: sqlite3.Connection,
    series_ids: dict[tuple[str, str], int],
    file_ids: dict[str, int],
    blobs: Sequence[BlobAppend],
) -> None:
    conn.executemany(
        "INSERT INTO blob_points (series_id, step, wall_time, seq, idx, file_id, offset, length, crc, data, meta)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                series_ids[(b.run, b.tag)],
                b.step,
                b.wall_time,
                b.seq,
                b.index,
                None if b.data is not None else file_ids[b.path],
                b.offset,
                b.length,
                b.crc,
                b.data,
                b.meta,
            )
            for b in blobs
        ],
    )


def _window(min_step: int | None, max_step: int | None) -> tuple[str, list[object]]:
    sql = ""
    args: list[object] = []
    if min_step is not None:
        sql += " AND step >= ?"
        args.append(min_step)
    if max_step is not None:
        sql += " AND step <= ?"
        args.append(max_step)
    return sql, args


def purges_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
    """``(step, seq)`` of every purge that applies to each series: its run's and its own."""
    out: dict[int, list[tuple[int, int]]] = {i: [] for i in ids}
    for start in range(0, len(ids), _BATCH):
        part = list(ids[start : start + _BATCH])
        marks = ",".join("?" * len(part))
        for sid, step, seq in conn.execute(
            "SELECT s.id, p.step, p.seq FROM purges p JOIN series s ON s.run_id = p.run_id"
            f" WHERE s.id IN ({marks}) AND (p.series_id IS NULL OR p.series_id = s.id)",
            part,
        ):
            out[sid].append((step, seq))
    return out


def _purge_arrays(purges: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray([p[0] for p in purges], dtype=_I8), np.asarray([p[1] for p in purges], dtype=_I8)


def read_tensor_rows(
    conn: sqlite3.Connection, ids: Sequence[int], *, min_step: int | None = None, max_step: int | None = None
) -> list[TensorRows]:
    window, extra = _window(min_step, max_step)
    found: dict[int, list[tuple[int, float, int, str, str, bytes]]] = {i: [] for i in ids}
    for start in range(0, len(ids), _BATCH):
        part = list(ids[start : start + _BATCH])
        marks = ",".join("?" * len(part))
        for sid, *row in conn.execute(
            f"SELECT series_id, step, wall_time, seq, dtype, shape, data FROM tensor_points"
            f" WHERE series_id IN ({marks}){window} ORDER BY series_id, id",
            [*part, *extra],
        ):
            found[sid].append(tuple(row))
    purges = purges_of(conn, ids)
    out = []
    for sid in ids:
        rows = found[sid]
        ps, pq = _purge_arrays(purges[sid])
        out.append(
            TensorRows(
                steps=np.asarray([r[0] for r in rows], dtype=_I8),
                wall_times=np.asarray([r[1] for r in rows], dtype=_F8),
                seqs=np.asarray([r[2] for r in rows], dtype=_I8),
                values=[decode_tensor(r[3], r[4], bytes(r[5])) for r in rows],
                purge_steps=ps,
                purge_seqs=pq,
            )
        )
    return out


def read_blob_rows(
    conn: sqlite3.Connection, ids: Sequence[int], *, min_step: int | None = None, max_step: int | None = None
) -> list[BlobRows]:
    window, extra = _window(min_step, max_step)
    found: dict[int, list[BlobRow]] = {i: [] for i in ids}
    for start in range(0, len(ids), _BATCH):
        part = list(ids[start : start + _BATCH])
        marks = ",".join("?" * len(part))
        for row in conn.execute(
            f"SELECT id, series_id, step, wall_time, seq, idx, length, crc, meta FROM blob_points"
            f" WHERE series_id IN ({marks}){window} ORDER BY series_id, id",
            [*part, *extra],
        ):
            found[row[1]].append(BlobRow(*row))
    purges = purges_of(conn, ids)
    out = []
    for sid in ids:
        ps, pq = _purge_arrays(purges[sid])
        out.append(BlobRows(items=found[sid], purge_steps=ps, purge_seqs=pq))
    return out


def blob_location(conn: sqlite3.Connection, blob_id: int) -> BlobLocation | None:
    """Where the bytes of one blob item are, or None if there is no such item."""
    row = conn.execute(
        "SELECT f.path, b.offset, b.length, b.crc, b.data, b.meta FROM blob_points b"
        " LEFT JOIN files f ON f.id = b.file_id WHERE b.id = ?",
        (blob_id,),
    ).fetchone()
    if row is None:
        return None
    return BlobLocation(
        row[0], int(row[1]), int(row[2]), int(row[3]), None if row[4] is None else bytes(row[4]), row[5]
    )
