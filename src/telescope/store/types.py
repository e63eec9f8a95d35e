"""Value objects exchanged between the store and the stages around it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]


@dataclass
class FileState:
    """How far one event file has been read; persisted with the data read from it."""

    path: str  # relative to the logdir, "/"-separated
    run: str
    id: int | None = None
    offset: int = 0
    size: int = 0
    mtime: float = 0.0
    records: int = 0
    skipped: int = 0
    file_version: str | None = None
    stalled_at: int | None = None


@dataclass
class SeriesState:
    """What the ingester must remember per (run, tag) to apply the restart rules across restarts."""

    run: str
    tag: str
    plugin: str
    storage_class: str  # "scalars" | "tensors" | "blobs" | "none"
    id: int | None = None
    display_name: str = ""
    description: str = ""
    content: bytes = b""
    count: int = 0
    last_step: int | None = None
    last_wall_time: float | None = None
    last_file: str | None = None


@dataclass
class ScalarAppend:
    """New scalar points of one series, in ingest order (columns of equal length)."""

    run: str
    tag: str
    steps: Int64Array
    wall_times: Float64Array
    values: Float64Array
    seqs: Int64Array


@dataclass
class TensorAppend:
    """New points of one tensors-class series (histograms, PR curves, text...), in ingest order."""

    run: str
    tag: str
    steps: Int64Array
    wall_times: Float64Array
    seqs: Int64Array
    # One array per point, or all of them stacked in one array ([points, ...]) when they share a dtype and shape.
    values: list[npt.NDArray[np.generic]] | npt.NDArray[np.generic]


@dataclass
class BlobAppend:
    """New items of one blobs-class series (images, audio, graphs). Several items may share a step (``index``).

    A large item is kept as a reference: ``length`` bytes at byte ``offset`` of the event file ``path``
    (relative to the logdir), with ``data`` None. A small one (or one that is not stored verbatim in the
    file) is kept inline in ``data``. ``crc`` is the CRC-32C of the item, checked when it is read back.
    """

    run: str
    tag: str
    step: int
    wall_time: float
    seq: int
    index: int
    path: str
    offset: int
    length: int
    crc: int
    data: bytes | None
    meta: str  # JSON object: what the kind knows of the item (content_type, width, sample_rate, label...)


@dataclass(frozen=True)
class PurgeRow:
    """A restart: hides points of ``run`` (one ``tag``, or all tags when None) at ``step`` or later that were
    ingested before ``seq``."""

    run: str
    tag: str | None
    step: int
    seq: int
    reason: str  # "session_start" | "step_back"
    path: str
    offset: int


@dataclass(frozen=True)
class ProblemRow:
    """Something wrong in an event file, with its path and byte offset."""

    path: str
    offset: int
    kind: str
    message: str
    gap: int = 0


@dataclass
class IngestBatch:
    """Everything one ingest step wants to write; committed in one transaction."""

    # run -> (wall_time of the first event read, min, max wall_time seen)
    runs: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    files: list[FileState] = field(default_factory=list)
    series: list[SeriesState] = field(default_factory=list)
    scalars: list[ScalarAppend] = field(default_factory=list)
    tensors: list[TensorAppend] = field(default_factory=list)
    blobs: list[BlobAppend] = field(default_factory=list)
    purges: list[PurgeRow] = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)
    next_seq: int = 0

    def is_empty(self) -> bool:
        return not (
            self.runs
            or self.files
            or self.series
            or self.scalars
            or self.tensors
            or self.blobs
            or self.purges
            or self.problems
        )


@dataclass(frozen=True)
class RunRow:
    name: str
    start_wall_time: float | None  # wall_time of the first event read (what TensorBoard calls the start)
    first_wall_time: float | None
    last_wall_time: float | None
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class SeriesRow:
    id: int
    run: str
    tag: str
    plugin: str
    storage_class: str
    display_name: str
    description: str
    count: int
    content: bytes = b""  # the plugin content of the series' first value (SummaryMetadata.plugin_data.content)


@dataclass(frozen=True)
class ScalarColumns:
    """All stored points of one series (hidden ones included), in ingest order, with the purges that apply."""

    steps: Int64Array
    wall_times: Float64Array
    values: Float64Array
    seqs: Int64Array
    purge_steps: Int64Array
    purge_seqs: Int64Array


@dataclass(frozen=True)
class TensorRows:
    """All stored points of one tensors-class series (hidden ones included), in ingest order, with its purges."""

    steps: Int64Array
    wall_times: Float64Array
    seqs: Int64Array
    values: list[npt.NDArray[np.generic]]
    purge_steps: Int64Array
    purge_seqs: Int64Array


@dataclass(frozen=True)
class BlobRow:
    """One stored blob item (its bytes are read separately, see ``Store.read_blob_bytes``)."""

    id: int
    series_id: int
    step: int
    wall_time: float
    seq: int
    index: int
    length: int
    crc: int
    meta: str


@dataclass(frozen=True)
class BlobRows:
    """The items of one blobs-class series in ingest order, with the purges that apply to it."""

    items: list[BlobRow]
    purge_steps: Int64Array
    purge_seqs: Int64Array


@dataclass(frozen=True)
class BlobLocation:
    """Where one blob item's bytes are: ``length`` bytes at ``offset`` of event file ``path`` (relative to the
    logdir), or ``data`` itself for items kept in the index."""

    path: str | None
    offset: int
    length: int
    crc: int
    data: bytes | None
    meta: str


@dataclass(frozen=True)
class StoreStatus:
    files: int
    bytes_total: int
    bytes_read: int
    records: int
    skipped: int
    runs: int
    last_update: float | None
    problems: tuple[ProblemRow, ...]
    series_by_plugin: dict[str, int]
