"""The projector's files on disk (docs/event-format §9): finding ``projector_config.pbtxt`` files, resolving the
paths they name safely, and reading the tensors, labels and sprite they point at, within size limits.

Embeddings are not in event files, so nothing here goes through the index: files are read when asked for.
A path named by a config must be relative, must not go up with ``..``, and must not resolve (through a symbolic
link) outside the logdir; otherwise :class:`AssetError` says why. Shapes of tensor files are found without
loading them (a streamed line count for TSV, the file size for raw float32), so a listing of a 2 GB tensor file
costs one pass over it, cached, and never its size in memory.
"""

from __future__ import annotations

import codecs
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from telescope.plugins.embeddings.metadata import CONFIG_FILENAME, PLUGIN_ASSETS_DIR, parse_config
from telescope.tfrecord.proto import projector_config_pb2

logger = logging.getLogger(__name__)

MAX_CONFIG_BYTES = 4 << 20
MAX_TENSOR_BYTES = 512 << 20  # float32 bytes one request may load; ask for fewer rows beyond
MAX_METADATA_BYTES = 256 << 20
MAX_SPRITE_BYTES = 64 << 20
_CHUNK = 8 << 20


class AssetError(ValueError):
    """A file named by a projector config that cannot be used; the message says why."""


@dataclass(frozen=True)
class ConfigFile:
    run: str
    path: Path  # the projector_config.pbtxt
    config: projector_config_pb2.ProjectorConfig


def find_configs(logdir: Path, runs: list[str]) -> tuple[list[ConfigFile], list[str]]:
    """The projector configs of ``runs`` (in each run directory and its projector plugin-assets directory) and of
    the logdir itself (run ``.``), and a reason for each config that could not be read."""
    configs: list[ConfigFile] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for run in [*runs, *([] if "." in runs else ["."])]:
        base = logdir if run == "." else logdir.joinpath(*run.split("/"))
        for path in (base / CONFIG_FILENAME, base.joinpath(*PLUGIN_ASSETS_DIR.split("/"), CONFIG_FILENAME)):
            if path in seen or not path.is_file():
                continue
            seen.add(path)
            try:
                if path.stat().st_size > MAX_CONFIG_BYTES:
                    raise ValueError(f"it is larger than {MAX_CONFIG_BYTES >> 20} MB")
                config = parse_config(path.read_text(encoding="utf-8", errors="replace"))
            except (OSError, ValueError) as e:
                problems.append(f"{_rel(path, logdir)}: {e}")
                continue
            configs.append(ConfigFile(run, path, config))
    return configs, problems


def _rel(path: Path, logdir: Path) -> str:
    try:
        return path.relative_to(logdir).as_posix()
    except ValueError:
        return str(path)


def resolve_asset(raw: str, config_path: Path, logdir: Path) -> Path:
    """The file that ``raw`` (a path from ``config_path``) names; AssetError when it escapes."""
    if not raw:
        raise AssetError("the config names no file")
    if raw.startswith("~") or os.path.isabs(raw) or raw.startswith("\\"):
        raise AssetError(f"{raw!r} is an absolute path; paths in {CONFIG_FILENAME} must be relative to its directory")
    parts = Path(raw).parts
    if ".." in parts or ".." in raw.split("\\"):
        raise AssetError(f"{raw!r} goes up with '..'; files must be inside the directory of {CONFIG_FILENAME}")
    candidate = config_path.parent.joinpath(*parts)
    real = candidate.resolve()
    roots = [logdir.resolve(), config_path.parent.resolve()]
    if not any(real == r or real.is_relative_to(r) for r in roots):
        raise AssetError(f"{raw!r} is a symbolic link to {real}, outside the logdir")
    if not real.exists():
        raise AssetError(f"{raw!r} does not exist")
    if not real.is_file():
        raise AssetError(f"{raw!r} is not a file")
    return real


def is_text(path: Path) -> bool:
    """Whether a tensor file is text (TSV) rather than raw float32: its first bytes are valid UTF-8."""
    with open(path, "rb") as f:
        head = f.read(64 << 10)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


_shape_cache: dict[tuple[str, int, int], tuple[int, int]] = {}


def tsv_shape(path: Path) -> tuple[int, int]:
    """``(rows, columns)`` of a TSV of numbers, streamed (blank lines do not count); cached per file version."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key in _shape_cache:
        return _shape_cache[key]
    rows = 0
    columns = 0
    with open(path, "rb") as f:
        carry = b""
        while chunk := f.read(_CHUNK):
            data = carry + chunk
            lines = data.split(b"\n")
            carry = lines.pop()
            for line in lines:
                if line.strip():
                    rows += 1
                    if columns == 0:
                        columns = line.rstrip(b"\r").count(b"\t") + 1
        if carry.strip():
            rows += 1
            if columns == 0:
                columns = carry.rstrip(b"\r").count(b"\t") + 1
    _shape_cache[key] = (rows, columns)
    return rows, columns


def binary_shape(path: Path, declared: tuple[int, ...]) -> tuple[int, int]:
    """The shape of a raw float32 tensor file, which must be declared (``tensor_shape``) and match its size."""
    if len(declared) != 2:
        raise AssetError(f"the tensor file is raw float32, so tensor_shape must give [N, D], not {list(declared)}")
    size = path.stat().st_size
    if size != declared[0] * declared[1] * 4:
        raise AssetError(f"the raw float32 tensor file holds {size} bytes, not {declared[0]}x{declared[1]}x4")
    return declared[0], declared[1]


def read_tsv_tensor(path: Path, *, num_rows: int | None = None) -> npt.NDArray[np.float32]:
    """The vectors of a TSV tensor file (its first ``num_rows``), as float32 ``[N, D]``."""
    rows: list[list[str]] = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            rows.append(text.split("\t"))
            if len(rows) > 1 and len(rows[-1]) != len(rows[0]):
                raise AssetError(f"line {number} of the tensor file has {len(rows[-1])} values, not {len(rows[0])}")
            if num_rows is not None and len(rows) >= num_rows:
                break
    try:
        out = np.array(rows, dtype=np.float32)
    except ValueError as e:
        raise AssetError(f"the tensor file is not a TSV of numbers: {e}") from None
    return out.reshape(len(rows), len(rows[0]) if rows else 0)


def read_binary_tensor(path: Path, shape: tuple[int, int], *, num_rows: int | None = None) -> npt.NDArray[np.float32]:
    rows = shape[0] if num_rows is None else min(num_rows, shape[0])
    data = np.fromfile(path, dtype="<f4", count=rows * shape[1])
    return data.reshape(rows, shape[1]).astype(np.float32)


@dataclass(frozen=True)
class Labels:
    """A metadata TSV: column names (``None`` for the single unnamed column) and one row per point."""

    columns: list[str] | None
    rows: list[list[str]]


def read_labels(path: Path, *, num_rows: int | None = None) -> Labels:
    """A metadata TSV: several columns have a header line first (its first line holds a tab); one has none."""
    if path.stat().st_size > MAX_METADATA_BYTES:
        raise AssetError(f"the metadata file is larger than {MAX_METADATA_BYTES >> 20} MB")
    columns: list[str] | None = None
    rows: list[list[str]] = []
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        for i, line in enumerate(f):
            cells = line.rstrip("\r\n").split("\t")
            if i == 0 and len(cells) > 1:
                columns = cells
                continue
            rows.append(cells)
            if num_rows is not None and len(rows) >= num_rows:
                break
    while rows and rows[-1] == [""]:  # trailing empty lines are no points; an empty label between others is one
        rows.pop()
    return Labels(columns, rows)


def read_limited(path: Path, limit: int, what: str) -> bytes:
    if path.stat().st_size > limit:
        raise AssetError(f"the {what} is larger than {limit >> 20} MB")
    return path.read_bytes()
