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
    try:
        manifest = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    want = expected_manifest(size)
    if any(manifest.get(k) != v for k, v in want.items()):
        return False
    for rel, nbytes in manifest.get("files", {}).items():
        p = root / rel
        if not p.is_file() or p.stat().st_size != nbytes:
            return False
    return True


def load_manifest(root: Path) -> dict:
    return json.loads((root / "manifest.json").read_text())


def ensure_logdir(size: Size, *, data_dir: Path = DATA, force: bool = False, say=print) -> Path:
    """The logdir of ``size``, generated unless a complete one is already there."""
    root = data_dir / size.name
    if not force and is_complete(root, size):
        return root
    self_check()
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / f".{size.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    t0 = time.perf_counter()
    files: dict[str, int] = {}
    total = 0
    for i in range(size.runs):
        rel = f"{run_name(i)}/{event_file_name(i)}"
        data = encode_run(i, size)
        (tmp / run_name(i)).mkdir()
        with open(tmp / rel, "wb") as f:
            f.write(data)
        files[rel] = len(data)
        total += len(data)
        if size.runs >= 20 and (i + 1) % max(1, size.runs // 10) == 0:
            say(f"  generated {i + 1}/{size.runs} runs, {total / 1e6:.0f} MB, {time.perf_counter() - t0:.1f} s")
    manifest = expected_manifest(size) | {"files": files, "bytes": total}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
    if root.exists():
        shutil.rmtree(root)
    tmp.rename(root)
    say(f"generated {root}: {size.points:,} points, {total / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the benchmark logdirs (cached in bench/data/).")
    parser.add_argument("--size", default="S", help="S, M or L, or a comma-separated list (default S)")
    parser.add_argument("--force", action="store_true", help="regenerate even if a complete logdir exists")
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--check", action="store_true", help="only run the encoder self-check")
    args = parser.parse_args(argv)
    if args.check:
        self_check()
        print("bulk encoder matches protobuf + framing")
        return 0
    for name in args.size.upper().split(","):
        if name not in SIZES:
            parser.error(f"unknown size {name!r}; choose from {', '.join(SIZES)}")
        root = ensure_logdir(SIZES[name], data_dir=args.data_dir, force=args.force)
        print(f"{name}: {root} ({SIZES[name].points:,} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
