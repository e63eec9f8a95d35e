"""Running the server: picking a port (the next free one if taken), uvicorn, a clean Ctrl-C."""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable

from telescope.settings import Settings

PORT_TRIES = 100


class PortError(RuntimeError):
    pass


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or on the next free port after it. ``port=0`` picks any."""
    last: OSError | None = None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    candidates = [0] if port == 0 else range(port, min(port + PORT_TRIES, 65536))
    for candidate in candidates:
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for sockets created so;
        # without it every answer on a kept-alive connection waits ~40 ms for the client's delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        if sys.platform != "win32":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
            sock.listen(2048)
            sock.set_inheritable(True)
            return sock
        except OSError as e:
            sock.close()
            last = e
            if e.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise PortError(f"cannot listen on {host}:{candidate}: {e.strerror or e}") from e
    raise PortError(f"no free port in {port}..{port + PORT_TRIES - 1} on {host}: {last}")


def url_for(host: str, port: int) -> str:
    shown = "localhost" if host in ("localhost", "127.0.0.1", "::1") else host
    if shown in ("0.0.0.0", "::"):
        shown = socket.gethostname()
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(settings: Settings, *, say: Callable[[str], None], on_ready: Callable[[], None] | None = None) -> int:
    """Serve until Ctrl-C. Returns the exit code."""
    import uvicorn

    from telescope.server import ServerContext, create_app

    ctx = ServerContext.open(settings)
    app = create_app(ctx)
    host = settings.listen_host
    if host == "localhost":
        host = "127.0.0.1"
    try:
        sock = bind_socket(host, settings.port)
    except PortError as e:
        say(f"telescope: error: {e}")
        return 1
    port = sock.getsockname()[1]
    if settings.port not in (0, port):
        say(f"Port {settings.port} is in use; using port {port} instead.")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)

    url = url_for(settings.listen_host, port)
    original_startup = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original_startup(sockets=sockets)
        say(f"Telescope serving {ctx.logdir} at {url} (index: {ctx.store.path}). Press Ctrl-C to stop.")
        if on_ready is not None:
            on_ready()

    server.startup = startup  # type: ignore[method-assign]
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    say("Telescope stopped.")
    return 0
