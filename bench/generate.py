"""Deterministic logdirs of known sizes for the benchmarks, written fast in bulk.

    python bench/generate.py --size M          # writes bench/data/M (skipped when already complete)

Layout, as real writers produce it: one directory per run holding one event file, whose first record is the
``file_version`` event, followed for each step by one event per tag, each holding one ``Summary.Value``:

* most runs are in the form torch.utils.tensorboard and tensorboardX write: ``simple_value``;
* every fifth run is in tensor form, as TF2/Keras write it: a rank-0 ``DT_FLOAT`` tensor with the
  ``scalars`` plugin metadata on every value. Half of those hold the number in ``tensor_content``
  (4 bytes, what Keras writes), the other half in ``float_val``.

Records are not built one protobuf message at a time: for one tag, every record whose step varint has the
same length has the same layout, so a block of them is a 2-D byte array whose columns are filled at once
(wall times, steps, values), and the masked CRC32C of every row is computed column by column with a lookup
table. The first records of each form are checked against the real protobuf classes and framing.

A finished logdir holds ``manifest.json`` (parameters, files, sizes, expected counts); it is written last, in
a directory that is then renamed into place, so a logdir with a matching manifest is complete and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "data"
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

GENERATOR_VERSION = 1
SEED = 20261126
BASE_WALL_TIME = 1_795_600_000.0
TAGS = (
    "loss",
    "accuracy",
    "learning_rate",
    "grad_norm",
    "val/loss",
    "val/accuracy",
    "throughput",
    "weight_norm",
    "perplexity",
    "epoch_time",
)


@dataclass(frozen=True)
class Size:
    name: str
    runs: int
    tags: int
    steps: int

    @property
    def points(self) -> int:
        return self.runs * self.tags * self.steps


SIZES = {
    "S": Size("S", runs=10, tags=10, steps=1_000),
    "M": Size("M", runs=100, tags=10, steps=10_000),
    "L": Size("L", runs=1_000, tags=5, steps=2_000),
}


def run_name(i: int) -> str:
    return f"run_{i:04d}"


def run_form(i: int) -> str:
    """``simple`` (torch/tensorboardX), ``tensor_content`` (TF2/Keras) or ``float_val``."""
    if i % 10 == 4:
        return "tensor_content"
    if i % 10 == 9:
        return "float_val"
    return "simple"


# -- CRC32C, vectorised over rows -------------------------------------------------------------------------


def _crc_table() -> np.ndarray:
    poly = 0x82F63B78
    table = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table[i] = c
    return table


_TABLE = _crc_table()
_MASK_DELTA = np.uint32(0xA282EAD8)


def masked_crc_rows(rows: np.ndarray) -> np.ndarray:
    """Masked CRC32C of each row of a 2-D uint8 array, as little-endian bytes (n x 4)."""
    crc = np.full(rows.shape[0], 0xFFFFFFFF, dtype=np.uint32)
    for j in range(rows.shape[1]):
        crc = _TABLE[(crc ^ rows[:, j]) & 0xFF] ^ (crc >> np.uint32(8))
    crc ^= np.uint32(0xFFFFFFFF)
    masked = ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + _MASK_DELTA
    return masked.astype("<u4").view(np.uint8).reshape(-1, 4)


# -- record layout ---------------------------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field_bytes(field: int, wire: int, payload: bytes) -> bytes:
    key = _varint((field << 3) | wire)
    return key + (_varint(len(payload)) + payload if wire == 2 else payload)


_SCALARS_METADATA = _field_bytes(1, 2, _field_bytes(1, 2, b"scalars"))  # SummaryMetadata.plugin_data.plugin_name


def _value_parts(tag: str, form: str) -> tuple[bytes, bytes]:
    """``Summary.Value`` serialised around its 4 float bytes: (before, after)."""
    tag_field = _field_bytes(1, 2, tag.encode())
    if form == "simple":
        return tag_field + _varint((2 << 3) | 5), b""
    dtype_shape = _field_bytes(1, 0, b"\x01") + _field_bytes(2, 2, b"")  # DT_FLOAT, shape [] (rank 0)
    number_field = 4 if form == "tensor_content" else 5  # tensor_content bytes / packed float_val
    tensor = dtype_shape + _varint((number_field << 3) | 2) + b"\x04"
    tensor_len = len(tensor) + 4
    before = tag_field + _varint((8 << 3) | 2) + _varint(tensor_len) + tensor
    after = _field_bytes(9, 2, _SCALARS_METADATA)
    return before, after


def _step_classes(steps: int) -> list[tuple[int, int, int]]:
    """(first, stop, varint length) ranges; step 0 is not serialised at all (proto3 default)."""
    out = []
    lo = 0
    for k, hi in ((0, 1), (1, 1 << 7), (2, 1 << 14), (3, 1 << 21), (4, 1 << 28)):
        a, b = max(lo, 0), min(hi, steps)
        if a < b:
            out.append((a, b, k))
        lo = hi
    if steps > 1 << 28:
        raise ValueError("steps beyond 2**28 are not supported by the bulk generator")
    return out


def _varint_columns(steps: np.ndarray, k: int) -> np.ndarray:
    cols = np.empty((len(steps), k), dtype=np.uint8)
    s = steps.astype(np.uint64)
    for i in range(k):
        b = (s >> np.uint64(7 * i)) & np.uint64(0x7F)
        if i < k - 1:
            b |= np.uint64(0x80)
        cols[:, i] = b.astype(np.uint8)
    return cols


def _const(n: int, data: bytes) -> np.ndarray:
    return np.broadcast_to(np.frombuffer(data, dtype=np.uint8), (n, len(data)))


def encode_block(
    steps: np.ndarray, walls: np.ndarray, values: np.ndarray, before: bytes, after: bytes, k: int
) -> np.ndarray:
    """Framed records for one tag and one step-varint length: an (n x record_bytes) uint8 array."""
    n = len(steps)
    value_len = len(before) + 4 + len(after)
    summary = _varint((1 << 3) | 2) + _varint(value_len)
    summary_len = len(summary) + value_len
    step_key = b"\x10" if k else b""
    head = _varint((5 << 3) | 2) + _varint(summary_len) + summary + before
    payload_len = 1 + 8 + len(step_key) + k + len(head) + 4 + len(after)
    length = struct.pack("<Q", payload_len)
    from telescope.tfrecord.crc import masked_crc32c

    header = length + struct.pack("<I", masked_crc32c(length))
    parts = [
        _const(n, header + b"\x09"),
        walls.astype("<f8").view(np.uint8).reshape(n, 8),
    ]
    if k:
        parts += [_const(n, step_key), _varint_columns(steps, k)]
    parts += [_const(n, head), values.astype("<f4").view(np.uint8).reshape(n, 4)]
    if after:
        parts.append(_const(n, after))
    body = np.hstack(parts)
    return np.hstack([body, masked_crc_rows(body[:, 12:])])


# -- one run ------------------------------------------------------------------------------------------------------


def run_values(i: int, size: Size) -> tuple[np.ndarray, np.ndarray]:
    """(wall_times steps x tags, values steps x tags float32) of run ``i``."""
    rng = np.random.default_rng([SEED, i])
    steps = np.arange(size.steps, dtype=np.float64)
    walls = BASE_WALL_TIME + i * 10_000.0 + steps[:, None] * 0.05 + np.arange(size.tags)[None, :] * 1e-4
    decay = rng.uniform(500, 5000, size.tags)
    start = rng.uniform(0.5, 5.0, size.tags)
    noise = rng.normal(0.0, 0.02, (size.steps, size.tags)).cumsum(axis=0) * 0.1
    values = start[None, :] * np.exp(-steps[:, None] / decay[None, :]) + noise + rng.normal(0, 0.01, noise.shape)
    return walls, values.astype(np.float32)


def encode_run(i: int, size: Size) -> bytes:
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2

    form = run_form(i)
    walls, values = run_values(i, size)
    first = event_pb2.Event(wall_time=float(walls[0, 0]) - 1.0, file_version="brain.Event:2")
    chunks = [encode_record(first.SerializeToString())]
    tags = TAGS[: size.tags]
    parts = [_value_parts(t, form) for t in tags]
    for a, b, k in _step_classes(size.steps):
        steps = np.arange(a, b, dtype=np.int64)
        blocks = [
            encode_block(steps, walls[a:b, j], values[a:b, j], parts[j][0], parts[j][1], k) for j in range(len(tags))
        ]
        chunks.append(np.hstack(blocks).tobytes())  # row = one step, all tags in order
    return b"".join(chunks)


def reference_record(i: int, size: Size, step: int, tag_index: int) -> bytes:
    """The same record built with the protobuf classes (to check the bulk encoder)."""
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2, summary_pb2

    form = run_form(i)
    walls, values = run_values(i, size)
    tag = TAGS[tag_index]
    value = summary_pb2.Summary.Value(tag=tag)
    number = float(values[step, tag_index])
    if form == "simple":
        value.simple_value = number
    else:
        value.metadata.plugin_data.plugin_name = "scalars"
        value.tensor.dtype = 1  # DT_FLOAT
        value.tensor.tensor_shape.SetInParent()
        if form == "tensor_content":
            value.tensor.tensor_content = np.float32(number).tobytes()
        else:
            value.tensor.float_val.append(number)
    event = event_pb2.Event(wall_time=float(walls[step, tag_index]), step=step)
    event.summary.value.append(value)
    return encode_record(event.SerializeToString())


def self_check() -> None:
    """The bulk encoder agrees byte for byte with protobuf + framing, in every form and varint length."""
    size = Size("check", runs=10, tags=3, steps=20_000)
    for i in (0, 4, 9):
        data = encode_run(i, size)
        from telescope.tfrecord.framing import read_frames

        frames = read_frames(data)
        assert not frames.problems and frames.end == len(data), "bulk records do not frame"
        assert len(frames.payloads) == 1 + size.steps * size.tags
        for step in (0, 1, 127, 128, 16383, 16384, 19999):
            for j in range(size.tags):
                rec = reference_record(i, size, step, j)
                idx = 1 + step * size.tags + j
                start = frames.offsets[idx]
                got = data[start : start + len(rec)]
                assert got == rec, f"run form {run_form(i)} step {step} tag {j}: bulk record differs"


# -- logdirs ----------------------------------------------------------------------------------------------------


def event_file_name(i: int) -> str:
    suffix = ".v2" if run_form(i) != "simple" else ""
    return f"events.out.tfevents.{int(BASE_WALL_TIME) + i * 10_000}.bench.{1000 + i}.0{suffix}"


def expected_manifest(size: Size) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": SEED,
        "size": asdict(size),
        "tags": list(TAGS[: size.tags]),
        "points": size.points,
        "records": size.runs * (1 + size.tags * size.steps),
        "records_per_run": 1 + size.tags * size.steps,
        "runs": [run_name(i) for i in range(size.runs)],
        "forms": {run_name(i): run_form(i) for i in range(size.runs)},
    }


def is_complete(root: Path, size: Size) -> bool:
    return matches_manifest(root, expected_manifest(size))


def matches_manifest(root: Path, want: dict) -> bool:
    """Whether ``root`` holds a logdir generated as ``want`` says: its manifest agrees with every entry of
    ``want`` and each file it lists is there with the size it lists."""
    try:
        manifest = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    if any(manifest.get(k) != v for k, v in want.items()):
        return False
    return all(
        (root / rel).is_file() and (root / rel).stat().st_size == n for rel, n in manifest.get("files", {}).items()
    )


def load_manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text())


def ensure_logdir(size: Size, *, data_dir: Path = DATA, force: bool = False, say=print) -> Path:
    """The logdir of ``size``, generated unless a complete one is already there."""
    root = data_dir / size.name
    if not force and is_complete(root, size):
        return root
    self_check()
    runs = ((f"{run_name(i)}/{event_file_name(i)}", encode_run(i, size)) for i in range(size.runs))
    every = max(1, size.runs // 10) if size.runs >= 20 else None
    total, seconds = write_logdir(root, expected_manifest(size), runs, size.runs, progress_every=every, say=say)
    say(f"generated {root}: {size.points:,} points, {total / 1e6:.1f} MB in {seconds:.1f} s")
    return root


def write_logdir(
    root: Path,
    want: dict,
    runs: Iterable[tuple[str, bytes]],
    n_runs: int,
    *,
    progress_every: int | None,
    say: Callable[[str], object],
) -> tuple[int, float]:
    """Write each event file ``runs`` yields (its path in the logdir, its bytes; generated as it goes), then the
    manifest (``want`` with every file's size and their total), into a fresh directory beside ``root`` that then
    replaces ``root``: a logdir is there whole or not at all. Returns the bytes written and the seconds taken."""
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = root.parent / f".{root.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    t0 = time.perf_counter()
    files: dict[str, int] = {}
    total = 0
    for i, (rel, data) in enumerate(runs):
        (tmp / rel).parent.mkdir()
        (tmp / rel).write_bytes(data)
        files[rel] = len(data)
        total += len(data)
        if progress_every is not None and (i + 1) % progress_every == 0:
            say(f"  generated {i + 1}/{n_runs} runs, {total / 1e6:.0f} MB, {time.perf_counter() - t0:.1f} s")
    manifest = want | {"files": files, "bytes": total}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
    if root.exists():
        shutil.rmtree(root)
    tmp.rename(root)
    return total, time.perf_counter() - t0


# -- size H: histograms and images ----------------------------------------------------------------------------
#
# H is written record by record with the protobuf classes (its 230k records take a few seconds that way; the
# images' PNG encoding takes longer). Every step of the training loop logs the scalars, every
# ``histogram_every``-th step the histograms and every ``image_every``-th step the images, in that order,
# so the last record of every file is the last image tag's last step. Three runs in four are written the way
# TF2 writes (tensor form, metadata on every value): histograms as ``DT_DOUBLE [30, 3]`` tensors in
# ``tensor_content``, images as ``DT_STRING [2 + k]`` tensors (width, height, then k PNGs; k = 3 on every
# ``batch_every``-th image step), scalars as 4 bytes of ``tensor_content``. The fourth is written the way
# torch.utils.tensorboard writes: legacy ``HistogramProto`` on TensorFlow's geometric bucket edges (empty
# outer buckets dropped), one legacy ``Summary.Image`` per step, ``simple_value`` scalars.

KINDS_GENERATOR_VERSION = 1
KIND_SCALAR_TAGS = ("loss", "accuracy", "learning_rate")
HISTOGRAM_TAGS = tuple(f"layer_{j}/{w}" for j in range(5) for w in ("weights", "activations"))
IMAGE_TAGS = ("inputs", "reconstructions", "samples", "attention", "masks")


@dataclass(frozen=True)
class KindsSize:
    """A logdir of histograms and images (and a few scalars)."""

    name: str
    runs: int
    steps: int  # training steps; scalars are logged at every one
    scalar_tags: int
    histogram_tags: int
    histogram_every: int
    image_tags: int
    image_every: int
    image_side: int = 64
    batch_every: int = 4  # in TF2 runs, every batch_every-th image step holds `batch` images
    batch: int = 3
    samples: int = 1000  # values behind one histogram
    buckets: int = 30  # TF2's default bucket count

    @property
    def histogram_steps(self) -> list[int]:
        return list(range(self.histogram_every - 1, self.steps, self.histogram_every))

    @property
    def image_steps(self) -> list[int]:
        return list(range(self.image_every - 1, self.steps, self.image_every))


KIND_SIZES = {
    "H": KindsSize(
        "H", runs=20, steps=1_000, scalar_tags=3, histogram_tags=10, histogram_every=2, image_tags=5, image_every=5
    ),
}


def kinds_run_form(i: int) -> str:
    """``tf2`` (tensor form) or ``torch`` (legacy values, as torch.utils.tensorboard writes them)."""
    return "torch" if i % 4 == 3 else "tf2"


def _tf_bucket_edges() -> np.ndarray:
    """The bucket edges TensorFlow's (and PyTorch's default) histograms use: 0 and +-1e-12 * 1.1**k."""
    pos = [1e-12]
    while pos[-1] < 1e20:
        pos.append(pos[-1] * 1.1)
    p = np.asarray(pos)
    return np.concatenate([-p[::-1], [0.0], p])


_TF_EDGES = _tf_bucket_edges()


def _histogram_values(i: int, j: int, size: KindsSize, signed: bool) -> np.ndarray:
    """(histogram steps x samples) values of run ``i``, histogram tag ``j``: a drifting, narrowing spread."""
    rng = np.random.default_rng([SEED, 2, i, j])
    n = len(size.histogram_steps)
    t = np.linspace(0.0, 1.0, n)[:, None]
    if signed:  # weights: centred, spreading out as training goes on
        scale = rng.uniform(0.02, 0.2) * (1.0 + t * rng.uniform(0.2, 1.5))
        return rng.normal(0.0, 1.0, (n, size.samples)) * scale + rng.uniform(-0.01, 0.01) * t
    mu = rng.uniform(-1.0, 0.5) + t * rng.uniform(-0.5, 0.5)  # activations: positive, log-normal
    return np.exp(rng.normal(0.0, 1.0, (n, size.samples)) * rng.uniform(0.3, 0.6) + mu)


def tf2_histograms(values: np.ndarray, buckets: int) -> np.ndarray:
    """TF2's histogram tensors for each row of ``values``: (rows x buckets x 3), equal-width buckets."""
    lo, hi = values.min(axis=1), values.max(axis=1)
    width = (hi - lo) / buckets
    idx = np.minimum(((values - lo[:, None]) / width[:, None]).astype(np.int64), buckets - 1)
    counts = np.zeros((len(values), buckets))
    np.add.at(counts, (np.arange(len(values))[:, None], idx), 1.0)
    k = np.arange(buckets)
    out = np.empty((len(values), buckets, 3))
    out[:, :, 0] = lo[:, None] + width[:, None] * k
    out[:, :, 1] = lo[:, None] + width[:, None] * (k + 1)
    out[:, -1, 1] = hi
    out[:, :, 2] = counts
    return out


def torch_histogram(row: np.ndarray) -> dict:
    """The fields of the ``HistogramProto`` torch.utils.tensorboard writes for ``row`` (default bins)."""
    counts = np.bincount(np.searchsorted(_TF_EDGES, row, side="right") - 1, minlength=len(_TF_EDGES) - 1)
    counts = counts[: len(_TF_EDGES) - 1]
    nz = np.flatnonzero(counts)
    start, end = int(nz[0]), int(nz[-1]) + 1
    kept = counts[start - 1 : end] if start > 0 else np.concatenate([[0], counts[:end]])
    return {
        "min": float(row.min()),
        "max": float(row.max()),
        "num": float(len(row)),
        "sum": float(row.sum()),
        "sum_squares": float(row.dot(row)),
        "bucket_limit": _TF_EDGES[start : end + 1].tolist(),
        "bucket": kept.astype(np.float64).tolist(),
    }


def encode_png(pixels: np.ndarray) -> bytes:
    """An RGB PNG of ``pixels`` (h x w x 3 uint8): no filtering, zlib level 6."""
    import zlib

    h, w, _ = pixels.shape
    raw = np.zeros((h, 1 + 3 * w), dtype=np.uint8)
    raw[:, 1:] = pixels.reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def _image_pixels(i: int, j: int, size: KindsSize, count: int) -> np.ndarray:
    """(count x side x side x 3) uint8 images of run ``i``, image tag ``j``: a gradient with a moving disc,
    plus 2 bits of noise per channel (so that each PNG holds a few KB, like a small real picture)."""
    rng = np.random.default_rng([SEED, 3, i, j])
    s = size.image_side
    y, x = np.mgrid[0:s, 0:s].astype(np.float32) / s
    base = rng.uniform(40, 200, 3).astype(np.float32)
    tilt = rng.uniform(-60, 60, (3, 2)).astype(np.float32)
    t = np.arange(count, dtype=np.float32)[:, None, None]
    cx = 0.5 + 0.3 * np.sin(t * 0.07 + j)
    cy = 0.5 + 0.3 * np.cos(t * 0.05 + i)
    disc = ((x - cx) ** 2 + (y - cy) ** 2) < 0.03
    img = np.empty((count, s, s, 3), dtype=np.float32)
    for c in range(3):
        img[..., c] = base[c] + tilt[c, 0] * x + tilt[c, 1] * y + disc * (60.0 - 40.0 * c)
    img += rng.integers(0, 4, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def _images_per_step(size: KindsSize, form: str) -> list[int]:
    if form != "tf2":
        return [1] * len(size.image_steps)
    return [size.batch if k % size.batch_every == 0 else 1 for k in range(len(size.image_steps))]


def kinds_event_file_name(i: int) -> str:
    stamp = int(BASE_WALL_TIME) + i * 10_000
    if kinds_run_form(i) == "tf2":
        return f"events.out.tfevents.{stamp}.bench.{2000 + i}.0.v2"
    return f"events.out.tfevents.{stamp}.bench.{2000 + i}.0"


def encode_kinds_run(i: int, size: KindsSize) -> tuple[bytes, int]:
    """The event file of run ``i`` and its number of records."""
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2, histogram_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2

    form = kinds_run_form(i)
    tf2 = form == "tf2"
    Value = summary_pb2.Summary.Value

    def metadata(plugin: str) -> summary_pb2.SummaryMetadata:
        return summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin))

    def shape(*dims: int) -> tensor_shape_pb2.TensorShapeProto:
        return tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims])

    scalar_tags = KIND_SCALAR_TAGS[: size.scalar_tags]
    hist_tags = HISTOGRAM_TAGS[: size.histogram_tags]
    image_tags = IMAGE_TAGS[: size.image_tags]
    h_steps, i_steps = size.histogram_steps, size.image_steps
    h_index = {s: k for k, s in enumerate(h_steps)}
    i_index = {s: k for k, s in enumerate(i_steps)}
    per_step = _images_per_step(size, form)
    first_image = np.concatenate([[0], np.cumsum(per_step)])

    walls = BASE_WALL_TIME + i * 10_000.0 + np.arange(size.steps) * 0.1
    rng = np.random.default_rng([SEED, 1, i])
    scalars = (rng.uniform(0.5, 3.0, len(scalar_tags)) * np.exp(-np.arange(size.steps)[:, None] / 400.0)).astype(
        np.float32
    ) + rng.normal(0, 0.01, (size.steps, len(scalar_tags))).astype(np.float32)

    hist_values: list[object] = []
    for j in range(len(hist_tags)):
        vals = _histogram_values(i, j, size, signed=hist_tags[j].endswith("weights"))
        if tf2:
            hist_values.append([h.astype("<f8").tobytes() for h in tf2_histograms(vals, size.buckets)])
        else:
            hist_values.append([histogram_pb2.HistogramProto(**torch_histogram(row)) for row in vals])
    pngs = [[encode_png(p) for p in _image_pixels(i, j, size, int(first_image[-1]))] for j in range(len(image_tags))]

    side = str(size.image_side).encode()
    first = event_pb2.Event(wall_time=float(int(walls[0])) - 1.0, file_version="brain.Event:2")
    chunks = [encode_record(first.SerializeToString())]
    for step in range(size.steps):
        wall = float(walls[step])
        values: list[tuple[str, summary_pb2.Summary.Value]] = []
        for j, tag in enumerate(scalar_tags):
            number = float(scalars[step, j])
            if tf2:
                tensor = tensor_pb2.TensorProto(
                    dtype=1, tensor_shape=shape(), tensor_content=np.float32(number).tobytes()
                )
                values.append((tag, Value(tag=tag, tensor=tensor, metadata=metadata("scalars"))))
            else:
                values.append((tag, Value(tag=tag, simple_value=number)))
        if step in h_index:
            k = h_index[step]
            for j, tag in enumerate(hist_tags):
                if tf2:
                    tensor = tensor_pb2.TensorProto(
                        dtype=2, tensor_shape=shape(size.buckets, 3), tensor_content=hist_values[j][k]
                    )
                    values.append((tag, Value(tag=tag, tensor=tensor, metadata=metadata("histograms"))))
                else:
                    values.append((tag, Value(tag=tag, histo=hist_values[j][k])))
        if step in i_index:
            k = i_index[step]
            for j, tag in enumerate(image_tags):
                batch = pngs[j][first_image[k] : first_image[k + 1]]
                if tf2:
                    tensor = tensor_pb2.TensorProto(
                        dtype=7, tensor_shape=shape(2 + len(batch)), string_val=[side, side, *batch]
                    )
                    values.append((tag, Value(tag=tag, tensor=tensor, metadata=metadata("images"))))
                else:
                    image = summary_pb2.Summary.Image(
                        height=size.image_side, width=size.image_side, colorspace=3, encoded_image_string=batch[0]
                    )
                    values.append((tag, Value(tag=tag, image=image)))
        for n, (_, value) in enumerate(values):
            event = event_pb2.Event(wall_time=wall + n * 1e-4, step=step, summary=summary_pb2.Summary(value=[value]))
            chunks.append(encode_record(event.SerializeToString()))
    return b"".join(chunks), len(chunks)


def expected_kinds_manifest(size: KindsSize) -> dict:
    runs = [run_name(i) for i in range(size.runs)]
    forms = {run_name(i): kinds_run_form(i) for i in range(size.runs)}
    n_h, n_i = len(size.histogram_steps), len(size.image_steps)
    images_per_series = {r: sum(_images_per_step(size, f)) for r, f in forms.items()}
    per_run = 1 + size.steps * size.scalar_tags + n_h * size.histogram_tags + n_i * size.image_tags
    return {
        "generator_version": KINDS_GENERATOR_VERSION,
        "seed": SEED,
        "kinds_size": asdict(size),
        "runs": runs,
        "forms": forms,
        "tags": {
            "scalars": list(KIND_SCALAR_TAGS[: size.scalar_tags]),
            "histograms": list(HISTOGRAM_TAGS[: size.histogram_tags]),
            "images": list(IMAGE_TAGS[: size.image_tags]),
        },
        "steps": {
            "scalars": {"first": 0, "last": size.steps - 1, "count": size.steps},
            "histograms": {"first": size.histogram_steps[0], "last": size.histogram_steps[-1], "count": n_h},
            "images": {"first": size.image_steps[0], "last": size.image_steps[-1], "count": n_i},
        },
        "records_per_run": per_run,
        "records": size.runs * per_run,
        "scalar_points": size.runs * size.scalar_tags * size.steps,
        "histogram_points": size.runs * size.histogram_tags * n_h,
        "image_steps": size.runs * size.image_tags * n_i,
        "images": size.image_tags * sum(images_per_series.values()),
        "images_per_series": images_per_series,
        "histogram_buckets": {"tf2": size.buckets, "torch": "TensorFlow's geometric edges, empty ends dropped"},
    }


def kinds_self_check(size: KindsSize) -> None:
    """A small H-shaped run of each form frames cleanly and decodes back to what was meant."""
    from telescope.tfrecord.framing import read_frames
    from telescope.tfrecord.proto import event_pb2
    from telescope.tfrecord.tensor import to_numpy

    small = KindsSize(
        "check",
        runs=4,
        steps=20,
        scalar_tags=2,
        histogram_tags=2,
        histogram_every=2,
        image_tags=2,
        image_every=5,
        image_side=8,
        samples=50,
    )
    want = expected_kinds_manifest(small)
    for i in (0, 3):
        data, n = encode_kinds_run(i, small)
        frames = read_frames(data)
        assert not frames.problems and frames.end == len(data) and len(frames.payloads) == n
        assert n == want["records_per_run"], "record count differs from the manifest's"
        events = [event_pb2.Event.FromString(bytes(p)) for p in frames.payloads[1:]]
        hist = [e for e in events if e.summary.value[0].tag == HISTOGRAM_TAGS[0]]
        imgs = [e for e in events if e.summary.value[0].tag == IMAGE_TAGS[0]]
        assert [e.step for e in hist] == small.histogram_steps and [e.step for e in imgs] == small.image_steps
        v = hist[0].summary.value[0]
        if kinds_run_form(i) == "tf2":
            arr = to_numpy(v.tensor)
            assert arr.shape == (small.buckets, 3) and arr[:, 2].sum() == small.samples
            assert len(imgs[0].summary.value[0].tensor.string_val) == 2 + small.batch
            png = imgs[0].summary.value[0].tensor.string_val[2]
        else:
            assert sum(v.histo.bucket) == small.samples and len(v.histo.bucket) == len(v.histo.bucket_limit)
            png = imgs[0].summary.value[0].image.encoded_image_string
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert events[-1].summary.value[0].tag == IMAGE_TAGS[small.image_tags - 1], "last record: last image tag"


def is_complete_kinds(root: Path, size: KindsSize) -> bool:
    return matches_manifest(root, expected_kinds_manifest(size))


def ensure_kinds_logdir(size: KindsSize, *, data_dir: Path = DATA, force: bool = False, say=print) -> Path:
    """The histograms-and-images logdir of ``size``, generated unless a complete one is already there."""
    root = data_dir / size.name
    if not force and is_complete_kinds(root, size):
        return root
    kinds_self_check(size)
    want = expected_kinds_manifest(size)

    def runs() -> Iterator[tuple[str, bytes]]:
        for i in range(size.runs):
            data, n = encode_kinds_run(i, size)
            assert n == want["records_per_run"]
            yield f"{run_name(i)}/{kinds_event_file_name(i)}", data

    total, seconds = write_logdir(root, want, runs(), size.runs, progress_every=max(1, size.runs // 5), say=say)
    say(
        f"generated {root}: {want['histogram_points']:,} histograms, {want['images']:,} images "
        f"({want['image_steps']:,} image steps), {want['scalar_points']:,} scalar points, "
        f"{total / 1e6:.1f} MB in {seconds:.1f} s"
    )
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the benchmark logdirs (cached in bench/data/).")
    parser.add_argument("--size", default="S", help="S, M, L or H, or a comma-separated list (default S)")
    parser.add_argument("--force", action="store_true", help="regenerate even if a complete logdir exists")
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--check", action="store_true", help="only run the encoder self-check")
    args = parser.parse_args(argv)
    if args.check:
        self_check()
        kinds_self_check(KIND_SIZES["H"])
        print("bulk encoder matches protobuf + framing; H records decode back")
        return 0
    for name in args.size.upper().split(","):
        if name in KIND_SIZES:
            root = ensure_kinds_logdir(KIND_SIZES[name], data_dir=args.data_dir, force=args.force)
            print(f"{name}: {root} ({load_manifest(root)['bytes'] / 1e6:.0f} MB)")
            continue
        if name not in SIZES:
            parser.error(f"unknown size {name!r}; choose from {', '.join([*SIZES, *KIND_SIZES])}")
        root = ensure_logdir(SIZES[name], data_dir=args.data_dir, force=args.force)
        print(f"{name}: {root} ({SIZES[name].points:,} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
