"""Fan-out of ingest changes to server-sent-event clients.

The ingester thread calls :meth:`Broadcaster.publish`; each connected client has an asyncio queue fed
through the event loop, and its stream coalesces what arrived into one ``update`` event at most every
``min_interval`` seconds, so a fast-growing logdir never floods the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field

from telescope.ingest import Changes


@dataclass
class Pending:
    tags: set[tuple[str, str, str]] = field(default_factory=set)
    new_runs: set[str] = field(default_factory=set)

    def merge(self, changes: Changes) -> None:
        self.tags |= changes.tags
        self.new_runs |= changes.new_runs

    def __bool__(self) -> bool:
        return bool(self.tags or self.new_runs)


class Broadcaster:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[int, tuple[asyncio.AbstractEventLoop, Pending, asyncio.Event]] = {}
        self._next = 0

    def subscribe(self) -> tuple[int, Pending, asyncio.Event]:
        loop = asyncio.get_running_loop()
        pending = Pending()
        event = asyncio.Event()
        with self._lock:
            key = self._next
            self._next += 1
            self._clients[key] = (loop, pending, event)
        return key, pending, event

    def unsubscribe(self, key: int) -> None:
        with self._lock:
            self._clients.pop(key, None)

    def publish(self, changes: Changes) -> None:
        """Called from the ingester thread."""
        with self._lock:
            clients = list(self._clients.values())
        for loop, pending, event in clients:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(self._deliver, pending, event, changes)

    @staticmethod
    def _deliver(pending: Pending, event: asyncio.Event, changes: Changes) -> None:
        pending.merge(changes)
        event.set()

    @property
    def client_count(self) -> int:
        with self._lock:
            return len(self._clients)
