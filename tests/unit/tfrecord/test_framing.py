"""TFRecord framing: test vectors, truncation, corrupt records and resynchronisation."""

from __future__ import annotations

from telescope.tfrecord.framing import encode_record, read_frames
from telescope.tfrecord.proto import event_pb2

T1 = bytes.fromhex("1800000000000000a37f4b220900000040fc54d9411a0d627261696e2e4576656e743a32eced8f9d")
T2 = bytes.fromhex("1a00000000000000129bd82d0900004040fc54d94110012a0d0a0b0a046c6f7373150000003f97d67404")
T6 = bytes.fromhex("0f000000000000006d532b090900008041fc54d941100a3a02080155cde361")


def _event(step: int, value: float) -> bytes:
    ev = event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step)
    ev.summary.value.add(tag="loss", simple_value=value)
    return encode_record(ev.SerializeToString())


def test_spec_vectors_parse() -> None:
    result = read_frames(T1 + T2 + T6)
    assert result.problems == []
    assert result.end == len(T1) + len(T2) + len(T6)
    events = [event_pb2.Event.FromString(p) for p in result.payloads]
    assert events[0].file_version == "brain.Event:2"
    assert events[1].summary.value[0].tag == "loss"
    assert events[1].summary.value[0].simple_value == 0.5
    assert events[2].session_log.status == event_pb2.SessionLog.START
    assert events[2].step == 10


def test_encode_matches_spec_bytes() -> None:
    assert encode_record(T1[12:-4]) == T1
    assert encode_record(T2[12:-4]) == T2


def test_truncated_tail_is_not_an_error_and_resumes() -> None:
    tail = _event(2, 0.25)
    data = T1 + T2 + tail[:20]
    first = read_frames(data)
    assert len(first.payloads) == 2
    assert first.problems == []
    assert first.end == len(T1) + len(T2)
    # The writer finishes the record: reading again from the saved offset picks it up.
    full = T1 + T2 + tail
    second = read_frames(full[first.end :], first.end)
    assert len(second.payloads) == 1
    assert second.end == len(full)


def test_every_cut_point_of_a_record_is_a_clean_wait() -> None:
    rec = _event(3, 1.5)
    for cut in range(len(rec)):
        r = read_frames(T1 + rec[:cut])
        assert len(r.payloads) == 1 and r.problems == [] and r.end == len(T1), cut


def test_bad_data_crc_skips_only_that_record() -> None:
    bad = bytearray(_event(2, 0.25))
    bad[20] ^= 0x01  # a payload byte
    data = T1 + T2 + bytes(bad) + _event(3, 0.125)
    r = read_frames(data)
    steps = [event_pb2.Event.FromString(p).step for p in r.payloads]
    assert steps == [0, 1, 3]
    assert [(p.kind, p.offset) for p in r.problems] == [("data_crc", len(T1) + len(T2))]
    assert r.end == len(data)


def test_bad_length_crc_resyncs_to_next_valid_record() -> None:
    bad = bytearray(_event(2, 0.25))
    bad[9] ^= 0x10  # the length checksum
    data = T1 + T2 + bytes(bad) + _event(3, 0.125) + _event(4, 0.0625)
    r = read_frames(data)
    steps = [event_pb2.Event.FromString(p).step for p in r.payloads]
    assert steps == [0, 1, 3, 4]
    assert len(r.problems) == 1
    problem = r.problems[0]
    assert problem.kind == "length_crc"
    assert problem.offset == len(T1) + len(T2)
    assert problem.gap == len(bad)
    assert r.stalled_at is None


def test_bad_length_with_nothing_after_stalls() -> None:
    bad = bytearray(_event(2, 0.25))
    bad[0] ^= 0x01  # the length itself
    r = read_frames(T1 + bytes(bad))
    assert len(r.payloads) == 1
    assert r.stalled_at == len(T1)
    assert r.end == len(T1)


def test_garbage_and_empty_buffers() -> None:
    assert read_frames(b"").payloads == []
    r = read_frames(bytes(range(256)) * 4)
    assert r.payloads == []
    assert r.problems and r.problems[0].kind == "length_crc"


def test_base_offset_is_absolute() -> None:
    r = read_frames(T2, 1000)
    assert r.offsets == [1000]
    assert r.end == 1000 + len(T2)
