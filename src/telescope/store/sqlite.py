"""The SQLite index.

Scalars are stored as columnar chunks: one row holds up to ``CHUNK_POINTS`` points of one series as packed
little-endian arrays (steps, wall_times, values, seqs). A query for one tag across a hundred runs reads a few
hundred rows instead of a million, and ingest writes a few rows per series per batch. ``seq`` is a global
ingest sequence number; a restart is a row in ``purges`` and hides, at query time, the earlier points it
covers, so nothing is ever deleted and hidden points can still be shown or exported.

Each :meth:`Store.commit` is one transaction holding the new points and the new per-file offsets together,
so a crash at any moment neither loses nor duplicates points.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from telescope.errors import StaleIndex, StoreError
from telescope.store import payloads
from telescope.store.columns import decode_floats, decode_ints, encode_floats, encode_ints
from telescope.store.lock import WriterLock
from telescope.store.types import (
    BlobLocation,
    BlobRows,
    FileState,
    IngestBatch,
    ProblemRow,
    RunRow,
    ScalarColumns,
    SeriesRow,
    SeriesState,
    StoreStatus,
    TensorRows,
)

SCHEMA_VERSION = 4
_BUSY_TIMEOUT_MS = 30_000
CHUNK_POINTS = 8192

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    start_wall_time REAL,
    first_wall_time REAL,
    last_wall_time REAL
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL UNIQUE,
    offset INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    records INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    file_version TEXT,
    stalled_at INTEGER
);
CREATE TABLE IF NOT EXISTS series (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    tag TEXT NOT NULL,
    plugin TEXT NOT NULL,
    storage_class TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    content BLOB NOT NULL,
    count INTEGER NOT NULL,
    last_step INTEGER,
    last_wall_time REAL,
    last_file TEXT,
    UNIQUE (run_id, tag)
);
CREATE TABLE IF NOT EXISTS scalar_chunks (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL REFERENCES series(id),
    n INTEGER NOT NULL,
    min_step INTEGER NOT NULL,
    max_step INTEGER NOT NULL,
    steps BLOB NOT NULL,
    wall_times BLOB NOT NULL,
    vals BLOB NOT NULL,
    seqs BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS scalar_chunks_series ON scalar_chunks (series_id, id);
CREATE TABLE IF NOT EXISTS purges (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    series_id INTEGER REFERENCES series(id),
    step INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    reason TEXT NOT NULL,
    path TEXT NOT NULL,
    offset INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS purges_run ON purges (run_id);
CREATE TABLE IF NOT EXISTS problems (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    offset INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    gap INTEGER NOT NULL,
    first_seen REAL NOT NULL,
    UNIQUE (path, offset, kind)
);
"""

_I8 = np.dtype("<i8")
_F8 = np.dtype("<f8")


# Reads (the routes' threads) share a few connections rather than one per thread: each connection keeps its own
# cache of pages, and a server whose thread pool had served six chart cards at once (as a browser asks for them)
# held six caches, about 300 MB more on bench/ M, for as long as its threads lived. Two, like the cores a query
# can use; a read waits while both are busy. Six cards at once on M: 1.6-1.8 s with two, the same with four,
# whose caches kept 70 MB more.
READERS = 2
# Pages a reading connection keeps: one tag across every run of bench/ M (11.5 MB of columns), whose repeated
# reads (zoom, live refresh) then need no system call (8 MB made them 12 ms slower, 85 to 97 ms).
READER_CACHE_KB = 16_000
# The ingester's own connection (writes and what it reads itself) keeps more: a big first load touches many
# index pages.
WRITER_CACHE_KB = 32_000


class Store:
    """The index database of one logdir. Thread-safe: the ingester writes on a connection of its own (one per
    thread that writes); reads share a small pool of connections."""

    def __init__(self, path: str | Path, *, logdir: str | None = None) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []  # idle reading connections, the last used last
        self._reader_slots = threading.BoundedSemaphore(READERS)
        self._pool_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._writer_lock: WriterLock | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._conn()
        try:
            conn.executescript(_SCHEMA + payloads.SCHEMA)
            version = self._meta(conn, "schema_version")
            if version is None:
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif version != str(SCHEMA_VERSION):
                raise StaleIndex(
                    f"The index at {self.path} has schema version {version}, this Telescope needs "
                    f"{SCHEMA_VERSION}; start with --reindex to rebuild it."
                )
            if logdir is not None:
                stored = self._meta(conn, "logdir")
                if stored is None:
                    conn.execute("INSERT INTO meta VALUES ('logdir', ?)", (logdir,))
                elif stored != logdir:
                    raise StoreError(
                        f"The index at {self.path} belongs to logdir {stored!r}, not {logdir!r}; "
                        "choose another --db or start with --reindex."
                    )
        except sqlite3.DatabaseError as e:
            raise StoreError(f"Cannot use the index at {self.path}: {e}. Start with --reindex to rebuild it.") from e

    # -- connections ---------------------------------------------------------------------------------

    def _connect(self, cache_kb: int) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_TIMEOUT_MS / 1000
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint the WAL every ~256 MB rather than every 4 MB: a big first load writes far less twice and
        # waits for fewer syncs (the first load of bench/ H, 450 MB of histograms and images, spent 1.0 s in
        # commits instead of 1.6-1.8 s with 64 MB). The ingester checkpoints once after a big load
        # (:meth:`checkpoint`); a checkpointed WAL file is cut back to 64 MB.
        conn.execute("PRAGMA wal_autocheckpoint=65536")
        conn.execute("PRAGMA journal_size_limit=67108864")
        conn.execute(f"PRAGMA cache_size=-{int(cache_kb)}")
        conn.execute("PRAGMA foreign_keys=OFF")
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's own connection, for writing and for what the writer reads back."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect(WRITER_CACHE_KB)
            self._local.conn = conn
        return conn

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        """A connection to read with, from the pool (waits while all :data:`READERS` are busy). A read holds it
        for one method and reads everything it returns before giving it back."""
        with self._reader_slots:
            with self._pool_lock:
                conn = self._readers.pop() if self._readers else None
            if conn is None:
                conn = self._connect(READER_CACHE_KB)
            try:
                yield conn
            finally:
                with self._pool_lock:
                    self._readers.append(conn)

    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def acquire_writer(self) -> bool:
        """Become the only ingester of this index (held until :meth:`close`); False if another process is."""
        if self._writer_lock is None:
            lock = WriterLock(self.path)
            if not lock.acquire():
                return False
            self._writer_lock = lock
        return True

    def adopt_writer_lock(self, lock: WriterLock) -> None:
        self._writer_lock = lock

    def checkpoint(self) -> bool:
        """Copy the WAL into the database file now and, if no reader is using it, empty the WAL file: readers then
        read the database file alone, and a new process opening the index need not scan a long WAL first.
        Readers are never waited for; returns whether the WAL was emptied (if not, try again later)."""
        conn = self._conn()
        with self._write_lock:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            conn.execute("PRAGMA busy_timeout=0")
            try:
                busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        return not busy

    def close(self) -> None:
        if self._writer_lock is not None:
            self._writer_lock.release()
            self._writer_lock = None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        with self._pool_lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()

    @staticmethod
    def delete(path: str | Path) -> None:
        """Remove an index and its WAL files (for ``--reindex``)."""
        for suffix in ("", "-wal", "-shm"):  # the .lock file stays: another process may hold it
            p = Path(f"{path}{suffix}")
            if p.exists():
                p.unlink()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- ingest side -----------------------------------------------------------------------------------

    def load_files(self) -> dict[str, FileState]:
        rows = self._conn().execute(
            "SELECT f.id, f.path, r.name, f.offset, f.size, f.mtime, f.records, f.skipped, f.file_version,"
            " f.stalled_at FROM files f JOIN runs r ON r.id = f.run_id"
        )
        return {
            r[1]: FileState(
                id=r[0],
                path=r[1],
                run=r[2],
                offset=r[3],
                size=r[4],
                mtime=r[5],
                records=r[6],
                skipped=r[7],
                file_version=r[8],
                stalled_at=r[9],
            )
            for r in rows
        }

    def load_series(self) -> dict[tuple[str, str], SeriesState]:
        rows = self._conn().execute(
            "SELECT s.id, r.name, s.tag, s.plugin, s.storage_class, s.display_name, s.description, s.content,"
            " s.count, s.last_step, s.last_wall_time, s.last_file FROM series s JOIN runs r ON r.id = s.run_id"
        )
        return {
            (r[1], r[2]): SeriesState(
                id=r[0],
                run=r[1],
                tag=r[2],
                plugin=r[3],
                storage_class=r[4],
                display_name=r[5],
                description=r[6],
                content=bytes(r[7]),
                count=r[8],
                last_step=r[9],
                last_wall_time=r[10],
                last_file=r[11],
            )
            for r in rows
        }

    def next_seq(self) -> int:
        value = self._meta(self._conn(), "next_seq")
        return 0 if value is None else int(value)

    def commit(self, batch: IngestBatch) -> None:
        """Write ``batch`` in one transaction: runs, series, points, purges, problems and file offsets."""
        with self._transaction() as conn:
            run_ids = self._upsert_runs(conn, batch.runs, {f.run for f in batch.files} | {s.run for s in batch.series})
            series_ids: dict[tuple[str, str], int] = {}
            for s in batch.series:
                if s.id is None:
                    cur = conn.execute(
                        "INSERT INTO series (run_id, tag, plugin, storage_class, display_name, description, content,"
                        " count, last_step, last_wall_time, last_file) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            run_ids[s.run],
                            s.tag,
                            s.plugin,
                            s.storage_class,
                            s.display_name,
                            s.description,
                            s.content,
                            s.count,
                            s.last_step,
                            s.last_wall_time,
                            s.last_file,
                        ),
                    )
                    s.id = int(cur.lastrowid or 0)
                else:
                    conn.execute(
                        "UPDATE series SET count = ?, last_step = ?, last_wall_time = ?, last_file = ? WHERE id = ?",
                        (s.count, s.last_step, s.last_wall_time, s.last_file, s.id),
                    )
                series_ids[(s.run, s.tag)] = s.id
            for app in batch.scalars:
                sid = series_ids.get((app.run, app.tag))
                if sid is None:
                    sid = self._series_id(conn, run_ids, app.run, app.tag)
                self._append_scalars(
                    conn,
                    sid,
                    np.asarray(app.steps, dtype=_I8),
                    np.asarray(app.wall_times, dtype=_F8),
                    np.asarray(app.values, dtype=_F8),
                    np.asarray(app.seqs, dtype=_I8),
                )
            for t in batch.tensors:
                sid = series_ids.get((t.run, t.tag))
                if sid is None:
                    sid = self._series_id(conn, run_ids, t.run, t.tag)
                payloads.append_tensors(conn, sid, t)
            for p in batch.purges:
                sid2 = None if p.tag is None else self._series_id(conn, run_ids, p.run, p.tag)
                conn.execute(
                    "INSERT INTO purges (run_id, series_id, step, seq, reason, path, offset) VALUES (?,?,?,?,?,?,?)",
                    (run_ids[p.run], sid2, p.step, p.seq, p.reason, p.path, p.offset),
                )
            now = time.time()
            for pr in batch.problems:
                conn.execute(
                    "INSERT INTO problems (path, offset, kind, message, gap, first_seen) VALUES (?,?,?,?,?,?)"
                    " ON CONFLICT (path, offset, kind) DO UPDATE SET message = excluded.message, gap = excluded.gap",
                    (pr.path, pr.offset, pr.kind, pr.message, pr.gap, now),
                )
            for f in batch.files:
                if f.id is None:
                    cur = conn.execute(
                        "INSERT INTO files (run_id, path, offset, size, mtime, records, skipped, file_version,"
                        " stalled_at) VALUES (?,?,?,?,?,?,?,?,?)",
                        (
                            run_ids[f.run],
                            f.path,
                            f.offset,
                            f.size,
                            f.mtime,
                            f.records,
                            f.skipped,
                            f.file_version,
                            f.stalled_at,
                        ),
                    )
                    f.id = int(cur.lastrowid or 0)
                else:
                    conn.execute(
                        "UPDATE files SET offset = ?, size = ?, mtime = ?, records = ?, skipped = ?,"
                        " file_version = ?, stalled_at = ? WHERE id = ?",
                        (f.offset, f.size, f.mtime, f.records, f.skipped, f.file_version, f.stalled_at, f.id),
                    )
            if batch.blobs:
                for b in batch.blobs:
                    if (b.run, b.tag) not in series_ids:
                        series_ids[(b.run, b.tag)] = self._series_id(conn, run_ids, b.run, b.tag)
                file_ids = {f.path: f.id for f in batch.files if f.id is not None}
                for path in {b.path for b in batch.blobs if b.data is None} - set(file_ids):
                    row = conn.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
                    if row is None:
                        raise StoreError(f"blob items refer to {path!r}, which is not a known event file")
                    file_ids[path] = int(row[0])
                payloads.append_blobs(conn, series_ids, file_ids, batch.blobs)
            conn.execute(
                "INSERT INTO meta VALUES ('next_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(batch.next_seq),),
            )
            conn.execute(
                "INSERT INTO meta VALUES ('last_update', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (repr(now),),
            )

    def _upsert_runs(
        self, conn: sqlite3.Connection, walls: dict[str, tuple[float, float, float]], names: set[str]
    ) -> dict[str, int]:
        ids: dict[str, int] = {}
        for name in sorted(names | set(walls)):
            start, lo, hi = walls.get(name, (None, None, None))
            row = conn.execute(
                "SELECT id, start_wall_time, first_wall_time, last_wall_time FROM runs WHERE name = ?",
                (name,),
            ).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO runs (name, start_wall_time, first_wall_time, last_wall_time) VALUES (?,?,?,?)",
                    (name, start, lo, hi),
                )
                ids[name] = int(cur.lastrowid or 0)
            else:
                ids[name] = int(row[0])
                if lo is not None and hi is not None:
                    conn.execute(
                        "UPDATE runs SET start_wall_time = ?, first_wall_time = ?, last_wall_time = ? WHERE id = ?",
                        (
                            start if row[1] is None else row[1],
                            lo if row[2] is None else min(lo, row[2]),
                            hi if row[3] is None else max(hi, row[3]),
                            row[0],
                        ),
                    )
        return ids

    @staticmethod
    def _series_id(conn: sqlite3.Connection, run_ids: dict[str, int], run: str, tag: str) -> int:
        row = conn.execute("SELECT id FROM series WHERE run_id = ? AND tag = ?", (run_ids[run], tag)).fetchone()
        if row is None:
            raise StoreError(f"series {run!r}/{tag!r} was not registered before its data")
        return int(row[0])

    @staticmethod
    def _append_scalars(
        conn: sqlite3.Connection,
        series_id: int,
        steps: np.ndarray,
        walls: np.ndarray,
        values: np.ndarray,
        seqs: np.ndarray,
    ) -> None:
        if len(steps) == 0:
            return
        # Top up the series' last chunk when either it or the new points are few, so live appends do not leave
        # thousands of tiny rows; big appends (first loads) start new chunks without rewriting anything.
        tail = conn.execute(
            "SELECT id, n FROM scalar_chunks WHERE series_id = ? ORDER BY id DESC LIMIT 1", (series_id,)
        ).fetchone()
        small = CHUNK_POINTS // 4
        if tail is not None and tail[1] < CHUNK_POINTS and (tail[1] < small or len(steps) < small):
            last = conn.execute(
                "SELECT id, n, steps, wall_times, vals, seqs FROM scalar_chunks WHERE id = ?", (tail[0],)
            ).fetchone()
            conn.execute("DELETE FROM scalar_chunks WHERE id = ?", (last[0],))
            steps = np.concatenate([decode_ints(last[2]), steps])
            walls = np.concatenate([np.frombuffer(last[3], _F8), walls])
            values = np.concatenate([decode_floats(last[4]), values])
            seqs = np.concatenate([decode_ints(last[5]), seqs])
        rows = []
        for start in range(0, len(steps), CHUNK_POINTS):
            sl = slice(start, start + CHUNK_POINTS)
            st = steps[sl]
            rows.append(
                (
                    series_id,
                    len(st),
                    int(st.min()),
                    int(st.max()),
                    encode_ints(st),
                    walls[sl].astype(_F8).tobytes(),  # wall times need every bit of a float64
                    encode_floats(values[sl]),
                    encode_ints(seqs[sl]),
                )
            )
        conn.executemany(
            "INSERT INTO scalar_chunks (series_id, n, min_step, max_step, steps, wall_times, vals, seqs)"
            " VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )

    # -- read side ------------------------------------------------------------------------------------

    def list_runs(self) -> list[RunRow]:
        with self._reader() as conn:
            kinds: dict[int, list[str]] = {}
            for run_id, plugin in conn.execute("SELECT DISTINCT run_id, plugin FROM series ORDER BY plugin"):
                kinds.setdefault(run_id, []).append(plugin)
            return [
                RunRow(
                    name=r[1],
                    start_wall_time=r[2],
                    first_wall_time=r[3],
                    last_wall_time=r[4],
                    kinds=tuple(kinds.get(r[0], ())),
                )
                for r in conn.execute(
                    "SELECT id, name, start_wall_time, first_wall_time, last_wall_time FROM runs ORDER BY name"
                )
            ]

    def list_series(
        self, *, plugin: str | None = None, run: str | None = None, tag: str | None = None
    ) -> list[SeriesRow]:
        sql = (
            "SELECT s.id, r.name, s.tag, s.plugin, s.storage_class, s.display_name, s.description, s.count,"
            " s.content FROM series s JOIN runs r ON r.id = s.run_id WHERE 1=1"
        )
        args: list[object] = []
        if plugin is not None:
            sql += " AND s.plugin = ?"
            args.append(plugin)
        if run is not None:
            sql += " AND r.name = ?"
            args.append(run)
        if tag is not None:
            sql += " AND s.tag = ?"
            args.append(tag)
        sql += " ORDER BY s.tag, r.name"
        with self._reader() as conn:
            return [
                SeriesRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bytes(r[8])) for r in conn.execute(sql, args)
            ]

    def read_scalar_columns(
        self, series: SeriesRow, *, min_step: int | None = None, max_step: int | None = None
    ) -> ScalarColumns:
        """Every stored point of ``series`` within the step range (hidden ones too), plus its purges."""
        return self.read_scalar_columns_many([series], min_step=min_step, max_step=max_step)[0]

    def read_scalar_columns_many(
        self, series: Sequence[SeriesRow], *, min_step: int | None = None, max_step: int | None = None
    ) -> list[ScalarColumns]:
        """:meth:`read_scalar_columns` for several series, in a few queries rather than two per series."""
        ids = [s.id for s in series]
        chunks: dict[int, list[tuple[bytes, bytes, bytes, bytes]]] = {i: [] for i in ids}
        purges: dict[int, list[tuple[int, int]]] = {i: [] for i in ids}
        window, extra = payloads.chunk_window(min_step, max_step)
        with self._reader() as conn:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                marks = ",".join("?" * len(part))
                for sid, *blobs in conn.execute(
                    f"SELECT series_id, steps, wall_times, vals, seqs FROM scalar_chunks WHERE series_id IN ({marks})"
                    f"{window} ORDER BY series_id, id",
                    [*part, *extra],
                ):
                    chunks[sid].append(tuple(blobs))
                for sid, step, seq in conn.execute(
                    "SELECT s.id, p.step, p.seq FROM purges p JOIN series s ON s.run_id = p.run_id"
                    f" WHERE s.id IN ({marks}) AND (p.series_id IS NULL OR p.series_id = s.id)",
                    part,
                ):
                    purges[sid].append((step, seq))
        out = []
        for sid in ids:
            rows = chunks[sid]
            if rows:
                steps = np.concatenate([decode_ints(r[0]) for r in rows])
                walls = np.concatenate([np.frombuffer(r[1], _F8) for r in rows])
                values = np.concatenate([decode_floats(r[2]) for r in rows])
                seqs = np.concatenate([decode_ints(r[3]) for r in rows])
            else:
                steps = np.empty(0, _I8)
                walls = np.empty(0, _F8)
                values = np.empty(0, _F8)
                seqs = np.empty(0, _I8)
            out.append(
                ScalarColumns(
                    steps=steps,
                    wall_times=walls,
                    values=values,
                    seqs=seqs,
                    purge_steps=np.asarray([p[0] for p in purges[sid]], dtype=_I8),
                    purge_seqs=np.asarray([p[1] for p in purges[sid]], dtype=_I8),
                )
            )
        return out

    def read_tensor_rows(
        self, series: Sequence[SeriesRow], *, min_step: int | None = None, max_step: int | None = None
    ) -> list[TensorRows]:
        """Every stored point of each tensors-class series (hidden ones too), plus the purges that apply."""
        with self._reader() as conn:
            return payloads.read_tensor_rows(conn, [s.id for s in series], min_step=min_step, max_step=max_step)

    def read_blob_rows(
        self, series: Sequence[SeriesRow], *, min_step: int | None = None, max_step: int | None = None
    ) -> list[BlobRows]:
        """Every stored item of each blobs-class series (hidden ones too), plus the purges that apply."""
        with self._reader() as conn:
            return payloads.read_blob_rows(conn, [s.id for s in series], min_step=min_step, max_step=max_step)

    def blob_location(self, blob_id: int) -> BlobLocation | None:
        """Where the bytes of blob item ``blob_id`` are (None: no such item)."""
        with self._reader() as conn:
            return payloads.blob_location(conn, blob_id)

    def logdir(self) -> str | None:
        with self._reader() as conn:
            return self._meta(conn, "logdir")

    def status(self, *, problem_limit: int = 200) -> StoreStatus:
        with self._reader() as conn:
            return self._status(conn, problem_limit)

    def _status(self, conn: sqlite3.Connection, problem_limit: int) -> StoreStatus:
        files, total, read, records, skipped = conn.execute(
            "SELECT count(*), coalesce(sum(size),0), coalesce(sum(offset),0), coalesce(sum(records),0),"
            " coalesce(sum(skipped),0) FROM files"
        ).fetchone()
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
        last = self._meta(conn, "last_update")
        problems = tuple(
            ProblemRow(path=r[0], offset=r[1], kind=r[2], message=r[3], gap=r[4])
            for r in conn.execute(
                "SELECT path, offset, kind, message, gap FROM problems ORDER BY path, offset LIMIT ?",
                (problem_limit,),
            )
        )
        by_plugin = {
            str(p): int(n) for p, n in conn.execute("SELECT plugin, count(DISTINCT tag) FROM series GROUP BY plugin")
        }
        return StoreStatus(
            files=int(files),
            bytes_total=int(total),
            bytes_read=int(read),
            records=int(records),
            skipped=int(skipped),
            runs=int(runs),
            last_update=None if last is None else float(last),
            problems=problems,
            series_by_plugin=by_plugin,
        )

    def file_paths(self) -> Sequence[str]:
        with self._reader() as conn:
            return [r[0] for r in conn.execute("SELECT path FROM files ORDER BY path")]
