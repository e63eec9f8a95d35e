"""SQL for the tensors and blobs storage classes (the scalars class lives in ``sqlite.py``).

Tensors (histograms, PR curves, text, hparams, meshes) are small: they are kept in chunks, one row holding up to
``TENSOR_CHUNK_POINTS`` points of one series (steps, wall times and sequence numbers as packed arrays, and the
points' packed arrays one after the other), so a first load writes a few rows per series and block instead of
one per point, and a series is read back in a few rows. A chunk's points share a dtype; their shapes are stored
once when they are all equal. Each ``append_tensors`` starts new chunks (a live tail writes small ones).
Blobs (images, audio, graphs) are big: one row per item holding a reference (event file, byte offset, length)
into the event file, so payloads are not copied into the index; small items are kept inline.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from telescope.store.tensorcodec import BYTES, decode_array, encode_tensor, shape_dims
from telescope.store.types import BlobAppend, BlobLocation, BlobRow, BlobRows, TensorAppend, TensorRows

SCHEMA = """
CREATE TABLE IF NOT EXISTS tensor_chunks (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series(id),
    n INTEGER NOT NULL,
    min_step INTEGER NOT NULL,
    max_step INTEGER NOT NULL,
    steps BLOB NOT NULL,
    wall_times BLOB NOT NULL,
    seqs BLOB NOT NULL,
    dtype TEXT NOT NULL,
    shape TEXT,
    shapes TEXT,
    ends BLOB NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS tensor_chunks_series ON tensor_chunks (series_id, id);
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
TENSOR_CHUNK_POINTS = 1024
_TENSOR_CHUNK_BYTES = 1 << 20  # a chunk is closed once its data reaches this size


def append_tensors(conn: sqlite3.Connection, series_id: int, app: TensorAppend) -> None:
    """Store the points of ``app`` (in order) as new chunks of ``series_id``."""
    steps = np.asarray(app.steps, dtype=_I8)
    walls = np.asarray(app.wall_times, dtype=_F8)
    seqs = np.asarray(app.seqs, dtype=_I8)
    rows: list[tuple[object, ...]] = []
    start = 0
    dtype = ""
    shapes: list[str] = []
    parts: list[bytes] = []
    size = 0

    def close(end: int) -> None:
        sizes = np.fromiter((len(p) for p in parts), dtype=_I8, count=len(parts))
        same = all(sh == shapes[0] for sh in shapes)
        rows.append(
            _chunk_row(
                series_id,
                steps[start:end],
                walls[start:end],
                seqs[start:end],
                dtype,
                shapes[0] if same else None,
                None if same else "[" + ",".join(shapes) + "]",
                np.cumsum(sizes).astype(_I8),
                b"".join(parts),
            )
        )

    if isinstance(app.values, np.ndarray) and app.values.dtype.kind not in "OSU" and app.values.ndim > 1:
        _append_stacked(conn, series_id, steps, walls, seqs, app.values)
        return
    for i, value in enumerate(app.values):
        dt, shape, data = encode_tensor(value)
        if parts and (dt != dtype or len(parts) >= TENSOR_CHUNK_POINTS or size >= _TENSOR_CHUNK_BYTES):
            close(i)
            start, shapes, parts, size = i, [], [], 0
        dtype = dt
        shapes.append(shape)
        parts.append(data)
        size += len(data)
    if parts:
        close(len(app.values))
    _insert_chunks(conn, rows)


def _chunk_row(
    series_id: int,
    steps: npt.NDArray[np.int64],
    walls: npt.NDArray[np.float64],
    seqs: npt.NDArray[np.int64],
    dtype: str,
    shape: str | None,
    shapes: str | None,
    ends: npt.NDArray[np.int64],
    data: bytes,
) -> tuple[object, ...]:
    """One ``tensor_chunks`` row: the chunk's points (steps, wall times, sequence numbers), their dtype, one shape
    for all or each one's, and where each point's bytes end in ``data``."""
    return (
        series_id,
        len(steps),
        int(steps.min()),
        int(steps.max()),
        steps.tobytes(),
        walls.tobytes(),
        seqs.tobytes(),
        dtype,
        shape,
        shapes,
        ends.tobytes(),
        data,
    )


def _insert_chunks(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    conn.executemany(
        "INSERT INTO tensor_chunks (series_id, n, min_step, max_step, steps, wall_times, seqs, dtype, shape, shapes,"
        " ends, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
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


def _step_range(first: str, last: str, min_step: int | None, max_step: int | None) -> tuple[str, list[object]]:
    """The SQL condition (and its arguments) keeping rows whose steps ``[first, last]`` (column names) meet
    ``[min_step, max_step]``."""
    sql = ""
    args: list[object] = []
    if min_step is not None:
        sql += f" AND {last} >= ?"
        args.append(min_step)
    if max_step is not None:
        sql += f" AND {first} <= ?"
        args.append(max_step)
    return sql, args


def _window(min_step: int | None, max_step: int | None) -> tuple[str, list[object]]:
    """The condition keeping one-step rows within ``[min_step, max_step]``."""
    return _step_range("step", "step", min_step, max_step)


def chunk_window(min_step: int | None, max_step: int | None) -> tuple[str, list[object]]:
    """The SQL condition (and its arguments) keeping chunk rows whose step range meets ``[min_step, max_step]``."""
    return _step_range("min_step", "max_step", min_step, max_step)


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


def _append_stacked(
    conn: sqlite3.Connection,
    series_id: int,
    steps: npt.NDArray[np.int64],
    walls: npt.NDArray[np.float64],
    seqs: npt.NDArray[np.int64],
    stacked: npt.NDArray[np.generic],
) -> None:
    """:func:`append_tensors` for points stacked in one numeric array: each chunk packed at once."""
    if not len(stacked):
        return
    dtype, shape, _ = encode_tensor(stacked[0])
    per_point = stacked[0].nbytes
    step_rows = max(1, min(TENSOR_CHUNK_POINTS, _TENSOR_CHUNK_BYTES // max(per_point, 1)))
    rows = []
    for start in range(0, len(stacked), step_rows):
        end = min(start + step_rows, len(stacked))
        _, _, data = encode_tensor(stacked[start:end])
        ends = np.arange(1, end - start + 1, dtype=_I8) * per_point
        rows.append(
            _chunk_row(series_id, steps[start:end], walls[start:end], seqs[start:end], dtype, shape, None, ends, data)
        )
    _insert_chunks(conn, rows)


def read_tensor_rows(
    conn: sqlite3.Connection, ids: Sequence[int], *, min_step: int | None = None, max_step: int | None = None
) -> list[TensorRows]:
    window, extra = chunk_window(min_step, max_step)
    found: dict[int, list[_Points]] = {i: [] for i in ids}
    for start in range(0, len(ids), _BATCH):
        part = list(ids[start : start + _BATCH])
        marks = ",".join("?" * len(part))
        for sid, *row in conn.execute(
            "SELECT series_id, n, steps, wall_times, seqs, dtype, shape, shapes, ends, data FROM tensor_chunks"
            f" WHERE series_id IN ({marks}){window} ORDER BY series_id, id",
            [*part, *extra],
        ):
            found[sid].append(_chunk_points(*row, min_step=min_step, max_step=max_step))
    purges = purges_of(conn, ids)
    out = []
    for sid in ids:
        chunks = found[sid]
        ps, pq = _purge_arrays(purges[sid])
        out.append(
            TensorRows(
                steps=_concat([c[0] for c in chunks], _I8),
                wall_times=_concat([c[1] for c in chunks], _F8),
                seqs=_concat([c[2] for c in chunks], _I8),
                values=[v for c in chunks for v in c[3]],
                purge_steps=ps,
                purge_seqs=pq,
            )
        )
    return out


_Points = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.int64], list[npt.NDArray[np.generic]]]


def _concat(parts: list[np.ndarray], dtype: np.dtype[np.generic]) -> np.ndarray:
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _chunk_points(
    n: int,
    steps_b: bytes,
    walls_b: bytes,
    seqs_b: bytes,
    dtype: str,
    shape: str | None,
    shapes: str | None,
    ends_b: bytes,
    data: bytes,
    *,
    min_step: int | None,
    max_step: int | None,
) -> _Points:
    """The points of one chunk within the step window, in order."""
    steps = np.frombuffer(steps_b, dtype=_I8)
    walls = np.frombuffer(walls_b, dtype=_F8)
    seqs = np.frombuffer(seqs_b, dtype=_I8)
    keep = np.ones(n, dtype=bool)
    if min_step is not None:
        keep &= steps >= min_step
    if max_step is not None:
        keep &= steps <= max_step
    chosen = np.flatnonzero(keep).tolist()
    values: list[npt.NDArray[np.generic]]
    dims = None if shape is None else shape_dims(shape)
    if dims and dtype != BYTES:
        # Every point of one numeric shape: one array, a view per point.
        stacked = np.frombuffer(data, dtype=np.dtype(dtype)).reshape((n, *dims))
        values = [stacked[i] for i in chosen]
    else:
        ends = np.frombuffer(ends_b, dtype=_I8).tolist()
        point_dims = [dims] * n if dims is not None else [tuple(d) for d in json.loads(shapes or "[]")]
        values = []
        for i in chosen:
            begin = ends[i - 1] if i else 0
            values.append(decode_array(dtype, point_dims[i], data[begin : ends[i]]))
    if len(chosen) == n:
        return steps, walls, seqs, values
    return steps[keep], walls[keep], seqs[keep], values


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
