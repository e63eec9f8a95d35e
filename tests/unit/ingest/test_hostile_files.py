"""Nothing a file contains can crash or hang ingest: every oddity is skipped and reported."""

from __future__ import annotations

import random
import struct
import time
from pathlib import Path

from telescope.ingest import Ingester
from telescope.store import Store
from telescope.tfrecord.crc import masked_crc32c
from telescope.tfrecord.framing import encode_record
from tests.helpers import records, scalar_event, version_event


def header(length: int) -> bytes:
    raw = struct.pack("<Q", length)
    return raw + struct.pack("<I", masked_crc32c(raw))


def ingest(tmp_path: Path, content: bytes) -> Store:
    path = tmp_path / "logs" / "events.out.tfevents.1.h"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    store = Store(tmp_path / "index.sqlite", logdir=str(tmp_path / "logs"))
    Ingester(tmp_path / "logs", store).poll_once()
    return store


def test_absurd_length_with_a_valid_checksum(tmp_path: Path) -> None:
    # A header announcing 2**40 bytes (checksum right): never allocated, treated as corrupt, data after it kept.
    good = records(scalar_event("x", 1, 1.0))
    store = ingest(tmp_path, records(version_event()) + header(2**40) + b"\0" * 64 + good)
    assert store.status().records == 2
    assert [p.kind for p in store.status().problems] == ["length_crc"]


def test_payloads_that_are_not_events(tmp_path: Path) -> None:
    deep = b"\x2a\x02" * 5000  # a deeply nested message
    junk = [encode_record(b"\xff\xff\xff\xff"), encode_record(deep), encode_record(b"\x0a\x80")]
    nan_wall = scalar_event("x", 2, 2.0, wall=float("nan"))
    store = ingest(tmp_path, b"".join(junk) + records(nan_wall, scalar_event("x", 3, 3.0)))
    kinds = sorted(p.kind for p in store.status().problems)
    assert kinds.count("bad_event") >= 2 and "bad_wall_time" in kinds
    (row,) = store.list_series(tag="x")
    assert row.count == 1


def test_random_damage_to_a_real_stream_never_raises(tmp_path: Path) -> None:
    rng = random.Random(5)
    base = records(version_event(), *[scalar_event(f"t{i % 3}", i, i * 0.5) for i in range(400)])
    start = time.monotonic()
    for trial in range(40):
        data = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            action = rng.random()
            at = rng.randrange(len(data))
            if action < 0.6:
                data[at] ^= 1 << rng.randrange(8)
            elif action < 0.8:
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
            else:
                del data[at : at + rng.randint(1, 40)]
        store = ingest(tmp_path / str(trial), bytes(data))
        status = store.status()
        assert status.records <= 401
    assert time.monotonic() - start < 60
