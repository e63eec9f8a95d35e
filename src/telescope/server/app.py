"""The FastAPI application: core routes, each plugin's routes, TensorBoard-compatible routes, the UI."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from telescope import __version__
from telescope.plugins import load_plugins
from telescope.server import blobs, compat, routes
from telescope.server.context import ServerContext
from telescope.server.errors import install_error_handlers

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"

_NO_UI = """<!doctype html><meta charset="utf-8"><title>Telescope</title>
<body style="font-family:system-ui;margin:3rem;max-width:40rem">
<h1>Telescope</h1><p>The server is running, but its web UI has not been built.</p>
<p>Install from the source tree with <code>pip install -e .</code> (it runs <code>npm ci</code> and
<code>vite build</code>), or run <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>.</p>
<p>The HTTP API works meanwhile: <a href="api/status">api/status</a>.</p></body>"""


class UIFiles(StaticFiles):
    """Static UI files: hashed assets are cached for a year, index.html is always revalidated."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response


def create_app(ctx: ServerContext, *, start_ingest: bool = True) -> FastAPI:
    """The app serving ``ctx``; ingest starts with the app's lifespan when ``start_ingest``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_ingest:
            ctx.start()
        try:
            yield
        finally:
            ctx.stop()

    app = FastAPI(
        title="Telescope",
        version=__version__,
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    app.include_router(routes.router)
    app.include_router(blobs.router)
    app.include_router(compat.router)
    for plugin in load_plugins().values():
        router = plugin.router()
        if router is not None:
            app.include_router(router)

    if (STATIC_DIR / "index.html").exists():
        app.mount("/", UIFiles(directory=STATIC_DIR, html=True), name="ui")
    else:

        @app.get("/", include_in_schema=False)
        def no_ui() -> HTMLResponse:
            return HTMLResponse(_NO_UI)

    return app
