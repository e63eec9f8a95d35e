"""Sample data for the plugin contract suite: images in both encodings, read back through the query layer."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from telescope.store import Store


def png_bytes(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A solid-colour RGB PNG, encoded by hand (no imaging library needed)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + bytes(rgb) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    )


def gif_bytes(width: int, height: int) -> bytes:
    """The header and an empty trailer of a GIF: enough for a viewer to learn its size."""
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00;"


def _pictures(step: int) -> np.ndarray:
    """A ``[3, H, W]`` uint8 picture that changes with the step."""
    return (np.arange(3 * 5 * (4 + step), dtype=np.uint8).reshape(3, 5, 4 + step) * (step + 1)).astype(np.uint8)


def write_sample(log_dir: Path) -> dict[Any, Any]:
    """Write sample images under ``log_dir`` (legacy PNGs and a GIF with the writer, a tensor-form batch as
    TF2 writes it); return what reading them must give: per (run, tag), ``(step, index, width, height, format,
    bytes)`` for every image."""
    from telescope.plugins.images.summary import image, images_tensor, video
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2
    from telescope.writer import SummaryWriter

    clip = np.zeros((1, 3, 3, 6, 5), dtype=np.uint8)
    clip[0, :, 0] = np.arange(3, dtype=np.uint8)[:, None, None] * 80
    with SummaryWriter(log_dir / "run") as w:
        for step in range(3):
            w.add_image("sample/legacy", _pictures(step), step, walltime=1_700_000_000.0 + step)
        w.add_video("sample/video", clip, 0, walltime=1_700_000_000.0)
    batches = {step: [np.full((2, 3, 3), 40 * i + step, dtype=np.uint8) for i in range(2)] for step in range(3)}
    events = [event_pb2.Event(wall_time=1_700_000_000.0, file_version="brain.Event:2")]
    for step, batch in batches.items():
        summary = images_tensor("sample/batch", batch)
        events.append(event_pb2.Event(wall_time=1_700_000_000.0 + step, step=step, summary=summary))
    with open(log_dir / "run" / "events.out.tfevents.1700000000.tensor-form", "wb") as f:
        for ev in events:
            f.write(encode_record(ev.SerializeToString()))

    expected: dict[Any, Any] = {}
    for step in range(3):
        (v,) = image("sample/legacy", _pictures(step)).value
        expected.setdefault(("run", "sample/legacy"), []).append(
            (step, 0, 4 + step, 5, "png", v.image.encoded_image_string)
        )
        (t,) = events[1 + step].summary.value
        for i, data in enumerate(t.tensor.string_val[2:]):
            expected.setdefault(("run", "sample/batch"), []).append((step, i, 3, 2, "png", bytes(data)))
    (g,) = video("sample/video", clip).value
    expected[("run", "sample/video")] = [(0, 0, 5, 6, "gif", g.image.encoded_image_string)]
    return expected


def read_sample(store: Store) -> dict[Any, Any]:
    from telescope.plugins.images.query import read_frame

    out: dict[Any, Any] = {}
    for r in read_frame(store).itertuples(index=False):
        out.setdefault((r.run, r.tag), []).append((r.step, r.index, r.width, r.height, r.format, r.data))
    return out
