"""The tensors and blobs storage classes: exact round trips, blobs kept by reference, restarts, changed files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope.errors import Gone, NotFound
from telescope.ingest import Ingester
from telescope.query import list_blobs, read_blob, read_tensor_series
from telescope.store import Store
from telescope.store.tensorcodec import decode_tensor, encode_tensor
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tests.helpers import start_event, version_event, write_events

# Not a kind Telescope knows: stored as opaque tensors / raw blob items, so the core is tested on its own.
TENSOR_PLUGIN = "third_party_tensor"


def tensor_event(tag: str, step: int, values: list[float], wall: float | None = None) -> event_pb2.Event:
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step if wall is None else wall, step=step)
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, double_val=values)
    tensor.tensor_shape.dim.add(size=len(values))
    md = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=TENSOR_PLUGIN))
    ev.summary.value.add(tag=tag, tensor=tensor, metadata=md)
    return ev


def blob_event(tag: str, step: int, items: list[bytes]) -> event_pb2.Event:
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=items)
    tensor.tensor_shape.dim.add(size=len(items))
    md = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="third_party_blobs"),
        data_class=summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    )
    ev.summary.value.add(tag=tag, tensor=tensor, metadata=md)
    return ev


def ingest(logdir: Path, tmp_path: Path) -> Store:
    store = Store(tmp_path / "index.sqlite", logdir=str(logdir))
    Ingester(logdir, store).poll_once()
    return store


@pytest.mark.parametrize(
    "value",
    [
        np.arange(12, dtype=np.float64).reshape(4, 3),
        np.array([[1, 2], [3, 4]], dtype=np.int32),
        np.array(3.5, dtype=np.float32),
        np.zeros((0, 3)),
        np.array([[b"a", "é".encode()], [b"", b"\x00\xff"]], dtype=object),
        np.array(["markdown *text*"]),
    ],
)
def test_tensor_codec_round_trips_exactly(value: Any) -> None:
    back = decode_tensor(*encode_tensor(value))
    assert back.shape == np.asarray(value).shape
    if np.asarray(value).dtype.kind in "OU":
        expected = [v.encode() if isinstance(v, str) else v for v in np.asarray(value).reshape(-1).tolist()]
        assert back.reshape(-1).tolist() == expected
    else:
        assert back.dtype == np.asarray(value).dtype
        assert np.array_equal(back, value)


def test_unclaimed_tensors_are_kept_and_read_back(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    write_events(
        logdir / "run" / "events.out.tfevents.1.h",
        version_event(),
        *(tensor_event("weights", s, [s, s + 0.5, -s]) for s in range(5)),
    )
    store = ingest(logdir, tmp_path)
    (row,) = store.list_series(tag="weights")
    assert (row.plugin, row.storage_class, row.count) == (TENSOR_PLUGIN, "tensors", 5)
    series = read_tensor_series(store, row)
    assert series.steps.tolist() == [0, 1, 2, 3, 4]
    assert [v.tolist() for v in series.values] == [[s, s + 0.5, -s] for s in range(5)]


def test_a_restart_hides_earlier_tensor_points(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    path = logdir / "run" / "events.out.tfevents.1.h"
    write_events(path, version_event(), *(tensor_event("t", s, [float(s)]) for s in range(6)))
    write_events(path, start_event(3, 1_700_000_100.0), tensor_event("t", 3, [30.0], wall=1_700_000_101.0), append=True)
    store = ingest(logdir, tmp_path)
    (row,) = store.list_series(tag="t")
    shown = read_tensor_series(store, row)
    assert list(zip(shown.steps.tolist(), [v.tolist() for v in shown.values], strict=True)) == [
        (0, [0.0]),
        (1, [1.0]),
        (2, [2.0]),
        (3, [30.0]),
    ]
    everything = read_tensor_series(store, row, include_hidden=True)
    assert len(everything.steps) == 7 and int(everything.hidden.sum()) == 3


def test_large_blobs_are_referenced_not_copied(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    rng = np.random.default_rng(0)
    big = [rng.bytes(200_000), rng.bytes(150_000)]
    small = b"tiny"
    path = write_events(
        logdir / "run" / "events.out.tfevents.1.h",
        version_event(),
        blob_event("b", 0, big),
        blob_event("b", 1, [small]),
    )
    store = ingest(logdir, tmp_path)
    (row,) = store.list_series(tag="b")
    items = list_blobs(store, row)
    assert [(b.step, b.index, b.length) for b in items] == [(0, 0, 200_000), (0, 1, 150_000), (1, 0, 4)]
    assert [read_blob(store, b.id) for b in items] == [*big, small]
    assert os.path.getsize(tmp_path / "index.sqlite") < 200_000  # the payloads stayed in the event file
    located = store.blob_location(items[0].id)
    assert located is not None and located.data is None and located.path == "run/events.out.tfevents.1.h"

    # The event file is replaced behind the index's back: the item is gone, said clearly, never wrong bytes.
    data = bytearray(path.read_bytes())
    data[located.offset + 10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(Gone, match="--reindex"):
        read_blob(store, items[0].id)
    with pytest.raises(NotFound):
        read_blob(store, 10_000)


def test_blob_route_serves_bytes_safely_and_cacheably(tmp_path: Path, app_client: Any) -> None:
    logdir = tmp_path / "logs"
    payload = b"<script>alert(1)</script>" * 300
    write_events(logdir / "run" / "events.out.tfevents.1.h", version_event(), blob_event("b", 0, [payload]))
    client = app_client(logdir)
    store = Store(next(tmp_path.glob("index*.sqlite")))
    (row,) = store.list_series(tag="b")
    (item,) = list_blobs(store, row)
    r = client.get(f"/api/blobs/{item.id}?v={item.key}")
    assert r.status_code == 200 and r.content == payload
    assert r.headers["content-type"] == "application/octet-stream"  # never served as a page
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in r.headers["cache-control"]
    assert "immutable" not in client.get(f"/api/blobs/{item.id}?v=stale").headers["cache-control"]
    again = client.get(f"/api/blobs/{item.id}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    missing = client.get("/api/blobs/999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_tensor_points_are_read_back_in_order_within_step_windows(tmp_path: Path) -> None:
    """Points of many dtypes and shapes, more than a chunk holds, appended in two batches."""
    from telescope.store import FileState, IngestBatch, SeriesState, TensorAppend

    rng = np.random.default_rng(5)
    n = 2 * 1024 + 300
    steps = np.cumsum(rng.integers(-3, 5, n)).astype(np.int64)  # with steps going back
    walls = 1.7e9 + rng.random(n)
    seqs = np.arange(n, dtype=np.int64) * 3
    values: list[Any] = []
    for i in range(n):
        kind = (i // 700) % 4 if i < 2000 else i % 6  # long runs of one kind, then every kind in turn
        if kind == 0:
            values.append(rng.random((30, 3)))
        elif kind == 1:
            values.append(rng.random((int(rng.integers(0, 4)), 3)))
        elif kind == 2:
            values.append(rng.integers(-9, 9, (2, 2)).astype(np.int32))
        elif kind == 3:
            values.append(np.array([f"text {i}".encode(), b""], dtype=object))
        elif kind == 4:
            values.append(np.array(float(i), dtype=np.float32))
        else:
            values.append(np.zeros((0, 3)))
    store = Store(tmp_path / "index.sqlite")
    series = SeriesState(run="r", tag="t", plugin="third_party_tensor", storage_class="tensors")
    state = FileState(path="f", run="r")
    for part in (slice(0, 1500), slice(1500, n)):
        app = TensorAppend("r", "t", steps[part], walls[part], seqs[part], values[part])
        store.commit(IngestBatch(files=[state], series=[series], tensors=[app], next_seq=n * 3))
    (row,) = store.list_series()
    for lo, hi in [(None, None), (10, 20), (None, 5), (int(steps[1600]), None), (-(10**6), -(10**5))]:
        got = store.read_tensor_rows([row], min_step=lo, max_step=hi)[0]
        want = [i for i in range(n) if (lo is None or steps[i] >= lo) and (hi is None or steps[i] <= hi)]
        assert got.steps.tolist() == steps[want].tolist()
        assert got.wall_times.tolist() == walls[want].tolist()
        assert got.seqs.tolist() == seqs[want].tolist()
        assert len(got.values) == len(want)
        for v, i in zip(got.values, want, strict=True):
            expected = values[i]
            assert v.shape == expected.shape
            if expected.dtype == object:
                assert v.tolist() == expected.tolist()
            else:
                assert v.dtype == expected.dtype and v.tobytes() == expected.tobytes()


@pytest.mark.parametrize("dtype", ["<f8", ">f4", "<i2"])
def test_stacked_tensor_points_read_back_as_points(tmp_path: Path, dtype: str) -> None:
    """Points handed over as one stacked array (as bulk decoding gives them) come back one by one, exactly."""
    from telescope.store import FileState, IngestBatch, SeriesState, TensorAppend

    rng = np.random.default_rng(8)
    n = 2500  # more than two chunks
    stacked = (rng.random((n, 30, 3)) * 1000).astype(dtype)
    steps = np.arange(n, dtype=np.int64) * 2
    walls = 1.7e9 + np.arange(n) * 0.5
    store = Store(tmp_path / "index.sqlite")
    series = SeriesState(run="r", tag="h", plugin="third_party_tensor", storage_class="tensors")
    app = TensorAppend("r", "h", steps, walls, steps + 7, stacked)
    store.commit(IngestBatch(files=[FileState(path="f", run="r")], series=[series], tensors=[app], next_seq=3 * n))
    (row,) = store.list_series()
    got = store.read_tensor_rows([row], min_step=1001, max_step=3999)[0]
    want = np.flatnonzero((steps >= 1001) & (steps <= 3999))
    assert got.steps.tolist() == steps[want].tolist()
    assert got.seqs.tolist() == (steps[want] + 7).tolist()
    assert len(got.values) == len(want)
    for v, i in zip(got.values, want.tolist(), strict=True):
        assert v.shape == (30, 3) and np.array_equal(v, stacked[i])
        assert v.dtype == np.dtype(dtype).newbyteorder("<")


def test_a_checkpoint_leaves_every_point_in_the_index_file(tmp_path: Path) -> None:
    """After a checkpoint the database file alone holds the data (its WAL may be lost or left behind)."""
    import shutil
    import sqlite3

    from telescope.store import FileState, IngestBatch, SeriesState, TensorAppend

    store = Store(tmp_path / "index.sqlite")
    series = SeriesState(run="r", tag="t", plugin="third_party_tensor", storage_class="tensors")
    values = np.arange(300, dtype=np.float64).reshape(100, 3)
    steps = np.arange(100, dtype=np.int64)
    app = TensorAppend("r", "t", steps, steps * 1.0, steps, values)
    store.commit(IngestBatch(files=[FileState(path="f", run="r")], series=[series], tensors=[app], next_seq=100))
    reader = sqlite3.connect(tmp_path / "index.sqlite")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM series").fetchall()  # a reader on the WAL: not waited for
    assert not store.checkpoint()
    reader.rollback()
    assert store.checkpoint()
    assert (tmp_path / "index.sqlite-wal").stat().st_size == 0
    (tmp_path / "copy").mkdir()
    shutil.copy(tmp_path / "index.sqlite", tmp_path / "copy" / "index.sqlite")  # without its -wal file
    copy = Store(tmp_path / "copy" / "index.sqlite")
    (row,) = copy.list_series()
    got = copy.read_tensor_rows([row])[0]
    assert got.steps.tolist() == steps.tolist()
    assert np.array_equal(np.stack(got.values), values)
    store.close()
    copy.close()
