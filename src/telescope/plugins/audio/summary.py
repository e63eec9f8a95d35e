"""Writer side of the audio kind: ``Summary`` values from numpy arrays of samples.

Pure functions used by ``SummaryWriter.add_audio`` (training script → **writer** → event files). Clips are
encoded as 16-bit PCM WAV with the standard library's ``wave`` module and written in the legacy
``Summary.Audio`` form that ``torch.utils.tensorboard`` writes (docs/event-format §6.6); :func:`audio_tensor`
writes the modern ``[k, 2]`` (clip, label) form.
"""

from __future__ import annotations

import io
import logging
import wave
from typing import Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.audio.metadata import create_metadata
from telescope.plugins.values import as_numpy, tensor_proto, tensor_summary
from telescope.tfrecord.proto import summary_pb2

logger = logging.getLogger(__name__)

__all__ = ["audio", "audio_tensor", "encode_wav", "to_frames"]

_PCM16_MAX = 32767


def to_frames(samples: Any) -> npt.NDArray[np.float64]:
    """Samples as ``[length, channels]``: a 1-D array (or ``[1, L]``) is mono, ``[C, L]`` with C < L is C channels.

    Values outside [-1, 1] are clipped (with a logged warning).
    """
    arr = as_numpy(samples).astype(np.float64)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim == 1:
        frames = arr[:, None]
    elif arr.ndim == 2 and arr.shape[0] < arr.shape[1]:
        frames = arr.T
    else:
        raise ValueError(f"audio must be 1-D samples or [channels, samples], got shape {list(arr.shape)}")
    if frames.size and not np.isfinite(frames).all():
        frames = np.nan_to_num(frames, nan=0.0, posinf=1.0, neginf=-1.0)
    if frames.size and np.abs(frames).max() > 1:
        logger.warning("audio samples outside [-1, 1] were clipped")
        frames = frames.clip(-1, 1)
    return frames


def encode_wav(frames: npt.NDArray[Any], sample_rate: int) -> bytes:
    """16-bit PCM WAV bytes of ``[length, channels]`` samples in [-1, 1]."""
    pcm = np.round(np.asarray(frames, dtype=np.float64) * _PCM16_MAX).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(pcm.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(int(sample_rate))
        wav.writeframes(np.ascontiguousarray(pcm).tobytes())
    return out.getvalue()


def audio(tag: str, samples: Any, sample_rate: int = 44100) -> summary_pb2.Summary:
    """A WAV ``Summary.Audio`` value of ``samples`` (see :func:`to_frames`) at ``sample_rate`` Hz."""
    frames = to_frames(samples)
    clip = summary_pb2.Summary.Audio(
        sample_rate=float(sample_rate),
        num_channels=frames.shape[1],
        length_frames=frames.shape[0],
        encoded_audio_string=encode_wav(frames, sample_rate),
        content_type="audio/wav",
    )
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, audio=clip)])


def audio_tensor(
    tag: str,
    clips: list[Any],
    sample_rate: int = 44100,
    *,
    labels: list[str] | None = None,
    display_name: str = "",
    description: str = "",
) -> summary_pb2.Summary:
    """A modern audio value: ``[k, 2]`` WAV clips with Markdown labels (empty when not given)."""
    wavs = [encode_wav(to_frames(c), sample_rate) for c in clips]
    texts = [s.encode("utf-8") for s in (labels or [""] * len(wavs))]
    if len(texts) != len(wavs):
        raise ValueError(f"{len(wavs)} clips but {len(texts)} labels")
    data = np.empty((len(wavs), 2), dtype=object)
    data[:, 0] = wavs
    data[:, 1] = texts
    return tensor_summary(tag, tensor_proto(data), create_metadata(display_name=display_name, description=description))
