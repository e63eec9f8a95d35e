"""Running the server: picking a port (the next free one if taken), uvicorn, a clean Ctrl-C or SIGTERM, and the
instance record (``cli/instances.py``) that ``telescope list``/``stop`` and notebooks read.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from telescope.cli import instances
from telescope.settings import Settings

logger = logging.getLogger(__name__)

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


def url_for(host: str, port: int, path_prefix: str = "") -> str:
    """The URL a browser on this machine opens; ``path_prefix`` is normalised (``/tb``) or empty."""
    shown = "localhost" if host in ("localhost", "127.0.0.1", "::1") else host
    if shown in ("0.0.0.0", "::"):
        shown = socket.gethostname()
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{path_prefix}/"


def serve(
    settings: Settings,
    *,
    say: Callable[[str], None],
    on_ready: Callable[[], None] | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    """Serve until Ctrl-C or SIGTERM. Returns the exit code.

    ``argv`` is what the instance record shows as the server's arguments (default: this process's own).
    """
    from telescope.server.context import ServerContext

    host = settings.listen_host
    if host == "localhost":
        host = "127.0.0.1"
    try:
        sock = bind_socket(host, settings.port)
    except PortError as e:
        say(f"telescope: error: {e}")
        return 1
    try:
        ctx = ServerContext.open(settings)
        # Ingest starts now, before the HTTP stack is imported (about half a second): a first load overlaps it.
        ctx.start()
    except BaseException:
        sock.close()
        raise
    try:
        import uvicorn

        from telescope.server.app import create_app, normalize_path_prefix

        app = create_app(ctx)
    except BaseException:
        ctx.stop()
        sock.close()
        raise
    instance_id: str = app.state.instance_id
    prefix = normalize_path_prefix(settings.path_prefix)
    port = sock.getsockname()[1]
    if settings.port not in (0, port):
        say(f"Port {settings.port} is in use; using port {port} instead.")
    # ws="none": live updates are server-sent events; loading a websocket implementation would only slow the start.
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=3, ws="none"
    )
    server = uvicorn.Server(config)

    url = url_for(settings.listen_host, port, prefix)
    original_startup = server.startup
    args = tuple(sys.argv[1:] if argv is None else argv)

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original_startup(sockets=sockets)
        # Recorded only now: whoever reads the record may rely on the port answering.
        _register(
            instances.Instance(
                id=instance_id,
                pid=os.getpid(),
                create_time=_own_create_time(),
                port=port,
                host=settings.listen_host,
                url=url,
                logdir=settings.logdir_text(),
                args=args,
                cwd=os.getcwd(),
                started=time.time(),
                version=_version(),
                path_prefix=prefix,
            )
        )
        say(f"Telescope serving {ctx.logdir_text} at {url} (index: {ctx.store.path}). Press Ctrl-C to stop.")
        if on_ready is not None:
            on_ready()

    server.startup = startup  # type: ignore[method-assign]
    try:
        with _sigterm_as_interrupt():
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        instances.unregister(instance_id)
    say("Telescope stopped.")
    return 0


def _register(instance: instances.Instance) -> None:
    try:
        instances.register(instance)
    except OSError as e:
        # Serving matters more than being listed.
        logger.warning("could not record this server (telescope list will not show it): %s", e)


def _own_create_time() -> float:
    import psutil

    return psutil.Process(os.getpid()).create_time()


def _version() -> str:
    from telescope import __version__

    return __version__


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Make SIGTERM (``telescope stop``, a process manager) end the server as cleanly as Ctrl-C does.

    uvicorn shuts down gracefully on SIGTERM, then raises the signal again under the handler that was there before
    it started; the default handler would end the process before the instance record is removed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
