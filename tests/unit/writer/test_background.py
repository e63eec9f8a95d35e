"""The background thread: bounded queue with backpressure, several calling threads, flush and close."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from telescope import SummaryWriter
from telescope.tfrecord.proto import summary_pb2
from telescope.writer import AsyncWriter, EventFile
from telescope.writer.records import WHAT_SUMMARY, event_bytes, file_version_event
from tests.unit.writer.events import event_files, read_events, scalars


class SlowFile(EventFile):
    """An event file whose writes take a while, recording how much was queued at each write."""

    def __init__(self, logdir: str, queued: list[tuple[int, int]]) -> None:
        super().__init__(logdir)
        self.queued = queued
        self.writer: AsyncWriter | None = None

    def write(self, data: bytes) -> None:
        if self.writer is not None:
            self.queued.append((len(self.writer._pending), self.writer._bytes))
        time.sleep(0.002)
        super().write(data)


def test_a_burst_waits_for_the_disk_instead_of_growing_the_queue(tmp_path: Path) -> None:
    queued: list[tuple[int, int]] = []
    f = SlowFile(str(tmp_path), queued)
    writer = AsyncWriter(f, max_queue=10, capacity=50)
    f.writer = writer
    for i in range(3000):
        writer.put(file_version_event(float(i), step=i))
    writer.close()
    assert queued, "the thread never wrote"
    assert max(n for n, _ in queued) <= 51
    steps = [e.step for e in read_events(event_files(tmp_path)[0])[1:]]
    assert steps == list(range(3000)), "events were lost or reordered"


def test_large_payloads_are_bounded_by_bytes(tmp_path: Path) -> None:
    queued: list[tuple[int, int]] = []
    f = SlowFile(str(tmp_path), queued)
    writer = AsyncWriter(f, max_queue=1000, max_bytes=3 << 20)
    f.writer = writer
    image = summary_pb2.Summary.Image(encoded_image_string=bytes(1 << 20))
    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="big", image=image)])
    big = event_bytes(0.0, 1, WHAT_SUMMARY, summary.SerializeToString())
    for _ in range(30):
        writer.put_to(f, big)
    writer.close()
    assert max(b for _, b in queued) <= (3 << 20) + len(big)
    assert len(read_events(event_files(tmp_path)[0])) == 31


def test_calls_from_several_threads_all_arrive_in_order_per_thread(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, max_queue=7)
    per_thread = 3000

    def work(k: int) -> None:
        for i in range(per_thread):
            w.add_scalar(f"t{k}", float(i), i)
            if i % 500 == 0:
                w.add_histogram(f"h{k}", np.arange(10.0) + i, i)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w.close()
    events = read_events(event_files(tmp_path)[0])
    for k in range(6):
        assert scalars(events, f"t{k}") == [(i, float(i)) for i in range(per_thread)]
        hist = [e.step for e in events for v in e.summary.value if v.tag == f"h{k}"]
        assert hist == list(range(0, per_thread, 500))


def test_data_is_written_every_flush_secs_without_flush(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, max_queue=1000, flush_secs=0.2)  # type: ignore[arg-type]
    w.add_scalar("x", 1.0, 1)
    path = event_files(tmp_path)[0]
    deadline = time.monotonic() + 10
    while not scalars(read_events(path), "x") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scalars(read_events(path), "x") == [(1, 1.0)]
    w.close()


def test_max_queue_events_wake_the_writer(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, max_queue=5, flush_secs=3600)
    for i in range(5):
        w.add_scalar("x", float(i), i)
    path = event_files(tmp_path)[0]
    deadline = time.monotonic() + 10
    while len(scalars(read_events(path), "x")) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(scalars(read_events(path), "x")) == 5
    w.close()
