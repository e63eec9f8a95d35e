"""Audio over HTTP: clips written with our SummaryWriter and as TF2 writes them → ingest → the audio routes,
the blob route, TensorBoard's audio endpoints and read_audio."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import telescope
from telescope import SummaryWriter
from telescope.plugins.audio.summary import audio_tensor
from telescope.tfrecord.proto import event_pb2
from tests.helpers import version_event, write_events


def _tone(freq: float, rate: int, seconds: float = 0.1) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return 0.5 * np.sin(2 * np.pi * freq * t)


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    with SummaryWriter(root / "train") as w:
        for step in range(15):
            w.add_audio("tone", _tone(200 + 20 * step, 8000), step, sample_rate=8000)
    summaries = [audio_tensor("speech", [_tone(300, 16000), _tone(600, 16000)], 16000, labels=["**hi**", "<b>x</b>"])]
    write_events(
        root / "eval" / "events.out.tfevents.1",
        version_event(),
        event_pb2.Event(wall_time=1_700_000_000.0, step=4, summary=summaries[0]),
    )
    return root


def _samples(data: bytes) -> tuple[int, np.ndarray]:
    with wave.open(io.BytesIO(data)) as w:
        return w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_every_step_is_served_and_clips_fetch(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    body = client.get("/api/audio", params={"run": "train", "tag": "tone"}).json()
    assert [s["step"] for s in body["steps"]] == list(range(15))  # TensorBoard keeps 10
    (clip,) = body["steps"][3]["items"]
    assert (clip["sample_rate"], clip["num_channels"], clip["length_frames"]) == (8000.0, 1, 800)
    assert clip["duration"] == pytest.approx(0.1) and clip["content_type"] == "audio/wav"
    r = client.get("/" + clip["url"])
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    rate, pcm = _samples(r.content)
    assert rate == 8000
    expected = np.clip(_tone(260, 8000), -1, 1) * 32767
    assert np.max(np.abs(pcm - expected)) <= 1


def test_labelled_batch(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    (step,) = client.get("/api/audio", params={"run": "eval", "tag": "speech"}).json()["steps"]
    assert step["step"] == 4
    assert [(c["index"], c["label"], c["sample_rate"]) for c in step["items"]] == [
        (0, "**hi**", 16000.0),
        (1, "<b>x</b>", 16000.0),
    ]
    tags = {(t["run"], t["tag"]): t for t in client.get("/api/audio/tags").json()["tags"]}
    assert tags[("eval", "speech")]["samples"] == 2 and tags[("train", "tone")]["steps"] == 15


def test_tensorboard_endpoints(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    tags = client.get("/data/plugin/audio/tags").json()
    assert tags["train"]["tone"] == {"displayName": "tone", "description": "", "samples": 1}
    second = client.get("/data/plugin/audio/audio", params={"run": "eval", "tag": "speech", "sample": 1}).json()
    (entry,) = second
    assert entry["step"] == 4 and entry["contentType"] == "audio/wav"
    assert "<b>" not in entry["label"] and "&lt;b&gt;" in entry["label"]  # labels are Markdown made safe
    clip = client.get("/data/plugin/audio/individualAudio?" + entry["query"])
    assert _samples(clip.content)[0] == 16000
    assert client.get("/data/plugin/audio/audio", params={"run": "eval", "tag": "speech", "sample": 2}).json() == []


def test_errors_are_json(logdir: Path, app_client: Any) -> None:
    client = app_client(logdir)
    for url, params, status, code in [
        ("/api/audio", {"run": "nope", "tag": "tone"}, 404, "unknown_run"),
        ("/api/audio", {"run": "train", "tag": "nope"}, 404, "unknown_tag"),
        ("/api/audio", {"run": "train", "tag": "tone", "min_step": 3, "max_step": 2}, 400, "bad_parameter"),
        ("/api/audio/tags", {"run": "nope"}, 404, "unknown_run"),
        ("/data/plugin/audio/audio", {"run": "train", "tag": "nope"}, 404, "unknown_tag"),
        ("/data/plugin/audio/individualAudio", {"blob_key": "x1"}, 400, "bad_parameter"),
    ]:
        r = client.get(url, params=params)
        assert r.status_code == status, (url, params)
        assert r.json()["error"]["code"] == code


def test_read_audio_api(logdir: Path, tmp_path: Path) -> None:
    df = telescope.read_audio(logdir, db=tmp_path / "api.sqlite")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "index", "sample_rate", "label", "data"]
    speech = df[df["tag"] == "speech"]
    assert speech["index"].tolist() == [0, 1] and speech["label"].tolist() == ["**hi**", "<b>x</b>"]
    assert len(df[df["tag"] == "tone"]) == 15
    assert all(_samples(d)[0] == r for d, r in zip(df["data"], df["sample_rate"], strict=True))
