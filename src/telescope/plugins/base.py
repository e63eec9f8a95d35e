"""What a data kind provides: its name, its storage class, how to decode a summary value, and its routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from fastapi import APIRouter

    from telescope.tfrecord.proto import summary_pb2


@dataclass(frozen=True)
class ScalarPoint:
    value: float


class Plugin(Protocol):
    """A data kind. ``name`` is also its folder, URL segment and UI folder."""

    name: str
    storage_class: str  # "scalars" | "tensors" | "blobs"

    def decode(self, value: summary_pb2.Summary.Value) -> Any:
        """Turn one summary value of this kind into what its storage class keeps (may raise ValueError)."""
        ...

    def router(self) -> APIRouter | None:
        """The kind's HTTP routes, mounted under ``/api``; imported only by the server."""
        ...
