"""What the routes share: settings, the store, the ingester and its thread, the live-update broadcaster.

With several logdirs, ``logdir`` is their view directory (:func:`telescope.store.location.logdir_view`): every
run name and indexed file path resolves under it, as under a single logdir. ``logdirs`` and ``logdir_text`` say
what was given, for display.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from telescope.errors import StaleIndex, StoreError
from telescope.ingest import Changes, Ingester
from telescope.ingest.workers import default_workers
from telescope.server.live import Broadcaster
from telescope.settings import Settings
from telescope.store import Store, default_db_path
from telescope.store.location import logdir_view
from telescope.store.lock import WriterLock

logger = logging.getLogger(__name__)


@dataclass
class ServerContext:
    settings: Settings
    logdir: Path
    store: Store
    ingester: Ingester | None
    broadcaster: Broadcaster = field(default_factory=Broadcaster)
    _thread: threading.Thread | None = None
    logdirs: list[tuple[str, Path]] = field(default_factory=list)  # (name, path); name "" for a single logdir

    @property
    def logdir_text(self) -> str:
        """The logdirs as the user would read them: the path of a single one, else ``name:path,...``."""
        return self.settings.logdir_text()

    @classmethod
    def open(cls, settings: Settings, *, ingest: bool = True) -> ServerContext:
        logdirs = settings.logdirs()
        if not logdirs:
            raise ValueError("a logdir is required")
        single = len(logdirs) == 1 and logdirs[0][0] == ""
        logdir = logdirs[0][1] if single else logdir_view(logdirs)
        db_path = Path(settings.db).expanduser() if settings.db else default_db_path(logdirs)
        lock = WriterLock(db_path)
        writer = ingest and lock.acquire()
        if settings.reindex:
            if not writer:
                raise StoreError(
                    f"Another Telescope is using the index {db_path}; stop it before --reindex, or choose another --db."
                )
            Store.delete(db_path)
        try:
            store = Store(db_path, logdir=str(logdir))
        except StaleIndex:
            if not writer:
                raise
            logger.warning("the index %s was written by another version of Telescope; rebuilding it", db_path)
            Store.delete(db_path)
            store = Store(db_path, logdir=str(logdir))
        if writer:
            store.adopt_writer_lock(lock)
        elif ingest:
            logger.warning("another Telescope is indexing %s into %s; this one only reads", logdir, db_path)
        ctx = cls(settings=settings, logdir=logdir, store=store, ingester=None, logdirs=logdirs)
        if writer:
            roots: Path | list[tuple[str, Path]] = logdir if single else logdirs
            ctx.ingester = Ingester(roots, store, on_change=ctx._on_change, workers=default_workers())
        return ctx

    def _on_change(self, changes: Changes) -> None:
        self.broadcaster.publish(changes)

    def start(self) -> None:
        """Start ingesting in a background thread (polls every ``reload_interval`` seconds; 0 = once)."""
        if self.ingester is None or self._thread is not None:
            return
        ingester = self.ingester
        interval = self.settings.reload_interval

        def run() -> None:
            if interval > 0:
                ingester.run_forever(interval)
            else:
                try:
                    ingester.poll_once()
                except Exception:
                    logger.exception("ingest failed")

        self._thread = threading.Thread(target=run, name="telescope-ingest", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self.ingester is not None:
            self.ingester.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.store.close()
