"""Histograms and images (size H): Telescope side by side with TensorBoard, in one run; figures and ratios.

    bench/.venv/bin/python bench/run_kinds.py                 # Telescope, TB fast (all samples), TB fast (sampled)
    bench/.venv/bin/python bench/run_kinds.py --only telescope,tb_fast_all
    bench/.venv/bin/python bench/run_kinds.py --ingest      # where Telescope's ingest time goes on H (no servers)

The logdir comes from ``bench/generate.py --size H`` (generated on first use, cached in bench/data/H). For
each server:

1. cold load: process start until every histogram and image step is queryable (median of ``--cold-rounds``
   loads, the servers taking turns), polling the server's own endpoints (Telescope: ``/api/status`` then its
   histograms and images routes; TensorBoard: its histograms and images plugins' ``tags``, then per run the
   images list of the last tag, whose last step is the last record of the run's file, and the histograms of
   the last histogram tag);
2. one histogram tag across all runs, the way each dashboard asks for it, and the legacy per-run GETs;
3. one image tag's list across all runs (every image of every step), likewise; and one image's bytes;
4. peak resident memory of the server's whole process tree.

Results go to stdout and to ``bench/results/<timestamp>-H.md`` (and ``.json``). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import httpx  # noqa: E402
import run  # noqa: E402  (shared helpers: Telescope's environment, polling, machine and version info)
import tb_server  # noqa: E402
from run import _get_json, mb, say  # noqa: E402
from servers import Server, ServerError  # noqa: E402
from tb_server import pause  # noqa: E402

RESULTS = BENCH / "results"
TB_ALL = run.TB_ALL_POINTS  # "all": TensorBoard 2.21 rejects the word and answers empty series for 0
TB_TIMESERIES = run.TB_TIMESERIES


System = run.System
SYSTEMS = {
    s.key: s
    for s in (
        System("telescope", "Telescope"),
        System("tb_fast_all", "TB fast, all samples", load_fast=True, keep_all=True),
        System("tb_fast_sampled", "TB fast, sampled", load_fast=True, keep_all=False),
        System("tb_py_all", "TB Python, all samples", load_fast=False, keep_all=True),
        System("tb_py_sampled", "TB Python, sampled", load_fast=False, keep_all=False),
    )
}
DEFAULT_SYSTEMS = "telescope,tb_fast_all,tb_fast_sampled"


@dataclass
class Timing:
    """Latency of one operation (possibly several HTTP requests), median and p90 of ``n`` timed repeats."""

    how: str = ""
    median_ms: float | None = None
    p90_ms: float | None = None
    n: int = 0
    requests: int = 0  # HTTP requests per operation
    items: int = 0  # histograms or images in the answers
    bytes: int = 0


@dataclass
class Result:
    system: str
    label: str
    cold_s: float | None = None
    cold_limit_s: float | None = None  # set when the cold load hit the timeout
    cold_runs: list[float] = field(default_factory=list)  # every round's cold load; cold_s is their median
    histograms_kept: str = ""  # per (run, tag), as answered
    image_steps_kept: str = ""
    histograms: Timing = field(default_factory=Timing)  # one histogram tag, all runs, as the dashboard asks
    histograms_per_run: Timing = field(default_factory=Timing)  # TensorBoard: legacy per-run GETs
    images: Timing = field(default_factory=Timing)  # one image tag's list, all runs
    images_per_run: Timing = field(default_factory=Timing)
    image_bytes: Timing = field(default_factory=Timing)  # one image
    peak_load_mb: float | None = None
    peak_mb: float | None = None
    verified: str = ""
    error: str | None = None
    load_avg: float | None = None


# -- timing ----------------------------------------------------------------------------------------------------


def time_op(op: Callable[[], tuple[int, int, int]], opts: run.Options, how: str) -> Timing:
    """Median and p90 of ``op`` (which returns requests, items, bytes), after one untimed call; stops after
    ``opts.query_budget`` seconds with at least 3 timed calls."""
    out = op()

    def call() -> None:
        nonlocal out
        out = op()

    times = run.timed_calls(call, opts)
    median_ms, p90_ms = run.median_p90_ms(times)
    return Timing(
        how=how,
        median_ms=median_ms,
        p90_ms=p90_ms,
        n=len(times),
        requests=out[0],
        items=out[1],
        bytes=out[2],
    )


def answers_op(
    calls: Sequence[Callable[[], httpx.Response]], count: Callable[[httpx.Response], int]
) -> Callable[[], tuple[int, int, int]]:
    """An operation for ``time_op``: every call in turn, giving the requests made, the items ``count`` finds in
    the answers and their bytes."""

    def op() -> tuple[int, int, int]:
        items = size = 0
        for call in calls:
            resp = call()
            items += count(resp)
            size += len(resp.content)
        return len(calls), items, size

    return op


def _ok(r: httpx.Response) -> httpx.Response:
    r.raise_for_status()
    return r


def _get_ok(server: Server, path: str, params: dict) -> httpx.Response:
    return _ok(server.get(path, params=params))


# -- Telescope -------------------------------------------------------------------------------------------------


# What a histogram card asks for (web/src/plugins/histograms/HistogramCard.tsx): every step on shared bins.
CARD_BINS = 40


def telescope_histograms(server: Server, run_name: str, tag: str) -> httpx.Response:
    return _ok(server.get("/api/histograms", params={"run": run_name, "tag": tag, "bins": CARD_BINS}))


def telescope_images(server: Server, run_name: str, tag: str) -> httpx.Response:
    return _ok(server.get("/api/images", params={"run": run_name, "tag": tag}))


def count_image_items(body: dict) -> int:
    return sum(len(s["items"]) for s in body["steps"])


def wait_telescope_loaded(server: Server, manifest: dict, opts: run.Options) -> float:
    """Seconds from process start until ingest is live with every record counted (records are committed with
    their points) and the last run's last histogram and image tags hold every step."""
    deadline = server.started + opts.timeout
    last_run = manifest["runs"][-1]
    h_tag, i_tag = manifest["tags"]["histograms"][-1], manifest["tags"]["images"][-1]
    n_h, n_i = manifest["steps"]["histograms"]["count"], manifest["steps"]["images"]["count"]
    status: object = None
    while True:
        server.check_alive()
        t_poll = time.perf_counter()
        status = _get_json(server, "/api/status")
        if isinstance(status, dict):
            ing = status["ingest"]
            if ing["state"] == "live" and ing["records"] >= manifest["records"]:
                h = _get_json(server, "/api/histograms", params={"run": last_run, "tag": h_tag})
                i = _get_json(server, "/api/images", params={"run": last_run, "tag": i_tag})
                if isinstance(h, dict) and len(h["steps"]) == n_h and isinstance(i, dict) and len(i["steps"]) == n_i:
                    return time.perf_counter() - server.started
        if time.perf_counter() > deadline:
            raise TimeoutError(f"last status: {status['ingest'] if isinstance(status, dict) else status!r}")
        pause(opts.poll, time.perf_counter() - t_poll)


def verify_telescope(server: Server, manifest: dict) -> str:
    """Every run holds every step of one histogram tag and every image of one image tag; nothing skipped."""
    runs, h_tag, i_tag = manifest["runs"], manifest["tags"]["histograms"][0], manifest["tags"]["images"][0]
    n_h, n_i = manifest["steps"]["histograms"]["count"], manifest["steps"]["images"]["count"]
    status = server.get("/api/status").json()
    ing, kinds = status["ingest"], status["kinds"]
    bad = []
    for r in runs:
        h = telescope_histograms(server, r, h_tag).json()
        i = telescope_images(server, r, i_tag).json()
        if len(h["steps"]) != n_h or len(i["steps"]) != n_i or count_image_items(i) != manifest["images_per_series"][r]:
            bad.append(f"{r}: {len(h['steps'])} histograms, {len(i['steps'])} image steps, {count_image_items(i)}")
    want_kinds = {k: len(v) for k, v in manifest["tags"].items()}  # tags of each kind
    if kinds != want_kinds:
        bad.append(f"kinds {kinds} (want {want_kinds})")
    if ing["skipped"] or ing["records"] != manifest["records"]:
        bad.append(f"{ing['records']} records, {ing['skipped']} skipped")
    if bad:
        return "INCOMPLETE: " + "; ".join(bad[:4])
    return (
        f"{ing['records']:,} records, 0 skipped; every run holds {n_h} steps of {h_tag!r} and all "
        f"{n_i} steps / {sum(manifest['images_per_series'].values()):,} images of {i_tag!r}; kinds {kinds}"
    )


def bench_telescope(logdir: Path, manifest: dict, opts: run.Options, *, queries: bool = True) -> Result:
    system = SYSTEMS["telescope"]
    res = Result(system.key, system.label)
    runs, h_tag, i_tag = manifest["runs"], manifest["tags"]["histograms"][0], manifest["tags"]["images"][0]
    tmp = Path(tempfile.mkdtemp(prefix="telescope-bench-"))
    try:
        server = run.start_telescope(logdir, tmp / "index.sqlite", opts, "telescope-H.log")
        try:
            if not run.time_cold_load(server, res, lambda: wait_telescope_loaded(server, manifest, opts), opts.timeout):
                return res
            if not queries:
                return res
            res.verified = verify_telescope(server, manifest)
            res.histograms_kept = f"{manifest['steps']['histograms']['count']:,} (all)"
            res.image_steps_kept = f"{manifest['steps']['images']['count']:,} (all)"

            histograms = answers_op(
                [partial(telescope_histograms, server, r, h_tag) for r in runs], lambda resp: len(resp.json()["steps"])
            )
            images = answers_op(
                [partial(telescope_images, server, r, i_tag) for r in runs], lambda resp: count_image_items(resp.json())
            )
            how = f"GET /api/histograms?run=R&tag={h_tag}&bins={CARD_BINS} for each run"
            res.histograms = time_op(histograms, opts, how)
            res.images = time_op(images, opts, f"GET /api/images?run=R&tag={i_tag} for each run")
            url = telescope_images(server, runs[-1], i_tag).json()["steps"][-1]["items"][0]["url"]

            def one_image() -> tuple[int, int, int]:
                return 1, 1, len(_ok(server.get("/" + url)).content)

            res.image_bytes = time_op(one_image, opts, "GET /" + url.split("?")[0])
            res.peak_mb = mb(server.sampler.peak())
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


# -- TensorBoard -----------------------------------------------------------------------------------------------


def start_tensorboard(system: System, logdir: Path, opts: run.Options) -> Server:
    # "Keep every sample". TensorBoard 2.21 rejects `histograms=all` (the flag's parser wants integers), and with
    # 0 its loader keeps everything but its endpoints ask for 0 samples and answer empty lists.
    return tb_server.start_tensorboard(
        opts.tensorboard,
        logdir,
        label=system.label,
        load_fast=system.load_fast,
        samples=f"scalars={TB_ALL},histograms={TB_ALL},images={TB_ALL}" if system.keep_all else None,
        log_path=opts.logs / f"{system.key}-H.log",
    )


def wait_tensorboard_loaded(server: Server, manifest: dict, kept_images: int, opts: run.Options) -> float:
    """Seconds from process start until every run's last image tag holds its last step and ``kept_images``
    steps, and its last histogram tag its last step (each run's file ends with the last image tag's last step;
    see bench/tb_server.py)."""
    runs, tags = manifest["runs"], manifest["tags"]
    h_tag, i_tag = tags["histograms"][-1], tags["images"][-1]
    h_last, i_last = manifest["steps"]["histograms"]["last"], manifest["steps"]["images"]["last"]

    def count_listed() -> int:
        n_listed = len(runs)
        for kind in ("histograms", "images"):
            index = _get_json(server, f"/data/plugin/{kind}/tags")
            ok = sum(set(tags[kind]) <= set(index.get(r, {})) for r in runs) if isinstance(index, dict) else 0
            n_listed = min(n_listed, ok)
        return n_listed

    def incomplete(r: str) -> str | None:
        imgs = _get_json(server, "/data/plugin/images/images", params={"run": r, "tag": i_tag, "sample": 0})
        if not (isinstance(imgs, list) and imgs and imgs[-1]["step"] == i_last and len(imgs) == kept_images):
            return f"{len(imgs)} image steps, last {imgs[-1]['step']}" if isinstance(imgs, list) and imgs else ""
        hist = _get_json(server, "/data/plugin/histograms/histograms", params={"run": r, "tag": h_tag})
        if not (isinstance(hist, list) and hist and hist[-1][1] == h_last):
            return f"histograms: last step {hist[-1][1]}" if isinstance(hist, list) and hist else ""
        return None

    return tb_server.wait_loaded(
        server,
        runs,
        count_listed=count_listed,
        incomplete=incomplete,
        timeout=opts.timeout,
        poll=opts.poll,
        listing="every histogram and image tag",
    )


def tb_timeseries(server: Server, requests: list[dict]) -> httpx.Response:
    return _ok(server.post(TB_TIMESERIES, data={"requests": json.dumps(requests)}))


def count_timeseries(r: httpx.Response) -> int:
    """The points (histograms, image steps) of every answer of a Time Series POST."""
    return sum(len(b.get("runToSeries", {}).get(b["run"], [])) for b in r.json())


def tb_image_samples(server: Server, tag: str) -> dict[str, int]:
    """Images per step at most, for each run holding ``tag`` (TensorBoard shows one card per sample)."""
    index = _get_json(server, "/data/plugin/images/tags")
    assert isinstance(index, dict)
    return {r: int(tags[tag]["samples"]) for r, tags in index.items() if tag in tags}


def bench_tensorboard(
    system: System, logdir: Path, manifest: dict, opts: run.Options, *, queries: bool = True
) -> Result:
    res = Result(system.key, system.label)
    runs, h_tag, i_tag = manifest["runs"], manifest["tags"]["histograms"][0], manifest["tags"]["images"][0]
    n_h, n_i = manifest["steps"]["histograms"]["count"], manifest["steps"]["images"]["count"]
    kept_images = n_i if system.keep_all else min(n_i, 10)
    server = start_tensorboard(system, logdir, opts)
    try:
        if not run.time_cold_load(
            server, res, lambda: wait_tensorboard_loaded(server, manifest, kept_images, opts), opts.timeout
        ):
            return res
        if not queries:
            return res
        samples = tb_image_samples(server, i_tag)
        h_requests = [{"plugin": "histograms", "tag": h_tag, "run": r} for r in runs]
        i_requests = [
            {"plugin": "images", "tag": i_tag, "run": r, "sample": s} for r in runs for s in range(samples.get(r, 0))
        ]
        # Untimed check: what TensorBoard answers for every run.
        h_body = tb_timeseries(server, h_requests).json()
        h_counts = [len(b.get("runToSeries", {}).get(r, [])) for r, b in zip(runs, h_body, strict=True)]
        i_body = tb_timeseries(server, [q for q in i_requests if q["sample"] == 0]).json()
        i_counts = [len(b.get("runToSeries", {}).get(b["run"], [])) for b in i_body]
        res.histograms_kept = _kept(h_counts, n_h)
        res.image_steps_kept = _kept(i_counts, n_i)
        want_h = n_h if system.keep_all else None
        ok = len(i_counts) == len(runs) and all(c == kept_images for c in i_counts)
        ok = ok and (want_h is None or all(c == want_h for c in h_counts))
        res.verified = (
            f"every run: {res.histograms_kept} histograms of {h_tag!r} and {res.image_steps_kept} image steps of "
            f"{i_tag!r} (Time Series answers)"
            if ok
            else f"INCOMPLETE: histograms per run {h_counts[:5]}..., image steps per run {i_counts[:5]}..."
        )

        histograms = answers_op([partial(tb_timeseries, server, h_requests)], count_timeseries)
        histograms_per_run = answers_op(
            [partial(_get_ok, server, "/data/plugin/histograms/histograms", {"run": r, "tag": h_tag}) for r in runs],
            lambda resp: len(resp.json()),
        )
        images = answers_op([partial(tb_timeseries, server, i_requests)], count_timeseries)
        images_per_run = answers_op(
            [
                partial(
                    _get_ok,
                    server,
                    "/data/plugin/images/images",
                    {"run": q["run"], "tag": i_tag, "sample": q["sample"]},
                )
                for q in i_requests
            ],
            lambda resp: len(resp.json()),
        )

        res.histograms = time_op(
            histograms, opts, f"POST timeSeries, one request per run for {h_tag!r} (the Time Series dashboard)"
        )
        res.images = time_op(
            images, opts, f"POST timeSeries, one request per run and sample for {i_tag!r} (Time Series)"
        )
        if opts.per_run_repeats > 0:
            short = run.Options(**{**asdict_options(opts), "repeats": opts.per_run_repeats})
            res.histograms_per_run = time_op(
                histograms_per_run, short, "GET /data/plugin/histograms/histograms per run (Histograms dashboard)"
            )
            res.images_per_run = time_op(
                images_per_run, short, "GET /data/plugin/images/images per run and sample (Images dashboard)"
            )
        last = _ok(
            server.get("/data/plugin/images/images", params={"run": runs[-1], "tag": i_tag, "sample": 0})
        ).json()[-1]

        def one_image() -> tuple[int, int, int]:
            return 1, 1, len(_ok(server.get("/data/plugin/images/individualImage?" + last["query"])).content)

        res.image_bytes = time_op(one_image, opts, "GET /data/plugin/images/individualImage")
        res.peak_mb = mb(server.sampler.peak())
    finally:
        server.stop()
    return res


def _kept(counts: list[int], total: int) -> str:
    if not counts:
        return "none"
    lo, hi = min(counts), max(counts)
    text = f"{lo:,}" if lo == hi else f"{lo:,}-{hi:,}"
    return text + (" (all)" if lo == hi == total else f" of {total:,}")


def asdict_options(opts: run.Options) -> dict:
    return {k: getattr(opts, k) for k in opts.__dataclass_fields__}


# -- report --------------------------------------------------------------------------------------------------------


def fmt_timing(t: Timing, p90: bool = False) -> str:
    v = t.p90_ms if p90 else t.median_ms
    if v is None:
        return ""
    return f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"


def fmt_answer(t: Timing) -> str:
    if t.median_ms is None:
        return ""
    req = f"{t.requests} req" if t.requests != 1 else "1 req"
    return f"{req}, {t.items:,} / {t.bytes / 1e6:.2f} MB"


def table(manifest: dict, results: list[Result]) -> str:
    k = manifest["kinds_size"]
    cols = results
    head = "| | " + " | ".join(r.label for r in cols) + " |\n|---|" + "---:|" * len(cols) + "\n"
    rows: list[str] = []

    def row(name: str, cells: list[str]) -> None:
        rows.append(f"| {name} | " + " | ".join(cells) + " |")

    row("histograms per (run, tag) answered", [r.histograms_kept or "n/a" for r in cols])
    row("image steps per (run, tag) answered", [r.image_steps_kept or "n/a" for r in cols])
    row("cold load (median)", [run.fmt_s(r) for r in cols])
    row("  every round", [", ".join(f"{c:.2f}" for c in r.cold_runs) for r in cols])
    row(
        "cold load, MB/s",
        ["n/a" if r.cold_s is None else f"{manifest['bytes'] / 1e6 / r.cold_s:.0f}" for r in cols],
    )
    row("one histogram tag, all runs (median)", [fmt_timing(r.histograms) for r in cols])
    row("one histogram tag, all runs (p90)", [fmt_timing(r.histograms, p90=True) for r in cols])
    row("  requests, histograms / bytes", [fmt_answer(r.histograms) for r in cols])
    row("  TB: one GET per run (51 each)", [fmt_timing(r.histograms_per_run) for r in cols])
    row("one image tag's list, all runs (median)", [fmt_timing(r.images) for r in cols])
    row("one image tag's list, all runs (p90)", [fmt_timing(r.images, p90=True) for r in cols])
    row("  requests, images / bytes", [fmt_answer(r.images) for r in cols])
    row("  TB: one GET per run and sample", [fmt_timing(r.images_per_run) for r in cols])
    row("one image's bytes (median)", [fmt_timing(r.image_bytes) for r in cols])
    row("peak RSS, cold load", [run.fmt(r.peak_load_mb, ".0f", " MB") for r in cols])
    row("peak RSS, whole session", [run.fmt(r.peak_mb, ".0f", " MB") for r in cols])
    row("machine load (1 min) before start", [run.fmt(r.load_avg, ".1f") for r in cols])
    title = (
        f"### H: {k['runs']} runs; {k['histogram_tags']} histogram tags x "
        f"{manifest['steps']['histograms']['count']} steps, {k['image_tags']} image tags x "
        f"{manifest['steps']['images']['count']} steps ({manifest['images']:,} PNGs of {k['image_side']}x"
        f"{k['image_side']}), {k['scalar_tags']} scalar tags x {k['steps']:,} steps "
        f"({manifest['records']:,} records, {manifest['bytes'] / 1e6:.0f} MB)\n"
    )
    out = [title, head + "\n".join(rows) + "\n"]
    t = next((r for r in results if r.system == "telescope"), None)
    tbs = [r for r in results if r.system != "telescope"]
    if t is not None and tbs:

        def cold(r: Result) -> float | None:
            return r.cold_s if r.cold_limit_s is None else r.cold_limit_s

        rhead = "| Telescope ÷ TensorBoard | " + " | ".join(r.label for r in tbs) + " |\n|---|" + "---:|" * len(tbs)
        rrows = [
            "| cold load | " + " | ".join(run.ratio(t.cold_s, cold(r), r.cold_limit_s is not None) for r in tbs) + " |",
            "| one histogram tag, all runs | "
            + " | ".join(run.ratio(t.histograms.median_ms, r.histograms.median_ms) for r in tbs)
            + " |",
            "| one image tag's list, all runs | "
            + " | ".join(run.ratio(t.images.median_ms, r.images.median_ms) for r in tbs)
            + " |",
            "| one image's bytes | "
            + " | ".join(run.ratio(t.image_bytes.median_ms, r.image_bytes.median_ms) for r in tbs)
            + " |",
            "| peak RSS, whole session | "
            + " | ".join(run.ratio(t.peak_mb, r.peak_mb, r.cold_limit_s is not None) for r in tbs)
            + " |",
        ]
        out.append("\n" + rhead + "\n" + "\n".join(rrows) + "\n")
        ref = next((r for r in tbs if r.system == "tb_fast_all"), None)
        if ref is not None and t.cold_s is not None and cold(ref) is not None:
            ok = t.cold_s <= cold(ref)  # type: ignore[operator]
            out.append(
                f"\nTarget: cold load no slower than TB fast, all samples: {run.ratio(t.cold_s, cold(ref))} — "
                f"{'met' if ok else 'NOT met'}\n"
            )
    how = []
    for r in results:
        for name, tm in (
            ("histograms", r.histograms),
            ("histograms per run", r.histograms_per_run),
            ("images", r.images),
            ("images per run", r.images_per_run),
            ("one image", r.image_bytes),
        ):
            if tm.how:
                how.append(f"- {r.label}, {name}: {tm.how} (median of {tm.n})")
    if how:
        out.append("\nRequests timed:\n" + "\n".join(how) + "\n")
    out += run.checks(results)
    return "\n".join(out)


def render(data: dict) -> str:
    results = []
    for r in data["results"]:
        for key in ("histograms", "histograms_per_run", "images", "images_per_run", "image_bytes"):
            r = {**r, key: Timing(**r[key])}
        results.append(Result(**r))
    m, v = data["machine"], data["versions"]
    header = (
        f"## Benchmark H (histograms and images) {data['date']}\n\n"
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}. "
        f"Telescope {v['telescope_commit']} (Python {v['telescope_python']}); TensorBoard {v['tensorboard']} "
        f"with tensorboard-data-server {v['tensorboard_data_server']}. Page cache warm (data generated or read "
        "before). Cold load: process start until every histogram and image step is queryable.\n"
    )
    return header + "\n" + table(data["manifest"], results)


# -- where the ingest time goes (--ingest) ---------------------------------------------------------------------


def ingest_split(logdir: Path, workers: int) -> list[tuple[str, float, int]]:
    """A full ingest of ``logdir`` into a fresh index in this process, with the wall time spent in its main parts.

    The parts are timed by wrapping functions of the checkout's ingester and store for the duration of the call
    (timing only, nothing else changes); with ``workers`` > 1 blocks are decoded in worker processes, where
    nothing is timed. Returns ``(part, seconds, calls)`` rows, the full ingest first.
    """
    sys.path.insert(0, str(run.REPO / "src"))
    from telescope.ingest import blockdecode, ingester
    from telescope.store import Store
    from telescope.store import payloads as store_payloads
    from telescope.store import sqlite as store_sqlite

    spent: dict[str, list[float]] = {}
    undo: list[tuple[object, str, object]] = []

    def wrap(owner: object, name: str, part: str, static: bool = False) -> None:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        fn = original.__func__ if static else original
        acc = spent.setdefault(part, [0.0, 0])

        def timed(*args: object, **kwargs: object) -> object:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc[0] += time.perf_counter() - t0
                acc[1] += 1

        setattr(owner, name, staticmethod(timed) if static else timed)
        undo.append((owner, name, original))

    wrap(blockdecode, "decode_block", "decoding blocks (decode_block; 1 process only)")
    wrap(blockdecode, "decode_scalar_groups", "  bulk scalar decoding (decode_scalar_groups)")
    wrap(blockdecode, "frame_block", "  framing (frame_block)")
    wrap(ingester.Ingester, "apply_block", "applying blocks (apply_block, main process)")
    wrap(blockdecode, "_decode_group", "  bulk histogram groups (_decode_group; 1 process only)")
    wrap(blockdecode, "decode_tensor_value", "  other tensor values of known tags (decode_tensor_value)")
    wrap(blockdecode, "decode_blob_value", "  image decode (decode_blob_value; 1 process only)")
    wrap(blockdecode, "locate", "  locating images in their record (locate; 1 process only)")
    wrap(ingester.Ingester, "_restarts", "  restart rules (_restarts)", static=True)
    wrap(store_sqlite.Store, "commit", "  SQLite commit (Store.commit)")
    wrap(store_payloads, "append_tensors", "    append_tensors")
    wrap(store_payloads, "encode_tensor", "      encode_tensor")
    wrap(store_payloads, "append_blobs", "    append_blobs")
    tmp = Path(tempfile.mkdtemp(prefix="telescope-ingest-H-"))
    try:
        store = Store(tmp / "index.sqlite", logdir=str(logdir.resolve()))
        t0 = time.perf_counter()
        ingester.Ingester(logdir, store, workers=workers).poll_once()
        total = time.perf_counter() - t0
        records = store.status().records
        store.close()
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)
        shutil.rmtree(tmp, ignore_errors=True)
    return [("full ingest", total, records)] + [(k, v[0], int(v[1])) for k, v in spent.items() if v[1]]


def decode_what_ifs(logdir: Path) -> list[tuple[str, float]]:
    """Decoding every block as the ingester does; the same with bulk scalar decoding tried only on records of
    at most 512 bytes; and the pickle round trip of the 4 MB blocks worker processes send back."""
    import pickle

    sys.path.insert(0, str(run.REPO / "src"))
    from telescope.ingest import blockdecode, fastdecode

    files = sorted(logdir.rglob("events.out.tfevents.*"))

    def blocks(block: int) -> list[object]:
        # As the ingester decodes them: with the kinds of the run's tags known so far, which decode_block extends.
        out = []
        for p in files:
            data = p.read_bytes()
            kinds: dict[str, tuple[str, str]] = {}
            off = 0
            while off < len(data):
                decoded = blockdecode.decode_block(data[off : off + block], off, kinds)
                if decoded.end == off:
                    break
                out.append(decoded)
                off = decoded.end
        return out

    rows = []
    t0 = time.perf_counter()
    blocks(16 << 20)
    rows.append(("decode every block (16 MB blocks)", time.perf_counter() - t0))
    original = fastdecode.length_groups

    def short_only(lengths):  # type: ignore[no-untyped-def]
        return ((n, m) for n, m in original(lengths) if n <= 512)

    fastdecode.length_groups = short_only
    try:
        t0 = time.perf_counter()
        blocks(16 << 20)
        rows.append(("  same, bulk scalar decoding only for records <= 512 bytes", time.perf_counter() - t0))
    finally:
        fastdecode.length_groups = original
    dumps = loads = size = 0.0
    for decoded in blocks(4 << 20):
        t0 = time.perf_counter()
        data = pickle.dumps(decoded, protocol=pickle.HIGHEST_PROTOCOL)
        t1 = time.perf_counter()
        pickle.loads(data)
        loads += time.perf_counter() - t1
        dumps += t1 - t0
        size += len(data)
    rows.append((f"pickling the 4 MB blocks workers send back ({size / 1e6:.0f} MB of pickles)", dumps))
    rows.append(("unpickling them in the main process", loads))
    return rows


def ingest_report(logdir: Path, manifest: dict, workers: list[int]) -> str:
    for p in sorted(logdir.rglob("events.out.tfevents.*")):
        p.read_bytes()
    splits = {w: ingest_split(logdir, w) for w in workers}
    parts = list(dict.fromkeys(name for rows in splits.values() for name, _, _ in rows))
    head = "| part | " + " | ".join("1 process" if w == 1 else f"main + {w} workers" for w in workers) + " |\n"
    lines = [head + "|---|" + "---:|" * len(workers)]
    for name in parts:
        cells = []
        for w in workers:
            found = [(secs, n) for part, secs, n in splits[w] if part == name]
            if not found:
                cells.append("")
            else:
                calls = "" if name == "full ingest" else f" ({found[0][1]:,})"
                cells.append(f"{found[0][0]:.2f} s{calls}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    what_ifs = "\n".join(f"| {name} | {secs:.2f} s |" for name, secs in decode_what_ifs(logdir))
    return (
        f"Ingest of H ({manifest['records']:,} records, {manifest['bytes'] / 1e6:.0f} MB) into a fresh index, "
        f"in this process; wall time in each part (calls in brackets); load average {os.getloadavg()[0]:.1f}\n\n"
        + "\n".join(lines)
        + "\n\n| decoding, one process | seconds |\n|---|---:|\n"
        + what_ifs
        + "\n"
    )


def measure(system: System, logdir: Path, manifest: dict, opts: run.Options, *, queries: bool) -> Result:
    """One server's cold load (and, with ``queries``, the rest of the figures); errors become the result's."""
    load = os.getloadavg()[0]
    try:
        if system.is_telescope:
            res = bench_telescope(logdir, manifest, opts, queries=queries)
        else:
            res = bench_tensorboard(system, logdir, manifest, opts, queries=queries)
    except (ServerError, httpx.HTTPError, KeyError, ValueError, TypeError) as e:
        res = Result(system.key, system.label, error=f"{type(e).__name__}: {e}")
    if res.cold_s is not None and res.cold_limit_s is None:
        res.cold_runs.append(res.cold_s)
    res.load_avg = load
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=DEFAULT_SYSTEMS, help="comma-separated systems: " + ", ".join(SYSTEMS))
    parser.add_argument("--timeout", type=float, default=600.0, help="cold-load limit per server, seconds")
    parser.add_argument("--repeats", type=int, default=10, help="timed calls per query figure (median)")
    parser.add_argument("--query-budget", type=float, default=60.0, help="seconds after which timed calls stop")
    parser.add_argument("--per-run-repeats", type=int, default=3, help="TensorBoard's per-run GETs (0 skips)")
    parser.add_argument(
        "--cold-rounds", type=int, default=3, help="cold loads per server, taking turns; the table shows the median"
    )
    parser.add_argument("--poll", type=float, default=0.1, help="seconds between polls while loading")
    parser.add_argument("--telescope-python", default=sys.executable)
    parser.add_argument("--tensorboard", default=str(BENCH / ".venv" / "bin" / "tensorboard"))
    parser.add_argument("--no-save", action="store_true", help="print only; write nothing to bench/results/")
    parser.add_argument("--render", metavar="JSON", type=Path, help="print the report of an earlier run's .json")
    parser.add_argument(
        "--ingest", action="store_true", help="time the parts of Telescope's ingest of H in this process (no servers)"
    )
    parser.add_argument("--workers", default="1,2", help="with --ingest: worker process counts to compare")
    args = parser.parse_args(argv)
    if args.render is not None:
        print(render(json.loads(args.render.read_text(encoding="utf-8"))))
        return 0
    if args.ingest:
        logdir = generate.ensure_kinds_logdir(generate.KIND_SIZES["H"], say=lambda m: say("  " + m))
        print(ingest_report(logdir, generate.load_manifest(logdir), [int(w) for w in args.workers.split(",")]))
        return 0
    keys = [k.strip() for k in args.only.split(",") if k.strip()]
    systems = run.select_systems(parser, keys, SYSTEMS, args.tensorboard, args.telescope_python)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = Path(tempfile.mkdtemp(prefix=f"telescope-bench-logs-{stamp}-"))
    opts = run.Options(
        timeout=args.timeout,
        repeats=args.repeats,
        warm_repeats=0,
        per_run_repeats=args.per_run_repeats,
        poll=args.poll,
        query_budget=args.query_budget,
        telescope_python=args.telescope_python,
        tensorboard=args.tensorboard,
        logs=logs,
    )
    info = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": run.machine(), "versions": run.versions(opts)}
    say(f"server logs in {logs}")
    size = generate.KIND_SIZES["H"]
    logdir = generate.ensure_kinds_logdir(size, say=lambda m: say("  " + m))
    manifest = generate.load_manifest(logdir)
    say(f"logdir {logdir} ({manifest['bytes'] / 1e6:.0f} MB, {manifest['records']:,} records)")
    for p in sorted(logdir.rglob("events.out.tfevents.*")):
        p.read_bytes()  # into the page cache, for every server alike
    results = []
    for system in systems:
        say(f"-- {system.label}")
        res = measure(system, logdir, manifest, opts, queries=True)
        say(
            f"   cold {run.fmt_s(res)}; histograms {fmt_timing(res.histograms)}; images {fmt_timing(res.images)}; "
            f"peak {run.fmt(res.peak_mb or res.peak_load_mb, '.0f', ' MB')}; {res.error or res.verified}"
        )
        results.append(res)
    # More cold loads, the servers taking turns, so that a busy moment on the machine does not decide a ratio.
    for k in range(1, args.cold_rounds):
        for res, system in zip(results, systems, strict=True):
            if res.error or res.cold_limit_s is not None:
                continue
            again = measure(system, logdir, manifest, opts, queries=False)
            if again.error or again.cold_s is None:
                say(f"-- {system.label}, cold load {k + 1}: {again.error or again.verified}")
                continue
            res.cold_runs.append(again.cold_s)
            res.peak_load_mb = max(res.peak_load_mb or 0.0, again.peak_load_mb or 0.0)
            say(f"-- {system.label}, cold load {k + 1}: {again.cold_s:.2f} s (load {again.load_avg:.1f})")
    for res in results:
        if res.cold_runs:
            res.cold_s = statistics.median(res.cold_runs)
    data = {
        **info,
        "manifest": {k: v for k, v in manifest.items() if k != "files"},
        "results": [asdict(r) for r in results],
    }
    report = render(data)
    print("\n" + report)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{stamp}-H.md").write_text(report, encoding="utf-8")
        (RESULTS / f"{stamp}-H.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
        say(f"written to {RESULTS / stamp}-H.md")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
