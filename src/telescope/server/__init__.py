"""The HTTP server: FastAPI app, JSON errors, live-update stream, static UI.

Sixth stage of the pipeline (query → **server** → web UI). Reads go through the query layer; the ingester
runs in a background thread and is the only writer of the index.
"""

from telescope.server.app import create_app
from telescope.server.context import ServerContext

__all__ = ["ServerContext", "create_app"]
