"""What a data kind provides: its name, its storage class, how to decode a summary value, and its routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import APIRouter

    from telescope.store import Store
    from telescope.tfrecord.proto import summary_pb2


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
