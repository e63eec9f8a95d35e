"""Writer side of the embeddings kind: the files TensorBoard's projector reads (docs/event-format §9).

Called by ``SummaryWriter.add_embedding``. Nothing goes into event files: :func:`write_embedding` writes, in the
writer's ``log_dir``::

    <step:05d>/<tag>/tensors.tsv     one point per line, tab-separated numbers
    <step:05d>/<tag>/metadata.tsv    labels, one line per point (a header line first when there are several columns)
    <step:05d>/<tag>/sprite.png      the label images in a square grid, row by row
    projector_config.pbtxt           every embedding of the directory, this one added or replaced

The config is read, merged and replaced atomically under a lock, so several writers in one process, and
earlier runs of the script, keep their entries, and a projector reading it never sees half a file.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from telescope.plugins.embeddings import metadata as projector
from telescope.plugins.images.summary import encode_png, to_uint8
from telescope.plugins.values import as_numpy
from telescope.tfrecord.proto import projector_config_pb2

__all__ = ["sprite_image", "write_embedding"]

logger = logging.getLogger(__name__)

# One lock for every config file: embeddings are written rarely, and this keeps read-merge-replace atomic
# between threads whatever path spelling each writer uses.
_CONFIG_LOCK = threading.Lock()


def _cell(value: Any) -> str:
    # A tab or line break inside a label would shift every later column or point.
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _is_row(value: Any) -> bool:
    return isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, (str, bytes))


def _metadata_lines(labels: Any, header: Sequence[Any] | None, count: int) -> list[str]:
    """The lines of ``metadata.tsv``: one per point, after a header line when there are several columns."""
    if hasattr(labels, "__array__") or hasattr(labels, "detach"):
        labels = as_numpy(labels).tolist()
    rows = list(labels)
    if len(rows) != count:
        raise ValueError(f"metadata has {len(rows)} labels for {count} points")
    columns = list(header) if header else []
    if len(columns) > 1:
        for i, row in enumerate(rows):
            if not _is_row(row) or len(row) != len(columns):
                raise ValueError(f"metadata row {i} ({row!r}) does not have the {len(columns)} columns of the header")
        return ["\t".join(_cell(c) for c in columns), *("\t".join(_cell(v) for v in row) for row in rows)]
    if any(_is_row(row) and len(row) > 1 for row in rows):
        raise ValueError("metadata rows have several columns: pass metadata_header to name them")
    # One column: no header line (the projector would read it as a point's label).
    return [_cell(row[0] if _is_row(row) else row) for row in rows]


def _tensor_lines(mat: npt.NDArray[Any]) -> list[str]:
    if mat.dtype.kind == "b":
        mat = mat.astype(np.uint8)
    elif mat.dtype.kind not in "iuf":
        raise ValueError(f"an embedding must hold numbers, got dtype {mat.dtype}")
    # str() of Python numbers: the same text torch.utils.tensorboard writes.
    return ["\t".join(map(str, row)) for row in mat.tolist()]


def sprite_image(label_img: Any) -> tuple[npt.NDArray[np.uint8], tuple[int, int]]:
    """The sprite (``H x W x C`` uint8) for ``N`` images ``NCHW`` (or ``NHW``), and one image's ``(width, height)``.

    Images lie row by row in a square grid of ``ceil(sqrt(N))`` columns; cells past the last image stay black.
    Pixels follow the images kind's rules (floats 0-1, integers 0-255); 1 (grey), 3 (RGB) or 4 (RGBA) channels.
    """
    images = as_numpy(label_img)
    if images.ndim == 3:
        images = images[:, np.newaxis]
    if images.ndim != 4 or images.shape[1] not in (1, 3, 4):
        raise ValueError(f"label_img must be N x C x H x W with 1, 3 or 4 channels, got shape {list(images.shape)}")
    if images.dtype.kind not in "biuf":
        raise ValueError(f"label_img must hold numbers, got dtype {images.dtype}")
    pixels = to_uint8(images)
    n, channels, height, width = pixels.shape
    side = max(1, math.ceil(math.sqrt(n)))
    grid = np.zeros((side * side, height, width, channels), dtype=np.uint8)
    grid[:n] = pixels.transpose(0, 2, 3, 1)
    # (row, col, y, x, c) → (row, y, col, x, c): cell (row, col) lands at rows row*H.., columns col*W..
    sprite = grid.reshape(side, side, height, width, channels).transpose(0, 2, 1, 3, 4)
    return sprite.reshape(side * height, side * width, channels), (width, height)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _merge_config(log_dir: Path, info: projector_config_pb2.EmbeddingInfo) -> None:
    path = log_dir / projector.CONFIG_FILENAME
    with _CONFIG_LOCK:
        config = projector_config_pb2.ProjectorConfig()
        if path.exists():
            try:
                config = projector.parse_config(path.read_text(encoding="utf-8"))
            except ValueError as e:
                # Replacing it would lose whatever the user keeps there.
                raise ValueError(f"{path} exists but cannot be read as a projector config; not changing it") from e
        projector.merge_embedding(config, info)
        _write_atomically(path, projector.format_config(config).encode("utf-8"))


def write_embedding(
    log_dir: str | os.PathLike[str],
    mat: Any,
    metadata: Any = None,
    label_img: Any = None,
    global_step: int | None = None,
    tag: str = "default",
    metadata_header: Sequence[Any] | None = None,
) -> None:
    """Write one embedding (``mat``: ``N x D`` numbers) with its labels and images, and list it in the config.

    ``metadata``: ``N`` labels, or ``N`` rows of several columns named by ``metadata_header``; ``label_img``:
    ``N`` images ``NCHW`` (see :func:`sprite_image`); ``global_step`` defaults to 0. Writing the same tag and step
    again replaces that embedding.
    """
    matrix = as_numpy(mat)
    if matrix.ndim != 2:
        raise ValueError(f"mat must be N x D (one row per point), got shape {list(matrix.shape)}")
    count = int(matrix.shape[0])
    step = 0 if global_step is None else int(global_step)
    root = Path(log_dir)
    subdir = projector.embedding_dir(step, tag)
    target = root / subdir

    tensor_text = "\n".join(_tensor_lines(matrix)) + "\n"
    metadata_text = None
    if metadata is not None:
        metadata_text = "\n".join(_metadata_lines(metadata, metadata_header, count)) + "\n"
    sprite = None
    if label_img is not None:
        images = as_numpy(label_img)
        if images.ndim == 0 or images.shape[0] != count:
            raise ValueError(f"label_img has shape {list(images.shape)}: expected {count} images, one per point")
        sprite, size = sprite_image(images)

    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a directory")
    if target.is_dir():
        logger.warning("embedding directory %s exists; replacing it (is global_step set?)", target)
    target.mkdir(parents=True, exist_ok=True)

    info = projector_config_pb2.EmbeddingInfo(
        tensor_name=projector.tensor_name(step, tag),
        tensor_path=f"{subdir}/{projector.TENSORS_FILENAME}",
        tensor_shape=[count, int(matrix.shape[1])],
    )
    (target / projector.TENSORS_FILENAME).write_bytes(tensor_text.encode("utf-8"))
    if metadata_text is not None:
        (target / projector.METADATA_FILENAME).write_bytes(metadata_text.encode("utf-8"))
        info.metadata_path = f"{subdir}/{projector.METADATA_FILENAME}"
    if sprite is not None:
        (target / projector.SPRITE_FILENAME).write_bytes(encode_png(sprite))
        info.sprite.image_path = f"{subdir}/{projector.SPRITE_FILENAME}"
        info.sprite.single_image_dim.extend(size)
    _merge_config(root, info)
