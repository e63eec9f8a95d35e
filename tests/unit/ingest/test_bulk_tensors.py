"""Bulk decoding of fixed-layout tensor records (TF2 histograms) gives exactly the index that decoding every record
one by one gives: same series and kinds, same arrays, restarts, problems and counts, on random streams that mix
histograms of every encoding with scalars, images, corrupt records and restarts."""

from __future__ import annotations

import math
import random
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope.ingest import Ingester, blockdecode, histogroups
from telescope.ingest.histogroups import HistoCandidate
from telescope.ingest.tensorgroups import parse_tensor_layout
from telescope.plugins.histograms.decode import decode, decode_batch
from telescope.store import Store
from telescope.tfrecord.framing import encode_record
from telescope.tfrecord.proto import event_pb2, histogram_pb2, summary_pb2, tensor_pb2, types_pb2

HIST_TAGS = ["layer_0/weights", "layer_1/weights", "act", "ä/hist", ""]
START = 1_700_000_000.0


def histogram_metadata() -> summary_pb2.SummaryMetadata:
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="histograms", content=b"\x08\x01"),
        display_name="",
        summary_description="buckets",
    )


def buckets(rng: random.Random, k: int, cols: int = 3) -> np.ndarray:
    arr = np.array([[rng.gauss(0, 1) for _ in range(cols)] for _ in range(k)])
    if arr.size and rng.random() < 0.1:  # numbers no float formatting round-trips by accident
        arr.flat[rng.randrange(arr.size)] = rng.choice([math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e308])
    return arr


def histogram_tensor(arr: np.ndarray, encoding: str) -> tensor_pb2.TensorProto:
    """``encoding``: '<f8' / '<f4' / '<i4' tensor_content, or 'double_val' / 'float_val' packed."""
    t = tensor_pb2.TensorProto()
    for d in arr.shape:
        t.tensor_shape.dim.add(size=d)
    with np.errstate(over="ignore", invalid="ignore"):  # 1e308 as float32 is inf, as intended
        if encoding == "double_val":
            t.dtype = types_pb2.DT_DOUBLE
            t.double_val.extend(arr.reshape(-1).tolist())
        elif encoding == "float_val":
            t.dtype = types_pb2.DT_FLOAT
            t.float_val.extend(arr.astype(np.float32).reshape(-1).tolist())
        else:
            t.dtype = {"<f8": types_pb2.DT_DOUBLE, "<f4": types_pb2.DT_FLOAT, "<i4": types_pb2.DT_INT32}[encoding]
            numbers = np.nan_to_num(arr, posinf=7.0, neginf=-7.0) if encoding == "<i4" else arr
            t.tensor_content = numbers.astype(encoding).tobytes()
    return t


def legacy_histogram(rng: random.Random, histo: histogram_pb2.HistogramProto, k: int) -> None:
    """Empty buckets at the ends, or none filled; fields at 0 (left out of the bytes) now and then."""
    counts = [rng.choice([0.0, 1.0, 3.0, 7.5]) for _ in range(k)]
    if rng.random() < 0.3:
        counts[0] = counts[-1] = 0.0
    if rng.random() < 0.02:
        counts = [rng.choice([0.0, -1.0, math.nan]) for _ in range(k)]
    histo.min = rng.choice([rng.gauss(0, 1), 0.0, -math.inf]) if rng.random() < 0.2 else rng.gauss(0, 1)
    histo.max = rng.gauss(5, 1) if rng.random() > 0.05 else 0.0
    histo.num = float(sum(c for c in counts if c == c))
    histo.sum = rng.gauss(0, 10) if rng.random() > 0.05 else 0.0
    histo.sum_squares = abs(rng.gauss(0, 10))
    histo.bucket_limit.extend(sorted(rng.gauss(0, 2) for _ in range(k)))
    histo.bucket.extend(counts)


def png(rng: random.Random, size: int) -> bytes:
    head = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 8, 6)
    return head + bytes(rng.randrange(256) for _ in range(size))


class Writer:
    """One run's stream: per tag an encoding and a bucket count, mostly kept, sometimes changed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        encodings = ["<f8", "<f8", "<f4", "double_val", "float_val", "<i4", "legacy", "legacy"]
        self.encoding = {t: rng.choice(encodings) for t in [*HIST_TAGS, "mixed"]}
        self.k = {t: rng.choice([0, 1, 3, 30, 30, 200]) for t in [*HIST_TAGS, "mixed"]}
        self.metadata_always = rng.random() < 0.5
        self.seen: set[str] = {"mixed"}
        self.mixed_scalars = rng.randrange(10, 30)

    def histogram(self, ev: event_pb2.Event, tag: str) -> None:
        rng = self.rng
        k = self.k[tag] if rng.random() > 0.02 else rng.choice([2, 30, 31])
        cols = 3 if rng.random() > 0.01 else 4  # a malformed histogram: rejected, one by one or in bulk
        encoding = self.encoding[tag] if rng.random() > 0.02 else rng.choice(["<f8", "double_val"])
        v = ev.summary.value.add(tag=tag)
        if encoding == "legacy" or rng.random() < 0.01:
            # As PyTorch writes them: no metadata; the bucket count varies from step to step.
            legacy_histogram(rng, v.histo, max(1, k + rng.randrange(-2, 3)))
            return
        if tag not in self.seen or self.metadata_always:
            v.metadata.CopyFrom(histogram_metadata())
            self.seen.add(tag)
        v.tensor.CopyFrom(histogram_tensor(buckets(rng, k, cols), encoding))

    def event(self, step: int) -> event_pb2.Event:
        rng = self.rng
        ev = event_pb2.Event(wall_time=START + step * 0.25 + rng.random(), step=step)
        kind = rng.random()
        if kind < 0.55:
            self.histogram(ev, rng.choice(HIST_TAGS))
        elif kind < 0.7:
            ev.summary.value.add(tag=rng.choice(["loss", "acc"]), simple_value=rng.gauss(0, 1))
        elif kind < 0.75:
            # A tag that starts as scalars (decoded in bulk) and goes on as histograms: its kind is its first
            # value's, wherever that was decoded.
            if self.mixed_scalars:
                self.mixed_scalars -= 1
                ev.summary.value.add(tag="mixed", simple_value=1.0)
            else:
                self.histogram(ev, "mixed")
        elif kind < 0.8:
            v = ev.summary.value.add(tag="opaque")  # a tensor no kind claims: kept as is, parsed one by one
            v.metadata.plugin_data.plugin_name = "third_party"
            v.tensor.CopyFrom(histogram_tensor(buckets(rng, 4), "<f8"))
        elif kind < 0.86:
            v = ev.summary.value.add(tag=rng.choice(["inputs", "samples"]))
            v.metadata.plugin_data.plugin_name = "images"
            items = [png(rng, rng.choice([50, 5000])) for _ in range(rng.choice([1, 2]))]
            v.tensor.CopyFrom(tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[b"8", b"6", *items]))
            v.tensor.tensor_shape.dim.add(size=2 + len(items))
        elif kind < 0.88:
            self.histogram(ev, "layer_0/weights")
            ev.summary.value.add(tag="loss", simple_value=2.0)  # several values in one event
        elif kind < 0.9:
            ev.session_log.status = event_pb2.SessionLog.START
        elif kind < 0.91:
            ev.wall_time = math.nan
            self.histogram(ev, rng.choice(HIST_TAGS))
        else:
            self.histogram(ev, "layer_1/weights")
        return ev


def write_stream(rng: random.Random, n: int, corrupt: int) -> bytes:
    w = Writer(rng)
    out = [encode_record(event_pb2.Event(wall_time=START, file_version="brain.Event:2").SerializeToString())]
    step = rng.randint(0, 5)
    for _ in range(n):
        if rng.random() < 0.01:
            step = rng.choice([step - 30, 127, 16383, 2**40, -(2**40)])  # restarts and varint widths
        out.append(encode_record(w.event(step).SerializeToString()))
        if rng.random() < 0.7:
            step += 1
    data = bytearray(b"".join(out))
    for _ in range(corrupt):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def hidden(steps: np.ndarray, seqs: np.ndarray, purge_steps: np.ndarray, purge_seqs: np.ndarray) -> list[bool]:
    """Which points a restart hides: a purge at step s recorded after a point hides it if its step is >= s."""
    return [bool(((purge_seqs > q) & (purge_steps <= st)).any()) for st, q in zip(steps, seqs, strict=True)]


def item_bytes(store: Store, blob_id: int) -> bytes:
    """A blob item's bytes, kept in the index or read from its event file (where a value decoded by the ingester
    itself, without its record's bytes at hand, keeps them inline)."""
    loc = store.blob_location(blob_id)
    assert loc is not None
    if loc.data is not None:
        return loc.data
    assert loc.path is not None
    with open(Path(str(store.logdir())) / loc.path, "rb") as f:
        f.seek(loc.offset)
        return f.read(loc.length)


def index_content(store: Store, *, seqs: bool = True) -> dict[str, Any]:
    """Everything a user can get out of the index, in comparable form. Without ``seqs``, ingest sequence numbers
    (which depend on the order runs were read in) are left out, and which points restarts hide is kept."""
    series = store.list_series()
    out: dict[str, Any] = {
        "series": [
            (s.run, s.tag, s.plugin, s.storage_class, s.display_name, s.description, s.count, s.content) for s in series
        ],
        "runs": store.list_runs(),
    }
    status = store.status(problem_limit=10**6)
    out["status"] = (status.records, status.skipped, status.files, status.series_by_plugin)
    out["problems"] = [(p.path, p.offset, p.kind, p.message, p.gap) for p in status.problems]

    def order(steps: np.ndarray, sq: np.ndarray, purge_steps: np.ndarray, purge_seqs: np.ndarray) -> list[Any]:
        if seqs:
            return [sq.tolist(), purge_steps.tolist(), purge_seqs.tolist()]
        return [hidden(steps, sq, purge_steps, purge_seqs), sorted(set(purge_steps.tolist()))]

    tensors = [s for s in series if s.storage_class == "tensors"]
    for s, rows in zip(tensors, store.read_tensor_rows(tensors), strict=True):
        out[f"tensors {s.run} {s.tag}"] = (
            rows.steps.tolist(),
            rows.wall_times.tolist(),
            [(v.dtype.str, v.shape, v.tobytes()) for v in rows.values],
            *order(rows.steps, rows.seqs, rows.purge_steps, rows.purge_seqs),
        )
    scalars = [s for s in series if s.storage_class == "scalars"]
    for s, cols in zip(scalars, store.read_scalar_columns_many(scalars), strict=True):
        out[f"scalars {s.run} {s.tag}"] = (
            cols.steps.tolist(),
            cols.wall_times.tolist(),
            cols.values.tobytes(),
            *order(cols.steps, cols.seqs, cols.purge_steps, cols.purge_seqs),
        )
    blobs = [s for s in series if s.storage_class == "blobs"]
    for s, b in zip(blobs, store.read_blob_rows(blobs), strict=True):
        steps = np.array([i.step for i in b.items], dtype=np.int64)
        item_seqs = np.array([i.seq for i in b.items], dtype=np.int64)
        out[f"blobs {s.run} {s.tag}"] = (
            [(i.step, i.wall_time, i.index, i.length, i.crc, i.meta) for i in b.items],
            [item_bytes(store, i.id) for i in b.items],
            *order(steps, item_seqs, b.purge_steps, b.purge_seqs),
        )
    return out


def write_logdir(root: Path, seed: int) -> Path:
    rng = random.Random(seed)
    logdir = root / "logs"
    for r in range(3):
        run = logdir / f"run{r}"
        run.mkdir(parents=True)
        (run / "events.out.tfevents.1.h").write_bytes(write_stream(rng, 1500, corrupt=seed % 4))
        if r == 1:  # a second file of the run, read after the first
            (run / "events.out.tfevents.2.h").write_bytes(write_stream(rng, 400, corrupt=0))
    return logdir


def ingest(
    logdir: Path, db: Path, *, mode: str, block_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[Store, int]:
    """Ingest with tensor records decoded in bulk (``mode`` "bulk"), one by one in the block decoder ("parsed"),
    or with nothing decoded before the ingester applies the block ("plain", the simplest path). Also returns how
    many records the bulk path decoded."""
    decoded = [0]
    original = blockdecode.decode_block
    find_histos = histogroups.find_histo_candidates

    def counting(*args: Any, **kwargs: Any) -> blockdecode.DecodedBlock:
        block = original(*args, **kwargs)
        # Stacked arrays: decoded in bulk (values parsed one by one are grouped too, as lists).
        decoded[0] += sum(len(g.record_index) for g in block.tensor_groups if isinstance(g.values, np.ndarray))
        return block

    def counting_histos(*args: Any) -> tuple[list[HistoCandidate], np.ndarray]:
        found, bad = find_histos(*args)
        decoded[0] += sum(len(c.record_index) for c in found)  # legacy histograms read in bulk
        return found, bad

    with monkeypatch.context() as m:
        m.setattr(blockdecode, "BULK_TENSORS", mode == "bulk")
        m.setattr(blockdecode, "decode_block", counting)
        m.setattr(blockdecode, "find_histo_candidates", counting_histos)
        if mode == "plain":
            m.setattr(Ingester, "_kinds", lambda self, run: None)
        store = Store(db, logdir=str(logdir))
        Ingester(logdir, store, block_bytes=block_bytes).poll_once()
    return store, decoded[0]


@pytest.mark.parametrize("seed", range(4))
def test_bulk_tensor_decoding_gives_the_same_index(tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    logdir = write_logdir(tmp_path, seed)
    block = [8192, 30_000, 1 << 20, 16 << 20][seed]
    stores = {}
    for mode in ("plain", "parsed", "bulk"):
        stores[mode], decoded = ingest(
            logdir, tmp_path / f"{mode}.sqlite", mode=mode, block_bytes=block, monkeypatch=monkeypatch
        )
        assert decoded == 0 or mode == "bulk"
    histograms = sum(s.count for s in stores["bulk"].list_series(plugin="histograms"))
    assert decoded > histograms // 3 or block < 1 << 20, (decoded, histograms)  # the bulk path did most of the work
    plain = index_content(stores["plain"])
    for mode in ("parsed", "bulk"):
        content = index_content(stores[mode])
        assert content.keys() == plain.keys()
        for key in plain:
            assert content[key] == plain[key], (mode, key)
    # The streams hold what the comparison is about.
    kinds = {p.kind for p in stores["bulk"].status(problem_limit=10**6).problems}
    assert {"bad_value", "bad_wall_time"} <= kinds
    assert seed % 4 == 0 or "data_crc" in kinds or "length_crc" in kinds
    mixed = stores["bulk"].list_series(tag="mixed")
    assert mixed and all(s.plugin == "scalars" for s in mixed)


def test_worker_processes_give_the_same_tensors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from telescope.ingest import ingester as ingester_module

    logdir = write_logdir(tmp_path, 11)
    one_by_one, _ = ingest(
        logdir, tmp_path / "plain.sqlite", mode="plain", block_bytes=1 << 20, monkeypatch=monkeypatch
    )
    monkeypatch.setattr(ingester_module, "PARALLEL_MIN_BYTES", 0)
    parallel = Store(tmp_path / "parallel.sqlite", logdir=str(logdir))
    Ingester(logdir, parallel, workers=2, block_bytes=16384).poll_once()
    assert index_content(parallel, seqs=False) == index_content(one_by_one, seqs=False)


def test_layout_is_found_only_for_one_tensor_with_one_content_field() -> None:
    ev = event_pb2.Event(wall_time=1.0, step=300)
    v = ev.summary.value.add(tag="h", metadata=histogram_metadata())
    v.tensor.CopyFrom(histogram_tensor(np.ones((30, 3)), "<f8"))
    layout = parse_tensor_layout(ev.SerializeToString())
    assert layout is not None and layout.tag == b"h" and layout.content_width == 720
    assert layout.step is not None and layout.step[1] == 2
    v.tensor.int_val.append(1)  # a second numbers field
    assert parse_tensor_layout(ev.SerializeToString()) is None
    empty = event_pb2.Event(wall_time=1.0, step=3)
    empty.summary.value.add(tag="h").tensor.CopyFrom(histogram_tensor(np.ones((0, 3)), "<f8"))
    assert parse_tensor_layout(empty.SerializeToString()) is None  # nothing varies: parsed one by one
    two = event_pb2.Event(wall_time=1.0, step=3)
    two.summary.value.add(tag="a").tensor.CopyFrom(histogram_tensor(np.ones((2, 3)), "<f8"))
    two.summary.value.add(tag="b").tensor.CopyFrom(histogram_tensor(np.ones((2, 3)), "<f8"))
    assert parse_tensor_layout(two.SerializeToString()) is None


@pytest.mark.parametrize("encoding", ["<f8", "<f4", "double_val", "float_val"])
def test_decode_batch_equals_decode(encoding: str) -> None:
    rng = random.Random(encoding)
    arrays = [buckets(rng, 7) for _ in range(20)]
    values = [summary_pb2.Summary.Value(tag="h", tensor=histogram_tensor(a, encoding)) for a in arrays]
    field = {"<f8": "tensor_content", "<f4": "tensor_content"}.get(encoding, encoding)

    def content(v: summary_pb2.Summary.Value) -> bytes:
        if field == "tensor_content":
            return bytes(v.tensor.tensor_content)
        return np.asarray(getattr(v.tensor, field), "<f8" if field == "double_val" else "<f4").tobytes()

    contents = np.array([np.frombuffer(content(v), np.uint8) for v in values])
    got = decode_batch(values[3], contents)
    assert got.shape == (20, 7, 3)
    for row, v in zip(got, values, strict=True):
        assert row.tobytes() == decode(v).tobytes()


@pytest.mark.parametrize(
    "tensor",
    [
        histogram_tensor(np.ones((4, 4)), "<f8"),  # not [k, 3]: decode rejects it too
        histogram_tensor(np.ones((4, 3)), "<i4"),  # decode takes it; the batch path leaves it to decode
        tensor_pb2.TensorProto(
            dtype=types_pb2.DT_DOUBLE, double_val=[1.0], tensor_shape={"dim": [{"size": 2}, {"size": 3}]}
        ),
    ],
)
def test_decode_batch_refuses_what_it_cannot_do_exactly(tensor: tensor_pb2.TensorProto) -> None:
    value = summary_pb2.Summary.Value(tag="h", tensor=tensor)
    width = len(tensor.tensor_content) or 8 * len(tensor.double_val)
    with pytest.raises(ValueError):
        decode_batch(value, np.zeros((3, width), dtype=np.uint8))
