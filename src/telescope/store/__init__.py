"""The index: the only package that contains SQL.

Fourth stage of the pipeline (event files → ingest → **store** → query → server). The store knows storage
classes (scalars, tensors, blobs), never data kinds. It is a cache that can always be rebuilt from the event
files: SQLite in WAL mode, one writer (the ingester) and many readers.
"""

from telescope.store.location import default_db_path
from telescope.store.sqlite import Store
from telescope.store.types import (
    BlobAppend,
    BlobLocation,
    BlobRow,
    BlobRows,
    FileState,
    IngestBatch,
    ProblemRow,
    PurgeRow,
    RunRow,
    ScalarAppend,
    ScalarColumns,
    SeriesRow,
    SeriesState,
    StoreStatus,
    TensorAppend,
    TensorRows,
)

__all__ = [
    "BlobAppend",
    "BlobLocation",
    "BlobRow",
    "BlobRows",
    "FileState",
    "IngestBatch",
    "ProblemRow",
    "PurgeRow",
    "RunRow",
    "ScalarAppend",
    "ScalarColumns",
    "SeriesRow",
    "SeriesState",
    "Store",
    "StoreStatus",
    "TensorAppend",
    "TensorRows",
    "default_db_path",
]
