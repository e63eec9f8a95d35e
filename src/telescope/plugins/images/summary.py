"""Writer side of the images kind: ``Summary`` values from numpy arrays (images, grids, boxes, figures, videos).

Pure functions used by ``SummaryWriter.add_image``/``add_images``/``add_image_with_boxes``/``add_figure``/
``add_video`` (training script → **writer** → event files). Values are written in the legacy
``Summary.Image`` form that ``torch.utils.tensorboard`` writes (PNG; an animated GIF for videos), which every
reader shows (docs/event-format §6.5). Pixels follow PyTorch's rules: ``uint8`` arrays are 0-255 (any other
integer type too), floating arrays are 0-1, scaled by 255 and truncated; a batch is tiled into one grid image.

Pillow is used when installed (PNG, GIF, box labels, Lanczos resizing); without it, PNG and GIF are encoded
here with ``zlib`` and boxes are drawn without their labels.
"""

from __future__ import annotations

import io
import logging
import struct
import zlib
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.images.metadata import create_metadata
from telescope.plugins.values import as_numpy, tensor_proto, tensor_summary
from telescope.tfrecord.proto import summary_pb2

logger = logging.getLogger(__name__)

__all__ = [
    "draw_boxes",
    "encode_gif",
    "encode_png",
    "figure_to_array",
    "image",
    "images_tensor",
    "make_grid",
    "to_hwc",
    "to_uint8",
    "video",
]

U8 = npt.NDArray[np.uint8]


def _pillow() -> ModuleType | None:
    """``PIL.Image`` if Pillow is installed (tests replace this to exercise the encoders here)."""
    try:
        from PIL import Image
    except ImportError:
        return None
    return Image


# ----- pixels -----


def to_uint8(arr: npt.NDArray[Any]) -> U8:
    """0-255 pixels: floats in 0-1 are scaled by 255 and truncated (as PyTorch does), integers are clipped."""
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == np.bool_:
        return arr.astype(np.uint8) * np.uint8(255)
    if arr.dtype.kind in "iu":
        return arr.clip(0, 255).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        scaled = np.nan_to_num(arr.astype(np.float32) * np.float32(255), nan=0.0)
    out: U8 = scaled.clip(0, 255).astype(np.uint8)
    return out


def make_grid(nchw: npt.NDArray[Any], ncols: int = 8) -> npt.NDArray[Any]:
    """Tile a batch ``[N, C, H, W]`` into one ``[C, rows x H, min(N, ncols) x W]`` image, row by row.

    One channel is repeated into three (RGB); cells past the last image stay black.
    """
    if nchw.ndim != 4:
        raise ValueError(f"a batch of images must have 4 dimensions, got shape {list(nchw.shape)}")
    if nchw.shape[1] == 1:
        nchw = np.concatenate([nchw, nchw, nchw], axis=1)
    n, c, h, w = nchw.shape
    if c not in (3, 4):
        raise ValueError(f"images must have 1, 3 or 4 channels, got {c}")
    cols = max(1, min(n, ncols))
    rows = -(-n // cols)
    canvas = np.zeros((c, rows * h, cols * w), dtype=nchw.dtype)
    for i in range(n):
        y, x = divmod(i, cols)
        canvas[:, y * h : (y + 1) * h, x * w : (x + 1) * w] = nchw[i]
    return canvas


def to_hwc(arr: npt.NDArray[Any], dataformats: str) -> npt.NDArray[Any]:
    """Reorder an image (or a batch, tiled with :func:`make_grid`) to ``[H, W, C]`` with C = 3 or 4.

    ``dataformats`` names the axes of ``arr`` with the letters N, C, H, W (``"CHW"``, ``"HWC"``, ``"HW"``,
    ``"NCHW"``, ``"NHWC"``...). Gray images become RGB.
    """
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or not set(fmt) <= set("NCHW") or not {"H", "W"} <= set(fmt):
        raise ValueError(f"dataformats must name the axes with distinct letters among N, C, H, W; got {dataformats!r}")
    if arr.ndim != len(fmt):
        raise ValueError(f"dataformats {dataformats!r} has {len(fmt)} axes but the array has shape {list(arr.shape)}")
    if "N" in fmt:
        if "C" not in fmt:
            arr, fmt = arr[..., None], fmt + "C"
        nchw = arr.transpose([fmt.index(a) for a in "NCHW"])
        return make_grid(nchw).transpose(1, 2, 0)
    if "C" not in fmt:
        hw = arr.transpose([fmt.index(a) for a in "HW"])
        return np.stack([hw, hw, hw], axis=2)
    hwc = arr.transpose([fmt.index(a) for a in "HWC"])
    if hwc.shape[2] == 1:
        hwc = np.concatenate([hwc, hwc, hwc], axis=2)
    if hwc.shape[2] not in (3, 4):
        raise ValueError(f"images must have 1, 3 or 4 channels, got {hwc.shape[2]}")
    return hwc


# ----- PNG -----


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _encode_png_zlib(hwc: U8) -> bytes:
    """A PNG (8 bits per channel) with every row under the Sub filter, compressed with zlib."""
    h, w, c = hwc.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    rows = np.ascontiguousarray(hwc).reshape(h, w * c)
    raw = np.empty((h, 1 + w * c), dtype=np.uint8)
    raw[:, 0] = 1  # filter type Sub: each byte minus the same channel of the pixel on its left (mod 256)
    raw[:, 1 : 1 + c] = rows[:, :c]
    raw[:, 1 + c :] = rows[:, c:] - rows[:, :-c]
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)),
            _png_chunk(b"IEND", b""),
        )
    )


def encode_png(hwc: npt.NDArray[Any]) -> bytes:
    """PNG bytes of an ``[H, W, C]`` (C = 1-4) or ``[H, W]`` uint8 image."""
    pixels = to_uint8(np.asarray(hwc))
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    pil = _pillow()
    if pil is None:
        return _encode_png_zlib(pixels)
    out = io.BytesIO()
    pil.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else np.ascontiguousarray(pixels)).save(out, format="PNG")
    return out.getvalue()


def _resize(hwc: U8, width: int, height: int) -> U8:
    if (height, width) == hwc.shape[:2]:
        return hwc
    pil = _pillow()
    if pil is not None:
        resized = pil.fromarray(np.ascontiguousarray(hwc)).resize((width, height), pil.Resampling.LANCZOS)
        pixels: U8 = np.asarray(resized)
        return pixels
    ys = np.minimum((np.arange(height) * hwc.shape[0]) // max(height, 1), hwc.shape[0] - 1)
    xs = np.minimum((np.arange(width) * hwc.shape[1]) // max(width, 1), hwc.shape[1] - 1)
    nearest: U8 = hwc[ys][:, xs]
    return nearest


# ----- boxes -----

_BOX_COLOR = (255, 0, 0)


def draw_boxes(hwc: U8, boxes: npt.NDArray[Any], labels: list[str] | None = None) -> U8:
    """Draw red ``[x1, y1, x2, y2]`` boxes (pixels) on a copy of an ``[H, W, 3|4]`` image, with their labels."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    pil = _pillow()
    if pil is not None:
        from PIL import ImageDraw

        img = pil.fromarray(np.ascontiguousarray(hwc))
        draw = ImageDraw.Draw(img)
        fill = _BOX_COLOR + ((255,) if hwc.shape[2] == 4 else ())
        for i, (x1, y1, x2, y2) in enumerate(boxes.tolist()):
            draw.rectangle([x1, y1, x2, y2], outline=fill, width=2)
            if labels is not None and labels[i]:
                left, top, right, bottom = draw.textbbox((x1, y1), labels[i])
                draw.rectangle([left, top, right + 2, bottom + 2], fill=fill)
                draw.text((x1 + 1, y1 + 1), labels[i], fill=(0, 0, 0))
        return np.asarray(img)
    out = hwc.copy()
    h, w = out.shape[:2]
    color = np.array(_BOX_COLOR + ((255,) if out.shape[2] == 4 else ()), dtype=np.uint8)
    for x1, y1, x2, y2 in boxes.tolist():
        left, right = sorted((round(x1), round(x2)))
        top, bottom = sorted((round(y1), round(y2)))
        cl, cr = max(left, 0), min(right + 1, w)
        ct, cb = max(top, 0), min(bottom + 1, h)
        if cl >= cr or ct >= cb:
            continue
        for y in (top, top + 1, bottom - 1, bottom):
            if ct <= y < cb:
                out[y, cl:cr] = color
        for x in (left, left + 1, right - 1, right):
            if cl <= x < cr:
                out[ct:cb, x] = color
    if labels is not None and any(labels):
        logger.debug("box labels are drawn only when Pillow is installed")
    return out


# ----- images -----


def image(
    tag: str,
    tensor: Any,
    *,
    dataformats: str = "CHW",
    rescale: float = 1,
    boxes: Any = None,
    labels: list[str] | None = None,
) -> summary_pb2.Summary:
    """A PNG ``Summary.Image`` value: one image, or a batch tiled into a grid (``dataformats`` with N).

    ``boxes`` (``[k, 4]`` pixel corners) are drawn before the image is resized by ``rescale``.
    """
    hwc = to_uint8(to_hwc(as_numpy(tensor), dataformats))
    if boxes is not None:
        hwc = draw_boxes(hwc, as_numpy(boxes), labels)
    if rescale != 1:
        hwc = _resize(hwc, max(1, int(hwc.shape[1] * rescale)), max(1, int(hwc.shape[0] * rescale)))
    height, width, channels = hwc.shape
    img = summary_pb2.Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=encode_png(hwc)
    )
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, image=img)])


def images_tensor(
    tag: str, images: list[npt.NDArray[Any]], *, display_name: str = "", description: str = ""
) -> summary_pb2.Summary:
    """A modern image value: ``[width, height, png_0, ...]`` for images ``[H, W, C]`` of one size."""
    pngs = [encode_png(img) for img in images]
    height, width = (images[0].shape[0], images[0].shape[1]) if images else (0, 0)
    data = np.array([str(width).encode(), str(height).encode(), *pngs], dtype=object)
    return tensor_summary(tag, tensor_proto(data), create_metadata(display_name=display_name, description=description))


def figure_to_array(figure: Any, close: bool = True) -> npt.NDArray[np.uint8]:
    """Render a matplotlib figure to ``[3, H, W]`` uint8 pixels, or a list of figures to ``[N, 3, H, W]``."""
    if isinstance(figure, (list, tuple)):
        return np.stack([figure_to_array(f, close) for f in figure])
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    chw = np.ascontiguousarray(rgba[:, :, :3].transpose(2, 0, 1))
    if close:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return chw


# ----- video -----


def _video_frames(arr: npt.NDArray[Any]) -> U8:
    """``[N, T, C, H, W]`` (or ``[T, C, H, W]``) → ``[T, H', W', C]`` uint8, the batch tiled as PyTorch tiles it.

    The batch is padded with black clips to a power of two and laid out in ``2 ** ((N.bit_length() - 1) // 2)``
    rows.
    """
    if arr.ndim == 4:
        arr = arr[None]
    if arr.ndim != 5:
        raise ValueError(f"a video must have shape [N, T, C, H, W], got {list(arr.shape)}")
    n, t, c, h, w = arr.shape
    padded = 1 << (n - 1).bit_length() if n > 0 else 1
    if padded != n:
        arr = np.concatenate([arr, np.zeros((padded - n, t, c, h, w), dtype=arr.dtype)], axis=0)
    rows = 2 ** ((n.bit_length() - 1) // 2)
    cols = padded // rows
    grid = arr.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3).reshape(t, rows * h, cols * w, c)
    return to_uint8(grid)


def _gif_palette() -> bytes:
    """256 colours: 3 bits of red, 3 of green, 2 of blue."""
    i = np.arange(256)
    rgb = np.stack([((i >> 5) & 7) * 255 // 7, ((i >> 2) & 7) * 255 // 7, (i & 3) * 255 // 3], axis=1)
    return rgb.astype(np.uint8).tobytes()


def _lzw_literals(indices: U8) -> bytes:
    """GIF image data (minimum code size 8) holding every pixel as a literal code.

    A clear code every 250 pixels keeps the decoder's table (and so the code width, 9 bits) from growing; the
    stream is about 9/8 of the raw pixels: simple and exact, not small.
    """
    per_run = 250
    n = len(indices)
    runs = -(-n // per_run) if n else 0
    codes = np.empty(n + runs + 1, dtype=np.uint16)
    positions = np.arange(n) + np.arange(n) // per_run + 1
    codes[positions] = indices
    codes[np.arange(runs) * (per_run + 1)] = 256  # clear
    codes[-1] = 257  # end of information
    bits = ((codes[:, None] >> np.arange(9, dtype=np.uint16)) & 1).astype(np.uint8).reshape(-1)
    return np.packbits(bits, bitorder="little").tobytes()


def _gif_blocks(data: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(data), 255):
        block = data[i : i + 255]
        out.append(len(block))
        out += block
    out.append(0)
    return bytes(out)


def _encode_gif_here(frames: U8, fps: float) -> bytes:
    _, h, w, c = frames.shape
    rgb = frames[..., :3] if c >= 3 else np.repeat(frames[..., :1], 3, axis=3)
    delay = max(1, round(100 / fps)) if fps > 0 else 10
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", w, h, 0xF7, 0, 0)  # global colour table of 256 entries
    out += _gif_palette()
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    for frame in rgb:
        index = (frame[..., 0] & 0xE0) | ((frame[..., 1] & 0xE0) >> 3) | (frame[..., 2] >> 6)
        out += b"\x21\xf9\x04" + struct.pack("<BHBB", 0, delay, 0, 0)
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0)
        out += b"\x08" + _gif_blocks(_lzw_literals(index.reshape(-1).astype(np.uint8)))
    out += b"\x3b"
    return bytes(out)


def encode_gif(frames: npt.NDArray[Any], fps: float = 4) -> bytes:
    """An animated GIF (looping) of ``[T, H, W, C]`` uint8 frames shown ``fps`` frames per second."""
    frames = to_uint8(np.asarray(frames))
    pil = _pillow()
    if pil is None:
        return _encode_gif_here(frames, fps)
    images = [pil.fromarray(f[:, :, 0] if f.shape[2] == 1 else np.ascontiguousarray(f[:, :, :3])) for f in frames]
    out = io.BytesIO()
    duration = max(1, round(1000 / fps)) if fps > 0 else 100
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0)
    return out.getvalue()


def video(tag: str, tensor: Any, fps: float = 4) -> summary_pb2.Summary:
    """An animated-GIF ``Summary.Image`` value of a ``[N, T, C, H, W]`` batch of clips tiled into one clip."""
    frames = _video_frames(as_numpy(tensor))
    t, height, width, channels = frames.shape
    if t == 0:
        raise ValueError("a video needs at least one frame")
    img = summary_pb2.Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=encode_gif(frames, fps)
    )
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, image=img)])
