"""Query: typed read functions over the store (no HTTP).

Fifth stage of the pipeline (ingest → store → **query** → server). Returns columns (steps, wall_times,
values), the shape charts consume.
"""

from telescope.query.blobs import BlobInfo, list_blobs, list_blobs_many, read_blob, read_blob_item
from telescope.query.downsample import minmax_downsample
from telescope.query.scalars import ScalarSeries, read_scalar_series
from telescope.query.tensors import TensorSeries, read_tensor_series, read_tensor_series_many

__all__ = [
    "BlobInfo",
    "ScalarSeries",
    "TensorSeries",
    "list_blobs",
    "list_blobs_many",
    "minmax_downsample",
    "read_blob",
    "read_blob_item",
    "read_scalar_series",
    "read_tensor_series",
    "read_tensor_series_many",
]
