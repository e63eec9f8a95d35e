"""Events built with struct are byte-for-byte the events protobuf would serialize (docs/event-format §10)."""

from __future__ import annotations

import struct

import pytest

from telescope.tfrecord.framing import read_frames
from telescope.tfrecord.proto import event_pb2
from telescope.writer.records import (
    file_version_event,
    frame,
    scalar_prefix,
    session_start_event,
    step_bytes,
)

T1 = bytes.fromhex("1800000000000000a37f4b220900000040fc54d9411a0d627261696e2e4576656e743a32eced8f9d")
T2 = bytes.fromhex("1a00000000000000129bd82d0900004040fc54d94110012a0d0a0b0a046c6f7373150000003f97d67404")
T6 = bytes.fromhex("0f000000000000006d532b090900008041fc54d941100a3a02080155cde361")


def scalar(tag: str, step: int, value: float, wall: float) -> bytes:
    return struct.pack("<Bd", 9, wall) + step_bytes(step) + scalar_prefix(tag) + struct.pack("<f", value)


def test_spec_vectors() -> None:
    assert frame(file_version_event(1_700_000_000.0)) == T1
    assert frame(scalar("loss", 1, 0.5, 1_700_000_001.0)) == T2
    assert frame(session_start_event(1_700_000_006.0, 10)) == T6


@pytest.mark.parametrize("tag", ["loss", "train/accuracy", "é/δ/数", "x" * 127, "y" * 128, "z" * 300, ""])
@pytest.mark.parametrize("step", [0, 1, 127, 128, 16383, 16384, 2**40, -1])
def test_scalar_event_equals_protobuf(tag: str, step: int) -> None:
    expected = event_pb2.Event(wall_time=1_712_345_678.25, step=step)
    expected.summary.value.add(tag=tag, simple_value=-3.25)
    assert scalar(tag, step, -3.25, 1_712_345_678.25) == expected.SerializeToString()


def test_frames_read_back() -> None:
    payloads = [scalar("a", i, float(i), 1.0 + i) for i in range(300)] + [b"", b"x" * 70_000]
    data = b"".join(frame(p) for p in payloads)
    result = read_frames(data)
    assert result.problems == []
    assert [bytes(p) for p in result.payloads] == payloads


def test_version_event_names_the_writer() -> None:
    ev = event_pb2.Event.FromString(file_version_event(5.0, step=3, writer="telescope"))
    assert (ev.wall_time, ev.step, ev.file_version, ev.source_metadata.writer) == (5.0, 3, "brain.Event:2", "telescope")
