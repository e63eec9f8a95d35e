"""Query: typed read functions over the store (no HTTP).

Fifth stage of the pipeline (ingest → store → **query** → server). Returns columns (steps, wall_times,
values), the shape charts consume.
"""

from telescope.query.downsample import minmax_downsample
from telescope.query.scalars import ScalarSeries, read_scalar_series

__all__ = ["ScalarSeries", "minmax_downsample", "read_scalar_series"]
