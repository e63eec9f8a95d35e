"""Sample data for the plugin contract suite: clips in both encodings, read back through the query layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from telescope.store import Store


def _tone(step: int, rate: int) -> np.ndarray:
    t = np.arange(rate // 10) / rate
    return 0.5 * np.sin(2 * np.pi * (220 + 110 * step) * t)


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Write clips under ``log_dir/run``: legacy WAV with the writer, and a labelled ``[k, 2]`` batch as TF2
    writes it. Return, per (run, tag), ``(step, index, sample_rate, label, bytes)`` for every clip."""
    from telescope.plugins.audio.summary import audio, audio_tensor
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2
    from telescope.writer import SummaryWriter

    expected: dict[Any, Any] = {}
    with SummaryWriter(log_dir / "run") as w:
        for step in range(3):
            w.add_audio("sample/tone", _tone(step, 8000), step, sample_rate=8000, walltime=1_700_000_000.0 + step)
            (v,) = audio("sample/tone", _tone(step, 8000), sample_rate=8000).value
            expected.setdefault(("run", "sample/tone"), []).append((step, 0, 8000.0, "", v.audio.encoded_audio_string))
    events = [event_pb2.Event(wall_time=1_700_000_000.0, file_version="brain.Event:2")]
    for step in range(2):
        labels = [f"clip **{i}** of step {step}" for i in range(2)]
        summary = audio_tensor("sample/batch", [_tone(i, 16000) for i in range(2)], 16000, labels=labels)
        events.append(event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step, summary=summary))
        strings = summary.value[0].tensor.string_val
        for i in range(2):
            expected.setdefault(("run", "sample/batch"), []).append(
                (step, i, 16000.0, labels[i], bytes(strings[2 * i]))
            )
    with open(log_dir / "run" / "events.out.tfevents.1700000000.tensor-form", "wb") as f:
        for ev in events:
            f.write(encode_record(ev.SerializeToString()))
    return expected


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.audio.query import read_frame

    out: dict[Any, Any] = {}
    for r in read_frame(store).itertuples(index=False):
        out.setdefault((r.run, r.tag), []).append((r.step, r.index, r.sample_rate, r.label, r.data))
    return out
