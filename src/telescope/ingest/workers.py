"""Worker processes that decode blocks of event files for big first loads.

Started from a clean forkserver (never forked from a process that runs server threads), with the decoding
module preloaded; shut down once the load is done so their memory goes back.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor


def default_workers() -> int:
    """Worker processes for big first loads: one per core the process may use (at most 8)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool shared by the ingesters of this process (started once, from a clean forkserver)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != workers:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
            if sys.platform != "win32":
                ctx.set_forkserver_preload(["telescope.ingest.blockdecode"])
            _pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
            _pool_size = workers
        return _pool
