"""Telescope side by side with TensorBoard, in one run, on generated logdirs; prints figures and ratios.

    python bench/setup_env.py                       # once: bench/.venv with TensorBoard 2.21 + bench deps
    bench/.venv/bin/python bench/run.py --size S    # then S, M or L (or a list: --size S,M)

For each size it measures Telescope (``python -m telescope`` from this checkout's ``src/``) and TensorBoard in
four modes (``--load_fast=true|false`` x all points | default sampling):

1. cold load: process start until every point is queryable, polling the server's own endpoints;
2. warm start: process start until one tag across all runs is answered, on an already indexed logdir
   (Telescope; TensorBoard keeps no index, so its warm start is its cold load);
3. one tag across all runs, as a chart card asks for it (median of ``--repeats``);
4. peak resident memory of the server's whole process tree (sampled every 50 ms).

The table goes to stdout and to ``bench/results/<timestamp>.md`` (with a ``.json`` beside it).
See bench/README.md for what each figure means and how "done" is detected.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

try:
    import httpx
    import psutil
except ImportError as e:  # pragma: no cover - a message, not a traceback
    sys.exit(
        f"bench/run.py needs {e.name}: run it with bench/.venv/bin/python (create it with "
        "`python bench/setup_env.py`), or `pip install -r bench/requirements.txt`."
    )

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import tb_server  # noqa: E402
from servers import Server, ServerError, free_port, start_server  # noqa: E402
from tb_server import pause  # noqa: E402

RESULTS = BENCH / "results"
TB_DEFAULT_SCALAR_SAMPLES = 1000
TB_ALL_POINTS = 1_000_000_000  # a sample size larger than any series: TensorBoard then keeps all points
TB_TIMESERIES = "/experiment/defaultExperimentId/data/plugin/timeseries/timeSeries"


@dataclass(frozen=True)
class System:
    """A server benchmarked (here and in run_kinds.py): Telescope, or TensorBoard in one mode."""

    key: str
    label: str
    load_fast: bool | None = None  # None: Telescope
    keep_all: bool = True  # TensorBoard: every point (every sample) kept, not its default sampling

    @property
    def is_telescope(self) -> bool:
        return self.load_fast is None


TELESCOPE = System("telescope", "Telescope")
TB_MODES = (
    System("tb_fast_all", "TB fast, all points", load_fast=True, keep_all=True),
    System("tb_fast_sampled", "TB fast, sampled", load_fast=True, keep_all=False),
    System("tb_py_all", "TB Python, all points", load_fast=False, keep_all=True),
    System("tb_py_sampled", "TB Python, sampled", load_fast=False, keep_all=False),
)
SYSTEMS = {s.key: s for s in (TELESCOPE, *TB_MODES)}


@dataclass
class Result:
    system: str
    label: str
    points: int  # points in the logdir
    kept_per_series: int = 0  # points the server keeps per (run, tag)
    cold_s: float | None = None
    cold_limit_s: float | None = None  # set when the cold load hit the timeout
    warm_s: float | None = None
    warm_runs: list[float] = field(default_factory=list)
    query_ms: float | None = None
    query_p90_ms: float | None = None
    query_points: int = 0  # points in one response
    query_bytes: int = 0
    query_endpoint: str = ""
    query_n: int = 0  # timed requests behind the median
    per_run_ms: float | None = None  # TensorBoard: one GET per run, sequentially (legacy Scalars dashboard)
    cards_s: float | None = None  # every tag's card, asked for CARDS_AT_ONCE at a time (median of the rounds)
    cards_peak_mb: float | None = None  # while they were
    peak_load_mb: float | None = None  # until the cold load was done
    peak_mb: float | None = None  # whole session: cold load and queries
    warm_peak_mb: float | None = None
    verified: str = ""
    error: str | None = None
    load_avg: float | None = None  # the machine's 1-minute load average just before this server started

    @property
    def points_per_s(self) -> float | None:
        return self.points / self.cold_s if self.cold_s else None


@dataclass
class Options:
    timeout: float
    repeats: int
    warm_repeats: int
    per_run_repeats: int
    poll: float
    query_budget: float
    telescope_python: str
    tensorboard: str
    logs: Path


class ColdLoad(Protocol):
    """What every benchmark's result records of a server's cold load (``Result`` here and in run_kinds.py)."""

    cold_s: float | None
    cold_limit_s: float | None
    peak_load_mb: float | None
    peak_mb: float | None
    verified: str
    error: str | None


def say(msg: str) -> None:
    print(msg, flush=True)


def mb(n: int) -> float:
    return n / (1 << 20)


# -- Telescope -------------------------------------------------------------------------------------------------


def telescope_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(REPO / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    for k in [k for k in env if k.startswith("TELESCOPE_")]:
        del env[k]  # the settings come from the command line only
    # Bytecode as an installed Telescope has it (pip compiles a wheel's modules, an editable install writes
    # __pycache__ on first use), and as TensorBoard has it in its virtualenv: without it every start compiles
    # Telescope's ~200 modules again (about 0.3 s, in the server and again in each worker process).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def telescope_preflight(python: str) -> str | None:
    """Why Telescope's server cannot start with ``python`` (a missing dependency, say), or None."""
    probe = "import telescope.cli.serve, telescope.server.app"
    try:
        # Compile the checkout's modules once, so that no timed start pays for it (see telescope_env).
        subprocess.run(
            [python, "-m", "compileall", "-q", str(REPO / "src" / "telescope")],
            env=telescope_env(),
            capture_output=True,
            timeout=300,
            check=False,
        )
        out = subprocess.run(
            [python, "-c", probe], env=telescope_env(), capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"cannot run {python}: {e}"
    if out.returncode == 0:
        return None
    last = (out.stderr.strip().splitlines() or ["?"])[-1]
    return (
        f"Telescope's server does not import with {python}: {last}\n"
        "Its dependencies may have changed: run `python bench/setup_env.py` again (or pass --telescope-python)."
    )


def start_telescope(logdir: Path, db: Path, opts: Options, log_name: str) -> Server:
    port = free_port()
    argv = [
        opts.telescope_python,
        "-m",
        "telescope",
        "--logdir",
        str(logdir),
        "--port",
        str(port),
        "--db",
        str(db),
        "--reload-interval",
        "1",
    ]
    return start_server("Telescope", argv, port=port, log_path=opts.logs / log_name, env=telescope_env())


def time_cold_load(server: Server, res: ColdLoad, wait: Callable[[], float], timeout: float) -> bool:
    """Record the cold load ``wait()`` measures (seconds from process start until loaded) and the peak memory
    until then; False when it timed out, with the timeout, the peak so far and why in ``res``."""
    try:
        res.cold_s = wait()
    except TimeoutError as e:
        res.cold_limit_s = timeout
        res.peak_load_mb = res.peak_mb = mb(server.sampler.peak())
        res.verified = f"timed out: {e}"
        return False
    res.peak_load_mb = mb(server.sampler.peak(end=server.started + res.cold_s))
    return True


def _get_json(server: Server, path: str, **kw: object) -> object | None:
    """JSON of a GET, or None while the server is not answering yet (connection refused, 5xx, 404)."""
    try:
        r = server.get(path, **kw)
    except httpx.TransportError:
        return None
    if r.status_code != 200:
        return None
    return r.json()


def wait_telescope_loaded(server: Server, manifest: dict, opts: Options) -> float:
    """Seconds from process start until the last run's last tag holds all its points.

    Done = ``/api/status`` says ingest is ``live`` with every record of the logdir counted (records are committed
    in the same transaction as their points), and the last run's last-written tag reports every step.
    """
    deadline = server.started + opts.timeout
    want_records = manifest["records"]
    last_run, last_tag, steps = manifest["runs"][-1], manifest["tags"][-1], manifest["size"]["steps"]
    while True:
        server.check_alive()
        t_poll = time.perf_counter()
        status = _get_json(server, "/api/status")
        if isinstance(status, dict):
            ing = status["ingest"]
            if ing["state"] == "live" and ing["records"] >= want_records:
                body = _get_json(server, "/api/scalars", params={"tag": last_tag, "run": last_run, "points": 4})
                if isinstance(body, dict) and body["series"] and body["series"][0]["total"] >= steps:
                    return time.perf_counter() - server.started
        if time.perf_counter() > deadline:
            raise TimeoutError(f"last status: {status['ingest'] if isinstance(status, dict) else status!r}")
        pause(opts.poll, time.perf_counter() - t_poll)


def telescope_tag_complete(body: object, manifest: dict) -> bool:
    if not isinstance(body, dict):
        return False
    series = body.get("series") or []
    steps = manifest["size"]["steps"]
    return len(series) == len(manifest["runs"]) and all(s["total"] == steps for s in series)


def bench_telescope(logdir: Path, manifest: dict, opts: Options) -> Result:
    res = Result(TELESCOPE.key, TELESCOPE.label, points=manifest["points"], kept_per_series=manifest["size"]["steps"])
    tag = manifest["tags"][0]
    tmp = Path(tempfile.mkdtemp(prefix="telescope-bench-"))
    db = tmp / "index.sqlite"
    try:
        server = start_telescope(logdir, db, opts, "telescope-cold.log")
        try:
            if not time_cold_load(server, res, lambda: wait_telescope_loaded(server, manifest, opts), opts.timeout):
                return res
            status = _get_json(server, "/api/status")
            body = _get_json(server, "/api/scalars", params={"tag": tag, "points": 4})
            ing = status["ingest"] if isinstance(status, dict) else {}
            ok = telescope_tag_complete(body, manifest) and ing.get("skipped") == 0
            res.verified = (
                f"{ing.get('records')} records, {ing.get('skipped')} skipped; every run holds all "
                f"{manifest['size']['steps']} steps of {tag!r}"
                if ok
                else f"INCOMPLETE: status {ing}"
            )
            measure_query(
                server,
                res,
                opts,
                lambda: server.get("/api/scalars", params={"tag": tag}),
                f"GET /api/scalars?tag={tag}",
                count_telescope_points,
            )
            measure_cards(server, res, manifest["tags"], lambda t: server.get("/api/scalars", params={"tag": t}))
            res.peak_mb = mb(server.sampler.peak())
        finally:
            server.stop()
        for i in range(opts.warm_repeats):
            server = start_telescope(logdir, db, opts, f"telescope-warm-{i}.log")
            try:
                res.warm_runs.append(wait_telescope_warm(server, manifest, tag, opts))
                res.warm_peak_mb = max(res.warm_peak_mb or 0.0, mb(server.sampler.peak()))
            finally:
                server.stop()
        res.warm_s = statistics.median(res.warm_runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def wait_telescope_warm(server: Server, manifest: dict, tag: str, opts: Options) -> float:
    deadline = server.started + min(opts.timeout, 120.0)
    while True:
        server.check_alive()
        body = _get_json(server, "/api/scalars", params={"tag": tag})
        if telescope_tag_complete(body, manifest):
            return time.perf_counter() - server.started
        if time.perf_counter() > deadline:
            raise ServerError(
                f"Telescope warm start: no complete answer for {tag!r} in time; log:\n{server.log_tail()}"
            )
        time.sleep(0.02)


def count_telescope_points(r: httpx.Response) -> int:
    return sum(len(s["steps"]) for s in r.json()["series"])


# -- TensorBoard -----------------------------------------------------------------------------------------------


def start_tensorboard(system: System, logdir: Path, opts: Options) -> Server:
    # "Keep every point". Not scalars=0: TensorBoard 2.21 then keeps every point in its loader but its scalars
    # and timeseries endpoints ask the data provider for 0 points and answer empty series.
    return tb_server.start_tensorboard(
        opts.tensorboard,
        logdir,
        label=system.label,
        load_fast=system.load_fast,
        samples=f"scalars={TB_ALL_POINTS}" if system.keep_all else None,
        log_path=opts.logs / f"{system.key}.log",
    )


def wait_tensorboard_loaded(server: Server, manifest: dict, kept: int, opts: Options) -> float:
    """Seconds from process start until every run's last-written tag holds its last step and ``kept`` points
    (the file's last event being served means the whole run is; see bench/tb_server.py)."""
    runs, tags = manifest["runs"], manifest["tags"]
    last_tag, last_step = tags[-1], manifest["size"]["steps"] - 1

    def count_listed() -> int:
        index = _get_json(server, "/data/plugin/scalars/tags")
        return sum(set(tags) <= set(index.get(r, {})) for r in runs) if isinstance(index, dict) else 0

    def incomplete(run: str) -> str | None:
        pts = _get_json(server, "/data/plugin/scalars/scalars", params={"run": run, "tag": last_tag})
        if isinstance(pts, list) and pts and pts[-1][1] == last_step and len(pts) == kept:
            return None
        return f"{last_tag}: {len(pts)} points, last step {pts[-1][1]}" if isinstance(pts, list) and pts else ""

    return tb_server.wait_loaded(
        server,
        runs,
        count_listed=count_listed,
        incomplete=incomplete,
        timeout=opts.timeout,
        poll=opts.poll,
        listing="every tag",
    )


def tb_timeseries(server: Server, tag: str) -> httpx.Response:
    form = {"requests": json.dumps([{"plugin": "scalars", "tag": tag}])}
    return server.post(TB_TIMESERIES, data=form)


def count_tb_points(r: httpx.Response) -> int:
    body = r.json()
    return sum(len(s) for s in body[0]["runToSeries"].values())


def bench_tensorboard(system: System, logdir: Path, manifest: dict, opts: Options) -> Result:
    steps = manifest["size"]["steps"]
    kept = steps if system.keep_all else min(steps, TB_DEFAULT_SCALAR_SAMPLES)
    res = Result(system.key, system.label, points=manifest["points"], kept_per_series=kept)
    tag = manifest["tags"][0]
    runs = manifest["runs"]
    server = start_tensorboard(system, logdir, opts)
    try:
        if not time_cold_load(server, res, lambda: wait_tensorboard_loaded(server, manifest, kept, opts), opts.timeout):
            return res
        res.warm_s = res.cold_s  # no index: every start is a cold load
        r = tb_timeseries(server, tag)
        r.raise_for_status()
        series = r.json()[0].get("runToSeries", {})
        ok = len(series) == len(runs) and all(len(series.get(run, [])) == kept for run in runs)
        res.verified = (
            f"every run holds {kept} points of {tag!r}"
            if ok
            else "INCOMPLETE: " + ", ".join(f"{k}={len(v)}" for k, v in list(series.items())[:5])
        )
        measure_query(
            server,
            res,
            opts,
            lambda: tb_timeseries(server, tag),
            f"POST {TB_TIMESERIES} (one request for {tag!r}, as the Time Series card sends it)",
            count_tb_points,
        )
        res.per_run_ms = measure_per_run(server, runs, tag, opts.per_run_repeats)
        measure_cards(server, res, manifest["tags"], lambda t: tb_timeseries(server, t))
        res.peak_mb = mb(server.sampler.peak())
    finally:
        server.stop()
    return res


def measure_per_run(server: Server, runs: list[str], tag: str, repeats: int) -> float | None:
    if repeats <= 0:
        return None
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for run in runs:
            server.get("/data/plugin/scalars/scalars", params={"run": run, "tag": tag}).raise_for_status()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


# -- shared ------------------------------------------------------------------------------------------------------


def measure_query(server: Server, res: Result, opts: Options, request, endpoint: str, count) -> None:  # type: ignore[no-untyped-def]
    """Median (and p90) latency of ``request`` over ``opts.repeats`` calls, after two untimed ones.

    A slow answer (TensorBoard's with every point of a big logdir takes tens of seconds) stops the series
    after ``opts.query_budget`` seconds, with at least 3 calls; the table says how many were made.
    """
    for _ in range(2):
        request().raise_for_status()
    r = None

    def call() -> None:
        nonlocal r
        r = request()
        r.raise_for_status()
        _ = r.content

    times = timed_calls(call, opts)
    assert r is not None
    res.query_ms, res.query_p90_ms = median_p90_ms(times)
    res.query_points = count(r)
    res.query_bytes = len(r.content)
    res.query_endpoint = endpoint
    res.query_n = len(times)


# A browser asks one host for this many answers at a time (HTTP/1.1): a page of chart cards loads so.
CARDS_AT_ONCE = 6
CARDS_ROUNDS = 2


def measure_cards(server: Server, res: Result, tags: Sequence[str], request: Callable[[str], httpx.Response]) -> None:
    """Every tag's card asked for as a browser opening the page does, :data:`CARDS_AT_ONCE` at a time: the time
    of a round (median of :data:`CARDS_ROUNDS`) and the peak memory meanwhile."""
    times = []
    start = time.perf_counter()
    for _ in range(CARDS_ROUNDS):
        t0 = time.perf_counter()
        with ThreadPoolExecutor(CARDS_AT_ONCE) as pool:
            for r in pool.map(request, tags):
                r.raise_for_status()
        times.append(time.perf_counter() - t0)
    res.cards_s = statistics.median(times)
    res.cards_peak_mb = mb(server.sampler.peak(start=start))


def timed_calls(call: Callable[[], object], opts: Options) -> list[float]:
    """Seconds of each of ``opts.repeats`` calls, sorted; the calls stop after ``opts.query_budget`` seconds
    once at least 3 were made."""
    times: list[float] = []
    budget_end = time.perf_counter() + opts.query_budget
    for _ in range(opts.repeats):
        if len(times) >= 3 and time.perf_counter() > budget_end:
            break
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return sorted(times)


def median_p90_ms(times: list[float]) -> tuple[float, float]:
    """Median and p90, in milliseconds, of sorted ``times`` in seconds."""
    return statistics.median(times) * 1000, times[min(len(times) - 1, int(0.9 * len(times)))] * 1000


def run_size(size: generate.Size, systems: list[System], opts: Options) -> tuple[dict, list[Result]]:
    say(f"== size {size.name}: {size.runs} runs x {size.tags} tags x {size.steps:,} steps = {size.points:,} points")
    logdir = generate.ensure_logdir(size, say=lambda m: say("  " + m))
    manifest = generate.load_manifest(logdir)
    say(f"  logdir {logdir} ({manifest['bytes'] / 1e6:.0f} MB)")
    results = []
    for system in systems:
        say(f"  -- {system.label}")
        load = os.getloadavg()[0]
        try:
            if system.is_telescope:
                res = bench_telescope(logdir, manifest, opts)
            else:
                res = bench_tensorboard(system, logdir, manifest, opts)
        except (ServerError, httpx.HTTPError, KeyError, ValueError) as e:
            res = Result(system.key, system.label, points=manifest["points"], error=f"{type(e).__name__}: {e}")
            say(f"     error: {res.error}")
        res.load_avg = load
        say("     " + summary_line(res))
        results.append(res)
    return manifest, results


def summary_line(r: Result) -> str:
    parts = [f"cold {fmt_s(r)}"]
    if r.warm_runs:
        parts.append("warm " + ", ".join(f"{w:.2f}" for w in r.warm_runs) + " s")
    if r.query_ms is not None:
        parts.append(f"one tag {r.query_ms:.1f} ms ({r.query_points:,} points, {r.query_bytes / 1e6:.2f} MB)")
    if r.per_run_ms is not None:
        parts.append(f"per-run GETs {r.per_run_ms:.0f} ms")
    if r.cards_s is not None:
        parts.append(f"every card, {CARDS_AT_ONCE} at a time, {r.cards_s:.2f} s (peak {r.cards_peak_mb:.0f} MB)")
    if r.peak_mb is not None or r.peak_load_mb is not None:
        parts.append(f"peak {r.peak_mb or r.peak_load_mb:.0f} MB")
    if r.verified:
        parts.append(r.verified)
    return "; ".join(parts)


# -- report --------------------------------------------------------------------------------------------------------


def fmt_s(r: ColdLoad) -> str:
    if r.error:
        return "error"
    if r.cold_limit_s is not None:
        return f"> {r.cold_limit_s:.0f} s"
    return f"{r.cold_s:.2f} s" if r.cold_s is not None else "n/a"


def at_least(r: Result, text: str) -> str:
    """A figure of a server stopped while still loading is a lower bound."""
    return f">= {text}" if r.cold_limit_s is not None and text != "n/a" else text


def rate(v: float | None) -> str:
    if v is None:
        return "n/a"
    return f"{v / 1e6:.2f} M" if v >= 1e6 else f"{v / 1e3:.0f} k"


def fmt(v: float | None, spec: str, unit: str = "") -> str:
    return "n/a" if v is None else f"{v:{spec}}{unit}"


def ratio(a: float | None, b: float | None, b_is_lower_bound: bool = False) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    x = a / b
    return ("< " if b_is_lower_bound else "") + (f"{x:.2f}x" if x >= 0.01 else f"{x:.1g}x")


def table(manifest: dict, results: list[Result]) -> str:
    size = manifest["size"]
    by = {r.system: r for r in results}
    cols = [r for r in results]
    head = "| | " + " | ".join(r.label for r in cols) + " |\n|---|" + "---:|" * len(cols) + "\n"
    rows = []

    def row(name: str, cells: list[str]) -> None:
        rows.append(f"| {name} | " + " | ".join(cells) + " |")

    row("points kept per (run, tag)", [f"{r.kept_per_series:,}" if not r.error else "error" for r in cols])
    row("cold load", [fmt_s(r) for r in cols])
    row("cold load, points/s", ["n/a" if r.error or r.cold_s is None else rate(r.points_per_s) for r in cols])
    row(
        "warm start",
        [
            "error"
            if r.error
            else (
                f"{r.warm_s:.2f} s"
                if r.warm_s is not None and r.system == "telescope"
                else ("= cold" if r.cold_s is not None else fmt_s(r))
            )
            for r in cols
        ],
    )
    row(
        "one tag, all runs (median)",
        [fmt(r.query_ms, ".1f", " ms") + (f" (of {r.query_n})" if r.query_n and r.query_n < 20 else "") for r in cols],
    )
    row("one tag, all runs (p90)", [fmt(r.query_p90_ms, ".1f", " ms") for r in cols])
    row(
        "  points / bytes in the answer",
        ["n/a" if r.query_ms is None else f"{r.query_points:,} / {r.query_bytes / 1e6:.2f} MB" for r in cols],
    )
    row(
        "  TB: one GET per run, in sequence",
        ["" if r.system == "telescope" else fmt(r.per_run_ms, ".0f", " ms") for r in cols],
    )
    row(f"every tag's card, {CARDS_AT_ONCE} at a time", [fmt(r.cards_s, ".2f", " s") for r in cols])
    row("peak RSS, cold load", [at_least(r, fmt(r.peak_load_mb, ".0f", " MB")) for r in cols])
    row("peak RSS, whole session", [at_least(r, fmt(r.peak_mb, ".0f", " MB")) for r in cols])
    row(f"peak RSS, {CARDS_AT_ONCE} cards at a time", [fmt(r.cards_peak_mb, ".0f", " MB") for r in cols])
    row("peak RSS, warm start", ["" if r.system != "telescope" else fmt(r.warm_peak_mb, ".0f", " MB") for r in cols])
    row("machine load (1 min) before start", [fmt(r.load_avg, ".1f") for r in cols])
    out = [
        f"### {size['name']}: {size['runs']:,} runs x {size['tags']} tags x {size['steps']:,} steps = "
        f"{manifest['points']:,} points ({manifest['bytes'] / 1e6:.0f} MB)\n",
        head + "\n".join(rows) + "\n",
    ]
    t = by.get("telescope")
    tbs = [r for r in results if r.system != "telescope"]
    if t is not None and tbs:
        rhead = "| Telescope ÷ TensorBoard | " + " | ".join(r.label for r in tbs) + " |\n|---|" + "---:|" * len(tbs)
        rrows = [
            "| cold load | "
            + " | ".join(
                ratio(t.cold_s, r.cold_s if r.cold_limit_s is None else r.cold_limit_s, r.cold_limit_s is not None)
                for r in tbs
            )
            + " |",
            "| start until one tag is served (warm) | "
            + " | ".join(
                ratio(t.warm_s, r.cold_s if r.cold_limit_s is None else r.cold_limit_s, r.cold_limit_s is not None)
                for r in tbs
            )
            + " |",
            "| one tag, all runs | " + " | ".join(ratio(t.query_ms, r.query_ms) for r in tbs) + " |",
            f"| every tag's card, {CARDS_AT_ONCE} at a time | "
            + " | ".join(ratio(t.cards_s, r.cards_s) for r in tbs)
            + " |",
            "| peak RSS, whole session | "
            + " | ".join(ratio(t.peak_mb, r.peak_mb, r.cold_limit_s is not None) for r in tbs)
            + " |",
        ]
        out.append("\n" + rhead + "\n" + "\n".join(rrows) + "\n")
        out.append(targets(manifest, t, by.get("tb_fast_all")))
    out += checks(results)
    return "\n".join(out)


class Labelled(ColdLoad, Protocol):
    label: str


def checks(results: Sequence[Labelled]) -> list[str]:
    """The report's section (none if there is nothing to say) of what each server's check after its cold load
    found, and of the servers' errors."""
    notes = [f"- {r.label}: {r.verified}" for r in results if r.verified]
    notes += [f"- {r.label}: {r.error}" for r in results if r.error]
    return ["\nChecks after each cold load:\n" + "\n".join(notes) + "\n"] if notes else []


def targets(manifest: dict, t: Result, tb_fast_all: Result | None) -> str:
    lines = ["\nTargets (set for M, every point kept):"]

    def mark(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "NOT met")

    if tb_fast_all is not None and t.cold_s is not None:
        ref = tb_fast_all.cold_s if tb_fast_all.cold_limit_s is None else tb_fast_all.cold_limit_s
        ok = (
            None
            if ref is None
            else (
                t.cold_s <= 0.5 * ref
                or (tb_fast_all.cold_limit_s is not None and t.cold_s <= 0.5 * tb_fast_all.cold_limit_s)
            )
        )
        lines.append(f"- cold load <= 0.5x TB fast, all points: {ratio(t.cold_s, ref)} — {mark(ok)}")
    lines.append(
        f"- warm start < 0.5 s: {fmt(t.warm_s, '.2f', ' s')} — {mark(None if t.warm_s is None else t.warm_s < 0.5)}"
    )
    lines.append(
        f"- one tag across all runs < 100 ms: {fmt(t.query_ms, '.1f', ' ms')} — "
        f"{mark(None if t.query_ms is None else t.query_ms < 100)}"
    )
    peak = max((v for v in (t.peak_mb, t.warm_peak_mb, t.peak_load_mb) if v is not None), default=None)
    lines.append(f"- peak memory < 300 MB: {fmt(peak, '.0f', ' MB')} — {mark(None if peak is None else peak < 300)}")
    return "\n".join(lines) + "\n"


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(psutil.virtual_memory().total / (1 << 30), 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def versions(opts: Options) -> dict:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    tb_python = str(Path(opts.tensorboard).resolve().parent / "python")
    return {
        "tensorboard": out([tb_python, "-c", "import tensorboard; print(tensorboard.__version__)"]) or "?",
        "tensorboard_data_server": out(
            [tb_python, "-c", "import importlib.metadata as m; print(m.version('tensorboard-data-server'))"]
        )
        or "?",
        "telescope_commit": out(["git", "-C", str(REPO), "describe", "--always", "--dirty"]) or "?",
        "telescope_python": out([opts.telescope_python, "-c", "import sys; print(sys.version.split()[0])"]),
    }


def select_systems(
    parser: argparse.ArgumentParser, keys: list[str], known: dict[str, System], tensorboard: str, telescope_python: str
) -> list[System]:
    """The systems of ``keys`` (from ``--only``), once each server they need can start: else the parser's error
    says why."""
    unknown = [k for k in keys if k not in known]
    if unknown:
        parser.error(f"unknown system {unknown[0]!r}; choose from {', '.join(known)}")
    systems = [known[k] for k in keys]
    if any(not s.is_telescope for s in systems) and not Path(tensorboard).exists():
        parser.error(
            f"{tensorboard} does not exist: run `python bench/setup_env.py` first "
            "(or pass --tensorboard, or --only telescope)"
        )
    if any(s.is_telescope for s in systems):
        problem = telescope_preflight(telescope_python)
        if problem:
            parser.error(problem)
    return systems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="S", help="S, M or L, or a comma-separated list (default S)")
    parser.add_argument("--only", default="", help="comma-separated systems: " + ", ".join(SYSTEMS))
    parser.add_argument("--timeout", type=float, default=600.0, help="cold-load limit per server, seconds")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests per query figure (median)")
    parser.add_argument(
        "--query-budget", type=float, default=60.0, help="seconds after which timed requests stop (at least 3)"
    )
    parser.add_argument("--warm-repeats", type=int, default=3, help="Telescope warm starts (median)")
    parser.add_argument(
        "--per-run-repeats", type=int, default=3, help="rounds of TensorBoard's per-run scalar GETs (0 skips them)"
    )
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between polls while loading")
    parser.add_argument(
        "--telescope-python",
        default=sys.executable,
        help="interpreter that runs Telescope from src/ (default: this one)",
    )
    parser.add_argument(
        "--tensorboard",
        default=str(BENCH / ".venv" / "bin" / "tensorboard"),
        help="the tensorboard executable (default: bench/.venv/bin/tensorboard)",
    )
    parser.add_argument("--no-save", action="store_true", help="print only; write nothing to bench/results/")
    parser.add_argument("--render", metavar="JSON", type=Path, help="print the report of an earlier run's .json")
    args = parser.parse_args(argv)
    if args.render is not None:
        print(render(json.loads(args.render.read_text(encoding="utf-8"))))
        return 0

    sizes = []
    for name in args.size.upper().split(","):
        if name not in generate.SIZES:
            parser.error(f"unknown size {name!r}; choose from {', '.join(generate.SIZES)}")
        sizes.append(generate.SIZES[name])
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or list(SYSTEMS)
    systems = select_systems(parser, keys, SYSTEMS, args.tensorboard, args.telescope_python)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = Path(tempfile.mkdtemp(prefix=f"telescope-bench-logs-{stamp}-"))
    opts = Options(
        timeout=args.timeout,
        repeats=args.repeats,
        warm_repeats=args.warm_repeats,
        per_run_repeats=args.per_run_repeats,
        poll=args.poll,
        query_budget=args.query_budget,
        telescope_python=args.telescope_python,
        tensorboard=args.tensorboard,
        logs=logs,
    )
    info = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(), "versions": versions(opts)}
    say(f"server logs in {logs}")
    raw = []
    for size in sizes:
        manifest, results = run_size(size, systems, opts)
        raw.append(
            {
                "size": size.name,
                "manifest": {k: v for k, v in manifest.items() if k != "files"},
                "results": [asdict(r) for r in results],
            }
        )
    report = render({**info, "sizes": raw})
    print("\n" + report)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = f"{stamp}-{'-'.join(s.name for s in sizes)}"
        (RESULTS / f"{name}.md").write_text(report, encoding="utf-8")
        (RESULTS / f"{name}.json").write_text(json.dumps({**info, "sizes": raw}, indent=1), encoding="utf-8")
        say(f"written to {RESULTS / name}.md")
    return 1 if any(r["error"] for s in raw for r in s["results"]) else 0


def render(data: dict) -> str:
    """The markdown report of one run (from what it saved as JSON)."""
    info = data
    sections = []
    for entry in data["sizes"]:
        results = [Result(**r) for r in entry["results"]]
        sections.append(table(entry["manifest"], results))
    m, v = info["machine"], info["versions"]
    header = (
        f"## Benchmark {info['date']}\n\n"
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}. "
        f"Telescope {v['telescope_commit']} (Python {v['telescope_python']}); TensorBoard {v['tensorboard']} "
        f"with tensorboard-data-server {v['tensorboard_data_server']}. Page cache warm (data generated or read "
        "before). Cold load: process start until every point is queryable; warm start: process start until "
        "one tag across all runs is answered on an indexed logdir (TensorBoard has no index: = cold load).\n"
    )
    return header + "\n" + "\n".join(sections)


if __name__ == "__main__":
    sys.exit(main())
