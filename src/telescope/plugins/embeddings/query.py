"""Pure read functions for the embeddings kind (no HTTP): the embeddings the projector configs of a logdir name,
each one's tensors, labels and sprite, TensorBoard's view of a run's config, and the whole kind as a DataFrame.

The store gives the logdir and its runs; the files are read from disk on demand (:mod:`.files`). Embeddings
stored in TF checkpoints (a config without ``tensor_path``) are listed with the reason they cannot be read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from google.protobuf import json_format

from telescope.errors import BadRequest, NotFound
from telescope.plugins.embeddings import files
from telescope.plugins.embeddings.files import AssetError, ConfigFile, Labels
from telescope.store import Store
from telescope.tfrecord.proto import projector_config_pb2

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

FRAME_COLUMNS = ["run", "tensor_name", "tensors", "metadata", "sprite"]


@dataclass(frozen=True)
class Embedding:
    """One entry of a projector config, with what can be learnt about it without loading its tensors."""

    run: str
    tensor_name: str
    config: ConfigFile
    info: projector_config_pb2.EmbeddingInfo
    shape: tuple[int, int] | None  # [N, D]: from the file, else as declared
    tensor_format: str | None  # "tsv" | "binary" | None (the tensors cannot be read)
    tensor_bytes: int | None
    problems: list[str] = field(default_factory=list)  # why a file cannot be used, one reason each

    @property
    def sprite_dim(self) -> tuple[int, int] | None:
        dims = list(self.info.sprite.single_image_dim)
        return (dims[0], dims[1]) if len(dims) == 2 else None


def _logdir(store: Store) -> Path:
    root = store.logdir()
    if root is None:
        raise NotFound("This index has no logdir.", code="no_logdir")
    return Path(root)


def _canonical(name: str) -> str:
    return name if ":" in name else name + ":0"


def _describe(cf: ConfigFile, info: projector_config_pb2.EmbeddingInfo, logdir: Path) -> Embedding:
    name = info.tensor_name or (Path(info.tensor_path).name if info.tensor_path else "")
    shape: tuple[int, int] | None = None
    declared = tuple(int(d) for d in info.tensor_shape)
    if len(declared) == 2:
        shape = (declared[0], declared[1])
    fmt: str | None = None
    size: int | None = None
    problems: list[str] = []
    if not info.tensor_path:
        problems.append("tensors: stored in a TF checkpoint, which Telescope does not read (give tensor_path)")
    else:
        try:
            path = files.resolve_asset(info.tensor_path, cf.path, logdir)
            size = path.stat().st_size
            if files.is_text(path):
                fmt, shape = "tsv", files.tsv_shape(path)
            else:
                fmt, shape = "binary", files.binary_shape(path, declared)
        except (AssetError, OSError) as e:
            fmt = None
            problems.append(f"tensors: {e}")
    for what, raw in (("metadata", info.metadata_path), ("sprite", info.sprite.image_path)):
        if raw:
            try:
                files.resolve_asset(raw, cf.path, logdir)
            except AssetError as e:
                problems.append(f"{what}: {e}")
    return Embedding(cf.run, name, cf, info, shape, fmt, size, problems)


def list_embeddings(store: Store, *, run: str | None = None) -> tuple[list[Embedding], list[str]]:
    """Every embedding named by the projector configs (of ``run`` when given), and the configs that could not
    be read, each with its reason."""
    logdir = _logdir(store)
    runs = [r.name for r in store.list_runs()]
    if run is not None:
        if run != "." and run not in runs:
            raise NotFound(f"No run named {run!r}.", code="unknown_run")
        runs = [run]
    configs, problems = files.find_configs(logdir, runs)
    if run is not None:
        configs = [c for c in configs if c.run == run]
    out: list[Embedding] = []
    seen: set[tuple[str, str]] = set()
    for cf in configs:
        for info in cf.config.embeddings:
            e = _describe(cf, info, logdir)
            # A run's own config comes before its plugin-assets one: the first entry of a name wins.
            if (e.run, _canonical(e.tensor_name)) not in seen:
                seen.add((e.run, _canonical(e.tensor_name)))
                out.append(e)
    return out, problems


def find_embedding(store: Store, *, run: str, name: str) -> Embedding:
    found, _ = list_embeddings(store, run=run)
    for e in found:
        if _canonical(e.tensor_name) == _canonical(name):
            return e
    raise NotFound(f"No embedding named {name!r} in run {run!r}.", code="unknown_embedding")


def _bad(e: Embedding, message: str) -> BadRequest:
    return BadRequest(f"Embedding {e.tensor_name!r} of run {e.run!r}: {message}", code="bad_embedding")


def read_tensor(store: Store, *, run: str, name: str, num_rows: int | None = None) -> npt.NDArray[np.float32]:
    """The vectors of one embedding as float32 ``[N, D]`` (its first ``num_rows`` when given)."""
    e = find_embedding(store, run=run, name=name)
    return load_tensor(e, _logdir(store), num_rows=num_rows)


def load_tensor(e: Embedding, logdir: Path, *, num_rows: int | None = None) -> npt.NDArray[np.float32]:
    if e.tensor_format is None or e.shape is None:
        raise _bad(e, "; ".join(p for p in e.problems if p.startswith("tensors")) or "no tensors")
    rows = e.shape[0] if num_rows is None else min(num_rows, e.shape[0])
    if rows * e.shape[1] * 4 > files.MAX_TENSOR_BYTES:
        raise _bad(
            e,
            f"{rows}x{e.shape[1]} float32 values are more than {files.MAX_TENSOR_BYTES >> 20} MB; "
            "ask for fewer rows (num_rows)",
        )
    try:
        path = files.resolve_asset(e.info.tensor_path, e.config.path, logdir)
        if e.tensor_format == "tsv":
            return files.read_tsv_tensor(path, num_rows=num_rows)
        return files.read_binary_tensor(path, e.shape, num_rows=num_rows)
    except (AssetError, OSError, UnicodeDecodeError) as err:
        raise _bad(e, str(err)) from err


def read_labels(store: Store, *, run: str, name: str, num_rows: int | None = None) -> Labels:
    """The labels (metadata TSV) of one embedding; NotFound when it has none."""
    e = find_embedding(store, run=run, name=name)
    labels = load_labels(e, _logdir(store), num_rows=num_rows)
    if labels is None:
        raise NotFound(f"Embedding {name!r} of run {run!r} has no metadata file.", code="no_metadata")
    return labels


def load_labels(e: Embedding, logdir: Path, *, num_rows: int | None = None) -> Labels | None:
    if not e.info.metadata_path:
        return None
    try:
        return files.read_labels(files.resolve_asset(e.info.metadata_path, e.config.path, logdir), num_rows=num_rows)
    except (AssetError, OSError) as err:
        raise _bad(e, f"metadata: {err}") from err


def metadata_path(store: Store, *, run: str, name: str) -> Path:
    """The metadata file of one embedding (for serving it as it is)."""
    e = find_embedding(store, run=run, name=name)
    if not e.info.metadata_path:
        raise NotFound(f"Embedding {name!r} of run {run!r} has no metadata file.", code="no_metadata")
    try:
        return files.resolve_asset(e.info.metadata_path, e.config.path, _logdir(store))
    except AssetError as err:
        raise _bad(e, f"metadata: {err}") from err


def read_sprite(store: Store, *, run: str, name: str) -> bytes:
    """The sprite image of one embedding; NotFound when it has none."""
    e = find_embedding(store, run=run, name=name)
    sprite = load_sprite(e, _logdir(store))
    if sprite is None:
        raise NotFound(f"Embedding {name!r} of run {run!r} has no sprite image.", code="no_sprite")
    return sprite


def load_sprite(e: Embedding, logdir: Path) -> bytes | None:
    if not e.info.sprite.image_path:
        return None
    try:
        path = files.resolve_asset(e.info.sprite.image_path, e.config.path, logdir)
        return files.read_limited(path, files.MAX_SPRITE_BYTES, "sprite image")
    except (AssetError, OSError) as err:
        raise _bad(e, f"sprite: {err}") from err


def tensorboard_runs(store: Store) -> list[str]:
    """The runs whose configs name at least one embedding, as TensorBoard's ``/runs`` lists them."""
    found, _ = list_embeddings(store)
    runs: list[str] = []
    for e in found:
        if e.run not in runs:
            runs.append(e.run)
    return runs


def tensorboard_config(store: Store, *, run: str) -> dict[str, Any]:
    """A run's config as TensorBoard's ``/info`` answers it: the entries with their names and shapes filled in."""
    found, _ = list_embeddings(store, run=run)
    if not found:
        raise NotFound(f"Run {run!r} has no projector config naming an embedding.", code="unknown_run")
    config = projector_config_pb2.ProjectorConfig()
    for e in found:
        info = config.embeddings.add()
        info.CopyFrom(e.info)
        info.tensor_name = e.tensor_name
        if e.shape is not None and not info.tensor_shape:
            info.tensor_shape.extend(e.shape)
    out: dict[str, Any] = json_format.MessageToDict(config)
    return out


def read_frame(store: Store, **options: Any) -> pd.DataFrame:
    """Every readable embedding: ``run, tensor_name, tensors`` (float32 ``[N, D]``), ``metadata`` (a DataFrame
    for several columns, a list of labels for one, None without a file) and ``sprite`` (PNG bytes or None).
    Embeddings whose files cannot be read are left out, with a logged warning saying why."""
    import pandas as pd

    if options:
        raise TypeError(f"read_embeddings takes no options {sorted(options)}")
    logdir = _logdir(store)
    found, problems = list_embeddings(store)
    for p in problems:
        logger.warning("projector config %s", p)
    records = []
    for e in found:
        try:
            tensors = load_tensor(e, logdir)
            labels = load_labels(e, logdir)
            sprite = load_sprite(e, logdir)
        except BadRequest as err:
            logger.warning("%s", err.message)
            continue
        metadata: Any = None
        if labels is not None:
            if labels.columns is None:
                metadata = [row[0] for row in labels.rows]
            else:
                width = len(labels.columns)
                metadata = pd.DataFrame([(row + [""] * width)[:width] for row in labels.rows], columns=labels.columns)
        records.append((e.run, e.tensor_name, tensors, metadata, sprite))
    return pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)
