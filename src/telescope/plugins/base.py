"""What a data kind provides: its name, its storage class, how to decode a summary value, and its routes.

``decode`` turns one summary value into what the kind's storage class keeps:

* ``scalars``: a ``float``;
* ``tensors``: a numpy array (numeric, or an ``object`` array of ``bytes`` for strings);
* ``blobs``: a list of :class:`BlobItem` (several images or clips may share one step).

A kind of the tensors class may also offer ``decode_batch(template, contents)``, which decodes many values of one
tag at once for the ingester's bulk path (see :func:`batch_decoder`), and ``decode_histo_batch(mins, maxs,
limits, counts, sizes)``, the same for legacy ``HistogramProto`` values whose fields the ingester read in bulk.

A kind may read data written under other plugin names (``data_names``): the graphs kind reads
``graph_keras_model``, ``graph_run_metadata``... as well. Events that carry no summary (``Event.graph_def``,
``Event.tagged_run_metadata``) reach kinds as summary values with the synthetic plugin names ``graphs`` and
``graph_tagged_run_metadata`` (docs/event-format §6.1).

:class:`Plugin` is the contract a third-party kind meets (any object with these members will do).
:class:`KindPlugin` and :class:`FrameKindPlugin` are how the built-in kinds meet it: a kind's ``__init__.py``
declares its name, storage class and decoder, and the rest is found by convention in the kind's package and
imported only when first asked for, so importing a kind pulls in neither the server nor pandas.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    from fastapi import APIRouter

    from telescope.store import Store
    from telescope.tfrecord.proto import summary_pb2

    # ``decode_batch(template, contents)``: the arrays ``decode`` gives for ``n`` values of one tag that are
    # ``template`` with other bytes in the one content field of its tensor (``tensor_content``, or a packed
    # ``float_val`` / ``double_val``, whichever ``template`` holds); ``contents`` is ``[n, bytes]``, row ``i`` the
    # bytes of the i-th value. Returns the ``n`` arrays stacked (``[n, ...]``), each exactly what ``decode`` would
    # give. Raises ValueError for a template it does not handle this way; the values are then decoded one by one.
    BatchDecoder = Callable[[summary_pb2.Summary.Value, npt.NDArray[np.uint8]], npt.NDArray[Any]]
    # ``decode_histo_batch(mins, maxs, limits, counts, sizes)``: what ``decode`` gives for ``n`` legacy histogram
    # values; value ``i`` has ``sizes[i]`` buckets whose limits and counts are the next ``sizes[i]`` entries of
    # ``limits`` and ``counts`` (float64), and ``min``/``max`` ``mins[i]``/``maxs[i]``. Returns one array per value.
    Float64Array = npt.NDArray[np.float64]
    HistoBatchDecoder = Callable[
        [Float64Array, Float64Array, Float64Array, Float64Array, npt.NDArray[np.int64]], list[npt.NDArray[Any]]
    ]


@dataclass(frozen=True)
class BlobItem:
    """One item of a blobs-class value: its bytes and what the kind knows of them (JSON-serialisable)."""

    data: bytes
    meta: dict[str, Any] = field(default_factory=dict)


class Plugin(Protocol):
    """A data kind. ``name`` is also its folder, URL segment and UI folder."""

    name: str
    storage_class: str  # "scalars" | "tensors" | "blobs"

    def decode(self, value: summary_pb2.Summary.Value) -> Any:
        """Turn one summary value of this kind into what its storage class keeps (may raise ValueError)."""
        ...

    def router(self) -> APIRouter | None:
        """The kind's HTTP routes; imported only by the server."""
        ...

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        """Write sample data of this kind with the writer; return what :meth:`read_sample` must then give."""
        ...

    def read_sample(self, store: Store) -> dict[Any, Any]:
        """Read the sample data back through the kind's query functions."""
        ...


class FramePlugin(Plugin, Protocol):
    """A kind with a Python read API (``telescope.read_<kind>``)."""

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        """The kind's data in ``store`` as one DataFrame (columns ``run, tag, step, wall_time`` + the kind's)."""
        ...


def batch_decoder(plugin: Plugin) -> BatchDecoder | None:
    """The kind's ``decode_batch``, if it has one (optional)."""
    found: BatchDecoder | None = getattr(plugin, "decode_batch", None)
    return found


def histo_batch_decoder(plugin: Plugin) -> HistoBatchDecoder | None:
    """The kind's ``decode_histo_batch``, if it has one (optional)."""
    found: HistoBatchDecoder | None = getattr(plugin, "decode_histo_batch", None)
    return found


def data_names(plugin: Plugin) -> tuple[str, ...]:
    """The plugin names found in event files that ``plugin`` decodes (its own name by default)."""
    names: tuple[str, ...] = getattr(plugin, "data_names", (plugin.name,))
    return names


def has_dashboard(plugin: Plugin) -> bool:
    """Whether the kind has a page in the web UI (``web/src/plugins/<name>``)."""
    return bool(getattr(plugin, "has_dashboard", True))


class KindPlugin:
    """A built-in kind whose parts sit where every kind keeps them, in package ``telescope.plugins.<name>``:
    ``routes.router``, and ``sample.write_sample`` / ``sample.read_sample`` for the contract suite. A
    ``decode_batch`` or ``decode_histo_batch`` defined beside ``decode`` (in the same module) is the kind's batch
    decoder unless one is given."""

    def __init__(
        self,
        name: str,
        *,
        storage_class: str,
        decode: Callable[[summary_pb2.Summary.Value], Any],
        data_names: Sequence[str] | None = None,
        has_dashboard: bool = True,
        decode_batch: BatchDecoder | None = None,
        decode_histo_batch: HistoBatchDecoder | None = None,
    ) -> None:
        self.name = name
        self.storage_class = storage_class
        self.decode = decode
        module = inspect.getmodule(decode)
        if decode_batch is None:
            decode_batch = getattr(module, "decode_batch", None)
        self.decode_batch: BatchDecoder | None = decode_batch
        if decode_histo_batch is None:
            decode_histo_batch = getattr(module, "decode_histo_batch", None)
        self.decode_histo_batch: HistoBatchDecoder | None = decode_histo_batch
        self.data_names: tuple[str, ...] = (name,) if data_names is None else tuple(data_names)
        self.has_dashboard = has_dashboard

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    def _part(self, module: str, attr: str) -> Any:
        # Imported on first use: routes pull in the server, samples the writer, queries pandas.
        return getattr(importlib.import_module(f"telescope.plugins.{self.name}.{module}"), attr)

    def router(self) -> APIRouter:
        """The kind's HTTP routes; imported only by the server."""
        router: APIRouter = self._part("routes", "router")
        return router

    def write_sample(self, log_dir: Path) -> dict[Any, Any]:
        """Write sample data of this kind with the writer; return what :meth:`read_sample` must then give."""
        expected: dict[Any, Any] = self._part("sample", "write_sample")(log_dir)
        return expected

    def read_sample(self, store: Store) -> dict[Any, Any]:
        """Read the sample data back through the kind's query functions."""
        found: dict[Any, Any] = self._part("sample", "read_sample")(store)
        return found


class FrameKindPlugin(KindPlugin):
    """A built-in kind with a Python read API (``telescope.read_<kind>``): ``query.read_frame``."""

    def read_frame(self, store: Store, **options: Any) -> pd.DataFrame:
        """The kind's data in ``store`` as one DataFrame (columns ``run, tag, step, wall_time`` + the kind's)."""
        frame: pd.DataFrame = self._part("query", "read_frame")(store, **options)
        return frame
