"""TensorBoard as a server under test: starting it with the benchmark's flags, and waiting until it has loaded.

Both loaders read each run's file front to back and serve what they have read, and their reservoirs always keep
the newest sample, so a run is loaded once the file's last-written value is served. Waiting has two phases:
poll the cheap tag listings until every run lists every tag, then check the runs still pending one by one,
stopping at the first incomplete one, so a poll costs the server little while it loads.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from servers import Server, free_port, start_server


def start_tensorboard(
    tensorboard: str, logdir: Path, *, label: str, load_fast: bool, samples: str | None, log_path: Path
) -> Server:
    """TensorBoard on a free port of 127.0.0.1, ``samples`` being its ``--samples_per_plugin`` value if any."""
    port = free_port()
    argv = [
        tensorboard,
        "--logdir",
        str(logdir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        f"--load_fast={'true' if load_fast else 'false'}",
    ]
    if samples:
        argv.append(f"--samples_per_plugin={samples}")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # TensorBoard runs from its own environment, never from this checkout
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return start_server(label, argv, port=port, log_path=log_path, env=env)


def pause(poll: float, spent: float) -> None:
    """Sleep between polls: ``poll`` seconds, or longer when a poll itself was costly, so that polling takes
    at most about a quarter of the server's time (both servers load in the process that answers the polls)."""
    time.sleep(max(poll, 3 * spent))


def wait_loaded(
    server: Server,
    runs: list[str],
    *,
    count_listed: Callable[[], int],
    incomplete: Callable[[str], str | None],
    timeout: float,
    poll: float,
    listing: str,
) -> float:
    """Seconds from process start until every run is loaded.

    ``count_listed()`` says how many runs list every tag; ``incomplete(run)`` is None once ``run`` is loaded,
    else what was seen (for the timeout's message). ``listing`` names what phase 1 waits for."""
    deadline = server.started + timeout
    pending = list(runs)
    listed = False
    seen = ""
    n_listed = 0
    while True:
        server.check_alive()
        t_poll = time.perf_counter()
        if not listed:
            n_listed = count_listed()
            listed = n_listed == len(runs)
        if listed:
            while pending:
                found = incomplete(pending[0])
                if found is not None:
                    seen = found
                    break
                pending.pop(0)
            if not pending:
                return time.perf_counter() - server.started
        if time.perf_counter() > deadline:
            where = (
                f"{len(pending)} run(s) incomplete; {pending[0]}: {seen}"
                if listed
                else f"only {n_listed} of {len(runs)} runs list {listing}"
            )
            raise TimeoutError(where)
        pause(poll, time.perf_counter() - t_poll)
