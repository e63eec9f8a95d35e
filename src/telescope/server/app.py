"""The FastAPI application: core routes, each plugin's routes, TensorBoard-compatible routes, the UI, the instance
endpoint (``GET /api/instance``, how ``telescope list`` recognises a server), the page title and the path prefix
(everything served under ``--path-prefix /sub`` for a reverse proxy).
"""

from __future__ import annotations

import html
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import orjson
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

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


def normalize_path_prefix(raw: object) -> str:
    """``"/tb"`` for ``"tb"``, ``"/tb/"`` or ``"/tb"``; ``""`` for no prefix (``None``, ``""`` or ``"/"``)."""
    text = str(raw or "").strip().strip("/")
    return f"/{text}" if text else ""


class PathPrefix:
    """Serves the app under ``prefix``: ``/tb/api/runs`` reaches ``/api/runs``.

    The path is kept whole and ``root_path`` set to the prefix (ASGI's way of saying where an app is mounted), so
    routes match and every URL the app builds (redirects, the API docs) carries the prefix. The bare prefix and
    ``/`` redirect to ``prefix/``: the UI's relative URLs resolve only under the trailing slash.
    """

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        outer_root: str = scope.get("root_path", "")
        if path.startswith(outer_root):
            path = path[len(outer_root) :]
        if path.startswith(self.prefix + "/"):
            await self.app({**scope, "root_path": outer_root + self.prefix}, receive, send)
            return
        if scope["type"] == "http" and path in ("", "/", self.prefix):
            query = scope.get("query_string", b"").decode("latin-1")
            location = outer_root + self.prefix + "/" + (f"?{query}" if query else "")
            await Response(status_code=307, headers={"location": location})(scope, receive, send)
            return
        message = f"Not found: Telescope is served under {outer_root + self.prefix}/."
        body = {"error": {"status": 404, "code": "not_found", "message": message}}
        await JSONResponse(body, status_code=404)(scope, receive, send)


def _index_html(title: str | None) -> str | None:
    """The UI's page with ``title`` as its <title>, or None when the UI is not built."""
    try:
        page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    if title:
        tag = f"<title>{html.escape(title)}</title>"
        page = re.sub(r"<title>.*?</title>", lambda _: tag, page, count=1, flags=re.S)
    return page


def create_app(ctx: ServerContext, *, start_ingest: bool = True, instance_id: str | None = None) -> FastAPI:
    """The app serving ``ctx``; ingest starts with the app's lifespan when ``start_ingest``.

    ``instance_id`` (default: a new one, in ``app.state.instance_id``) is what ``GET /api/instance`` answers.
    """

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
    app.state.instance_id = instance_id or uuid.uuid4().hex
    install_error_handlers(app)

    @app.get("/api/instance", include_in_schema=True, tags=["core"])
    def instance() -> Response:
        """Which server this is: ``telescope list`` and notebooks check a recorded instance against it."""
        body = {"id": app.state.instance_id, "pid": os.getpid(), "version": __version__}
        return Response(orjson.dumps(body), media_type="application/json", headers={"Cache-Control": "no-store"})

    app.include_router(routes.router)
    app.include_router(blobs.router)
    app.include_router(compat.router)
    for plugin in load_plugins().values():
        router = plugin.router()
        if router is not None:
            app.include_router(router)

    title = ctx.settings.window_title or None
    page = _index_html(title)
    if page is None:
        no_ui_page = (
            _NO_UI if not title else _NO_UI.replace("<title>Telescope</title>", f"<title>{html.escape(title)}</title>")
        )

        @app.get("/", include_in_schema=False)
        def no_ui() -> HTMLResponse:
            return HTMLResponse(no_ui_page)

    else:
        # The page itself is served here rather than by the static files so that it carries the window title.
        @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
        @app.api_route("/index.html", methods=["GET", "HEAD"], include_in_schema=False)
        def index() -> HTMLResponse:
            return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

        app.mount("/", UIFiles(directory=STATIC_DIR, html=True), name="ui")

    prefix = normalize_path_prefix(ctx.settings.path_prefix)
    if prefix:
        app.add_middleware(PathPrefix, prefix=prefix)
    return app
