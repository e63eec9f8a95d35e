"""Every audio series in the fixture logdirs (PyTorch's and tensorboardX's 8 kHz WAV clips) is found and
matches TensorBoard's manifest exactly; TensorBoard's audio endpoints answer as a real TensorBoard server did."""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from telescope.plugins.audio.query import read_frame, read_series
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]


def _expected(man: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {
        (run, tag): info for run, r in man["runs"].items() for tag, info in r.get("data", {}).get("audio", {}).items()
    }


@pytest.mark.parametrize("name", NAMES)
def test_audio_matches_manifest(name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested(name)
    expected = _expected(manifest(name))
    assert {(s.run, s.tag) for s in store.list_series(plugin="audio")} == set(expected)
    for (run, tag), info in expected.items():
        series = read_series(store, run=run, tag=tag)
        assert [s.step for s in series.steps] == info["steps"] and len(series.steps) == info["count"]
        for got, want in zip(series.steps, info["samples"], strict=True):
            assert [c.length for c in got.clips] == want["clip_bytes"]
            assert [c.meta["format"] for c in got.clips] == want["clip_format"]
            assert [c.meta["label"] for c in got.clips] == (want["labels"] or [""] * len(got.clips))
            assert info["encoding"] == "WAV" and {c.meta["content_type"] for c in got.clips} == {"audio/wav"}


@pytest.mark.parametrize("name", ["torch_dev", "tbx_dev"])
def test_sample_rate_and_length_agree_with_the_clip(name: str, ingested: Callable[[str], Store]) -> None:
    df = read_frame(ingested(name))
    assert len(df) > 0
    for data, rate in zip(df["data"], df["sample_rate"], strict=True):
        with wave.open(io.BytesIO(data)) as w:
            assert w.getframerate() == rate == 8000


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_audio_endpoints(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    full = _expected(manifest(name))
    client = app_client(fixture_logdir(name))
    assert client.get("/data/plugin/audio/tags").json() == snap["audio_tags"]
    for run, tags in snap["audio"].items():
        for tag, entries in tags.items():
            ours = client.get("/data/plugin/audio/audio", params={"run": run, "tag": tag}).json()
            assert [{k: e[k] for k in ("wall_time", "label", "step", "contentType")} for e in ours] == entries
            for entry, sample in zip(ours, full[(run, tag)]["samples"], strict=True):
                q = parse_qs(entry["query"])
                assert q["content_type"] == ["audio/wav"]
                clip = client.get("/data/plugin/audio/individualAudio?" + entry["query"])
                assert clip.status_code == 200 and clip.headers["content-type"] == "audio/wav"
                assert len(clip.content) == sample["clip_bytes"][0]
