"""FastAPI dependencies of the routes: the server context of the app handling a request.

Kept apart from :mod:`telescope.server.context` so that opening the index and starting ingest does not import
the HTTP stack (the server starts ingesting while it is imported).
"""

from __future__ import annotations

from fastapi import Request

from telescope.server.context import ServerContext


def get_context(request: Request) -> ServerContext:
    ctx: ServerContext = request.app.state.ctx
    return ctx
