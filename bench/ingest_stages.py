"""Where Telescope's ingest time goes: each stage of the pipeline timed on its own, in points per second.

    bench/.venv/bin/python bench/ingest_stages.py --size M            # all runs of M
    bench/.venv/bin/python bench/ingest_stages.py --size M --runs 20  # the first 20 runs only (quicker)
    bench/.venv/bin/python bench/ingest_stages.py --size S --profile  # + the top functions of a full ingest

Every stage starts from the files' bytes (page cache warm) and includes the work of the stages it builds on:

* read: the bytes of every event file into memory (the I/O floor);
* record by record, the reference path: ``telescope.tfrecord.framing.read_frames`` over each file (lengths
  and both CRCs checked), then also ``event_pb2.Event.FromString`` on every payload;
* in bulk, the path the ingester takes (when the checkout has it): ``telescope.tfrecord.batch.frame_block``
  over blocks of ``BLOCK_BYTES`` (vectorised framing and checksums), then
  ``telescope.ingest.blockdecode.decode_block`` (framing + decoding scalar records into columns);
* full ingest: ``Ingester(logdir, Store(db, logdir=...)).poll_once()`` into a fresh index (decode plus
  classification, restart rules, batching and the SQLite commits).

The gap between the bulk decode and the full ingest is the cost of the ingester's own bookkeeping and the
store. Runs in-process on the checkout's ``src/``; the logdir comes from bench/generate.py (bench/data/).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402


def subset_logdir(root: Path, runs: int | None, manifest: dict) -> tuple[Path, list[Path], Path | None]:
    """The logdir to ingest (a directory of symlinks to the first ``runs`` runs when a subset is asked for)."""
    names = manifest["runs"] if runs is None else manifest["runs"][:runs]
    files = sorted(p for name in names for p in (root / name).iterdir() if "tfevents" in p.name)
    if runs is None or runs >= len(manifest["runs"]):
        return root, files, None
    tmp = Path(tempfile.mkdtemp(prefix="telescope-stages-"))
    for name in names:
        (tmp / name).symlink_to(root / name, target_is_directory=True)
    return tmp, files, tmp


def stage_read(files: list[Path]) -> int:
    n = 0
    for p in files:
        n += len(p.read_bytes())
    return n


def stage_framing(files: list[Path]) -> int:
    from telescope.tfrecord.framing import read_frames

    n = 0
    for p in files:
        n += len(read_frames(p.read_bytes()).payloads)
    return n


def stage_decode(files: list[Path]) -> int:
    from telescope.tfrecord.framing import read_frames
    from telescope.tfrecord.proto import event_pb2

    parse = event_pb2.Event.FromString
    n = 0
    for p in files:
        for payload in read_frames(p.read_bytes()).payloads:
            parse(payload)
            n += 1
    return n


def _blocks(files: list[Path]) -> Iterator[tuple[bytes, int]]:
    from telescope.ingest.ingester import BLOCK_BYTES

    for p in files:
        data = p.read_bytes()
        for off in range(0, len(data), BLOCK_BYTES):
            yield data[off : off + BLOCK_BYTES], off


def stage_frame_block(files: list[Path]) -> int:
    from telescope.tfrecord.batch import frame_block

    # Blocks are cut at fixed offsets here, so a record may straddle two: the second block then starts
    # mid-record and its framing resynchronises. With 5 MB files and 16 MB blocks this never happens.
    return sum(len(frame_block(data, off).starts) for data, off in _blocks(files))


def stage_decode_block(files: list[Path]) -> int:
    from telescope.ingest.blockdecode import decode_block

    return sum(decode_block(data, off).n_records for data, off in _blocks(files))


def bulk_available() -> str | None:
    """Why the bulk stages cannot run on this checkout, or None when they can."""
    try:
        from telescope.ingest.blockdecode import decode_block  # noqa: F401
        from telescope.ingest.ingester import BLOCK_BYTES  # noqa: F401
        from telescope.tfrecord.batch import frame_block  # noqa: F401
    except ImportError as e:
        return str(e)
    return None


def stage_ingest(logdir: Path) -> int:
    from telescope.ingest.ingester import Ingester
    from telescope.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="telescope-stages-db-"))
    try:
        store = Store(tmp / "index.sqlite", logdir=str(logdir.resolve()))
        try:
            Ingester(logdir, store).poll_once()
            return int(store.status().records)
        finally:
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn()
    return time.perf_counter() - t0, n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="M", help="S, M or L (default M)")
    parser.add_argument("--runs", type=int, default=None, help="only the first N runs of the logdir")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile a full ingest (slower) and print the functions that take the most time",
    )
    args = parser.parse_args(argv)
    size = generate.SIZES.get(args.size.upper())
    if size is None:
        parser.error(f"unknown size {args.size!r}; choose from {', '.join(generate.SIZES)}")

    root = generate.ensure_logdir(size)
    manifest = generate.load_manifest(root)
    logdir, files, cleanup = subset_logdir(root, args.runs, manifest)
    try:
        nruns = len(files)
        points = nruns * size.tags * size.steps
        nbytes = sum(p.stat().st_size for p in files)
        print(
            f"size {size.name}: {nruns} runs, {points:,} points, {nbytes / 1e6:.0f} MB "
            f"(files in page cache after the first stage)"
        )
        stage_read(files)  # warm the page cache so every stage starts from the same place
        stages: list[tuple[str, Callable[[], int]]] = [
            ("read files", lambda: stage_read(files)),
            ("per record: framing (read_frames)", lambda: stage_framing(files)),
            ("per record: framing + protobuf decode (Event.FromString)", lambda: stage_decode(files)),
        ]
        missing = bulk_available()
        if missing is None:
            stages += [
                ("bulk: framing + checksums (frame_block)", lambda: stage_frame_block(files)),
                ("bulk: framing + scalar decode (decode_block)", lambda: stage_decode_block(files)),
            ]
        else:
            print(f"  (no bulk stages: {missing})")
        stages.append(("full ingest into a fresh store (Ingester.poll_once)", lambda: stage_ingest(logdir)))
        rows = []
        for name, fn in stages:
            secs, n = timed(fn)
            rows.append((name, secs, n))
            what = "bytes" if fn is stages[0][1] else "records"
            print(f"  {name}: {secs:.2f} s ({n:,} {what})", flush=True)
        ingest_s = rows[-1][1]
        print()
        print("| stage | seconds | points/s | MB/s | share of full ingest time |")
        print("|---|---:|---:|---:|---:|")
        for name, secs, _n in rows:
            print(
                f"| {name} | {secs:.2f} | {points / secs / 1e6:.2f} M | {nbytes / secs / 1e6:.0f} | "
                f"{secs / ingest_s:.0%} |"
            )
        records = nruns * (1 + size.tags * size.steps)
        bad = [name for name, _s, n in rows[1:] if n != records]
        if bad:
            print(f"\nWARNING: expected {records:,} records, but these stages counted otherwise: {', '.join(bad)}")
        if missing is None:
            rest = ingest_s - rows[-2][1]
            print(
                f"\nIngester work beyond decoding the blocks (classification, restart rules, batching, "
                f"SQLite commits): {rest:.2f} s = {rest / ingest_s:.0%} of the full ingest."
            )
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            stage_ingest(logdir)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(15)
            print("\nFull ingest under cProfile (sorted by own time; profiling inflates pure-Python parts):")
            print("\n".join(out.getvalue().splitlines()[4:]))
    finally:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
