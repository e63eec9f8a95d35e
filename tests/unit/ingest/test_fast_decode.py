"""Bulk (vectorised) framing and decoding give exactly what record-by-record parsing gives."""

from __future__ import annotations

import math
import random
import struct
from pathlib import Path

import numpy as np
import pytest

from telescope.ingest import Ingester
from telescope.ingest.fastdecode import decode_scalar_groups, parse_layout
from telescope.query import read_scalar_series
from telescope.store import Store
from telescope.tfrecord.batch import frame_block, verify_payload_crcs
from telescope.tfrecord.framing import encode_record, read_frames
from telescope.tfrecord.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2


def random_event(rng: random.Random, step: int) -> event_pb2.Event:
    """A mix of what producers write, including awkward cases."""
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step * 0.37 + rng.random(), step=step)
    kind = rng.random()
    tag = rng.choice(["loss", "acc1", "acc2", "lr", "x/y", "päth", ""])
    if kind < 0.5:
        ev.summary.value.add(tag=tag, simple_value=rng.choice([rng.gauss(0, 1), math.nan, math.inf, 0.0]))
    elif kind < 0.65:
        v = ev.summary.value.add(tag=tag + "_t")
        v.metadata.plugin_data.plugin_name = "scalars"
        v.tensor.CopyFrom(tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[rng.random()]))
    elif kind < 0.75:
        v = ev.summary.value.add(tag=tag + "_c")
        v.metadata.plugin_data.plugin_name = "scalars"
        v.tensor.CopyFrom(
            tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, tensor_content=struct.pack("<f", rng.random()))
        )
    elif kind < 0.8:
        v = ev.summary.value.add(tag=tag + "_d")
        v.metadata.plugin_data.plugin_name = "scalars"
        v.metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
        v.tensor.CopyFrom(tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, double_val=[rng.random()]))
    elif kind < 0.85:  # several values in one event
        ev.summary.value.add(tag="m1", simple_value=1.0)
        ev.summary.value.add(tag="m2", simple_value=2.0)
    elif kind < 0.9:
        ev.session_log.status = event_pb2.SessionLog.START
    elif kind < 0.95:
        v = ev.summary.value.add(tag="hist")
        v.histo.bucket.extend([1.0, 2.0])
        v.histo.bucket_limit.extend([0.0, 1.0])
    else:
        ev.wall_time = math.nan
        ev.summary.value.add(tag="loss", simple_value=1.0)
    return ev


def write_stream(rng: random.Random, n: int) -> bytes:
    out = [encode_record(event_pb2.Event(wall_time=1.7e9, file_version="brain.Event:2").SerializeToString())]
    step = rng.randint(-5, 5)
    for _ in range(n):
        if rng.random() < 0.02:
            step = rng.choice([step - 40, 2**40, 127, 16383, 2**63 - 200, -(2**40)])
        out.append(encode_record(random_event(rng, step).SerializeToString()))
        if rng.random() < 0.8:
            step += 1
    return b"".join(out)


@pytest.mark.parametrize("seed", range(6))
def test_frame_block_matches_read_frames(seed: int) -> None:
    rng = random.Random(seed)
    data = bytearray(write_stream(rng, 3000))
    for _ in range(seed):  # some corruption in later seeds
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    data = bytes(data[: rng.randrange(len(data) // 2, len(data) + 1)])
    slow = read_frames(data, 100)
    fast = frame_block(data, 100)
    assert (fast.starts - 12 + 100).tolist() == slow.offsets
    assert fast.end == slow.end
    assert [(p.offset, p.kind) for p in fast.problems] == [(p.offset, p.kind) for p in slow.problems]


def test_periodic_stream_frames_in_bulk() -> None:
    tags = ["loss", "accuracy", "lr", "val/loss"]
    records = b"".join(
        encode_record(
            event_pb2.Event(
                wall_time=1.7e9 + s, step=s, summary=summary_pb2.Summary(value=[{"tag": t, "simple_value": s / 7}])
            ).SerializeToString()
        )
        for s in range(5000)
        for t in tags
    )
    fast = frame_block(records)
    assert len(fast.starts) == 20000 and fast.problems == []
    assert fast.end == len(records)
    groups, done, _ = decode_scalar_groups(np.frombuffer(records, np.uint8), fast.starts, fast.lengths)
    assert done.mean() > 0.99
    by_tag = {g.tag: g for g in groups if g.tag == "loss"}
    assert by_tag["loss"].values[:3].tolist() == [np.float32(s / 7) for s in by_tag["loss"].steps[:3].tolist()]


def test_linear_crc_detects_every_single_bit_flip() -> None:
    payloads = [
        event_pb2.Event(
            wall_time=1.7e9 + i, step=i, summary=summary_pb2.Summary(value=[{"tag": "a", "simple_value": i}])
        ).SerializeToString()
        for i in range(200)
    ]
    data = bytearray(b"".join(encode_record(p) for p in payloads))
    starts = np.cumsum([0] + [len(p) + 16 for p in payloads[:-1]]) + 12
    lengths = np.array([len(p) for p in payloads])
    buf = np.frombuffer(bytes(data), np.uint8)
    assert verify_payload_crcs(buf, starts, lengths).all()
    for bit in range(0, len(payloads[5]) * 8, 3):
        corrupted = bytearray(data)
        corrupted[int(starts[5]) + bit // 8] ^= 1 << (bit % 8)
        ok = verify_payload_crcs(np.frombuffer(bytes(corrupted), np.uint8), starts, lengths)
        assert ok.tolist() == [i != 5 for i in range(200)]


def test_layout_rejects_unusual_events() -> None:
    ev = event_pb2.Event(wall_time=1.0, step=3)
    ev.summary.value.add(tag="a", simple_value=1.0)
    ev.summary.value.add(tag="b", simple_value=2.0)
    assert parse_layout(ev.SerializeToString()) is None
    ev2 = event_pb2.Event(wall_time=1.0, step=3, file_version="brain.Event:2")
    assert parse_layout(ev2.SerializeToString()) is None
    ok = event_pb2.Event(wall_time=1.0, step=300)
    ok.summary.value.add(tag="a", simple_value=1.0)
    layout = parse_layout(ok.SerializeToString())
    assert layout is not None and layout.tag == b"a" and layout.step is not None and layout.step[1] == 2


def reference(data: bytes) -> dict[str, list[tuple[int, float]]]:
    """What parsing every record gives (no restart rules: a flat list per tag)."""
    out: dict[str, list[tuple[int, float]]] = {}
    for p in read_frames(data).payloads:
        ev = event_pb2.Event.FromString(p)
        if ev.WhichOneof("what") != "summary" or not math.isfinite(ev.wall_time):
            continue
        for v in ev.summary.value:
            which = v.WhichOneof("value")
            if which == "simple_value":
                out.setdefault(v.tag, []).append((ev.step, v.simple_value))
            elif which == "tensor":
                t = v.tensor
                num = (
                    t.float_val[0]
                    if t.float_val
                    else t.double_val[0]
                    if t.double_val
                    else struct.unpack("<f", t.tensor_content)[0]
                )
                out.setdefault(v.tag, []).append((ev.step, num))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_ingest_equals_reference_parse(tmp_path: Path, seed: int) -> None:
    rng = random.Random(100 + seed)
    data = write_stream(rng, 4000)
    path = tmp_path / "logs" / "events.out.tfevents.1.h"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    store = Store(tmp_path / "i.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store, block_bytes=4096 * (seed + 1)).poll_once()
    want = reference(data)
    for row in store.list_series(plugin="scalars"):
        got = read_scalar_series(store, row, include_hidden=True)
        pairs = sorted(zip(got.steps.tolist(), got.values.tolist(), strict=True), key=lambda x: (x[0], str(x[1])))
        expected = sorted(want.pop(row.tag), key=lambda x: (x[0], str(x[1])))
        assert [s for s, _ in pairs] == [s for s, _ in expected], row.tag
        np.testing.assert_array_equal([v for _, v in pairs], [v for _, v in expected])
    assert set(want) <= {"hist"}


def test_worker_processes_give_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from telescope.ingest import ingester as ingester_module

    logdir = tmp_path / "logs"
    rng = random.Random(7)
    for r in range(5):
        run = logdir / f"run{r}"
        run.mkdir(parents=True)
        (run / "events.out.tfevents.1.h").write_bytes(write_stream(rng, 1500))
        (run / "events.out.tfevents.2.h").write_bytes(write_stream(rng, 500))
    serial = Store(tmp_path / "serial.sqlite", logdir=str(logdir))
    Ingester(logdir, serial, workers=1).poll_once()
    monkeypatch.setattr(ingester_module, "PARALLEL_MIN_BYTES", 0)
    parallel = Store(tmp_path / "parallel.sqlite", logdir=str(logdir))
    Ingester(logdir, parallel, workers=2, block_bytes=8192).poll_once()

    def content(store: Store) -> dict[tuple[str, str], list[tuple[int, float, bool]]]:
        out = {}
        for row in store.list_series(plugin="scalars"):
            s = read_scalar_series(store, row, include_hidden=True)
            out[(row.run, row.tag)] = [
                (st, v if v == v else "nan", h)
                for st, v, h in zip(s.steps.tolist(), s.values.tolist(), s.hidden.tolist(), strict=True)
            ]
        return out

    assert content(parallel) == content(serial)
    assert parallel.status().records == serial.status().records


def test_cycle_resumes_after_records_that_break_it() -> None:
    # Scalars of four tags per step with an image-sized record of a new length every 25 steps, as a run logging
    # images now and then writes: the records between two images are still framed in bulk, exactly as one by one.
    tags = ["loss", "accuracy", "lr", "val/loss"]
    parts = []
    for s in range(5000):
        parts.extend(
            encode_record(
                event_pb2.Event(
                    wall_time=1.7e9 + s, step=s, summary=summary_pb2.Summary(value=[{"tag": t, "simple_value": s / 7}])
                ).SerializeToString()
            )
            for t in tags
        )
        if s % 25 == 24:
            parts.append(encode_record(bytes(300 + s % 1000)))
    records = b"".join(parts)
    fast = frame_block(records)
    slow = read_frames(records)
    assert (fast.starts - 12).tolist() == slow.offsets and fast.problems == []
    assert sum(seg.count for seg in fast.segments) > 0.8 * len(fast.starts)
