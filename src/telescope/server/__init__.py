"""The HTTP server: FastAPI app, JSON errors, live-update stream, static UI.

Sixth stage of the pipeline (query → **server** → web UI). Reads go through the query layer; the ingester
runs in a background thread and is the only writer of the index.

The names below are imported on first use, so that ``telescope.server.context`` (the index and the ingester)
can be opened without importing FastAPI: the server starts ingesting while the HTTP stack is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telescope.server.app import create_app
    from telescope.server.context import ServerContext

__all__ = ["ServerContext", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from telescope.server.app import create_app

        return create_app
    if name == "ServerContext":
        from telescope.server.context import ServerContext

        return ServerContext
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
