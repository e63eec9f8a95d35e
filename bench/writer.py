"""Writer overhead: Telescope's SummaryWriter side by side with torch.utils.tensorboard's and tensorboardX's.

Measured in one run, in this order, interleaving the writers so that machine noise hits all of them alike:

* ``add_scalar``: cost per call (median over repeats), the calls alone and including the final ``flush()``
  that waits for the background thread to write everything;
* ``add_histogram`` of 10^6 float64 values (numpy) and of 10^6 float32 values (a torch tensor), per call;
* peak RSS growth of a process during a burst of ``--burst`` ``add_scalar`` calls (each writer in its own
  subprocess; the peak ``VmHWM`` during the burst minus ``VmRSS`` before it; Linux only).

Prints a markdown table; "theirs/ours" is the other writer's figure divided by ours (above 1: ours is cheaper).
Run it with the interpreter that has torch and tensorboardX (the dev venv, not ``bench/.venv``)::

    python bench/writer.py [--calls 20000] [--repeats 7] [--burst 1000000] [--skip-burst-of-others]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WRITERS = {
    "telescope": "from telescope import SummaryWriter",
    "torch": "from torch.utils.tensorboard import SummaryWriter",
    "tensorboardX": "from tensorboardX import SummaryWriter",
}


def writer_class(name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(WRITERS[name], namespace)
    return namespace["SummaryWriter"]


def time_scalar_calls(cls: Any, log_dir: Path, calls: int) -> tuple[float, float]:
    """(seconds per call for the calls, seconds per call including the flush that writes them)."""
    w = cls(str(log_dir))
    w.add_scalar("warmup", 0.0, 0)
    w.flush()
    start = time.perf_counter()
    for i in range(calls):
        w.add_scalar("train/loss", i * 0.001, i)
    calls_done = time.perf_counter()
    w.flush()
    flushed = time.perf_counter()
    w.close()
    return (calls_done - start) / calls, (flushed - start) / calls


def time_histogram(cls: Any, log_dir: Path, values: Any, calls: int) -> float:
    w = cls(str(log_dir))
    w.add_histogram("warmup", values, 0)
    start = time.perf_counter()
    for i in range(calls):
        w.add_histogram("weights", values, i)
    w.flush()
    elapsed = time.perf_counter() - start
    w.close()
    return elapsed / calls


BURST_SCRIPT = """
import sys, time
{import_line}

def status(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

w = SummaryWriter(sys.argv[1])
w.add_scalar("warmup", 0.0, 0)
w.flush()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current RSS, so imports do not hide the burst's growth
before = status("VmRSS")
start = time.perf_counter()
for i in range(int(sys.argv[2])):
    w.add_scalar("train/loss", i * 0.001, i)
w.flush()
elapsed = time.perf_counter() - start
peak = status("VmHWM")
w.close()
print(peak - before, elapsed)
"""


def burst(name: str, log_dir: Path, calls: int) -> tuple[float, float]:
    """(peak RSS growth in MB, seconds) of ``calls`` add_scalar calls in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = textwrap.dedent(BURST_SCRIPT.format(import_line=WRITERS[name]))
    out = subprocess.run(
        [sys.executable, "-c", code, str(log_dir), str(calls)], capture_output=True, text=True, env=env, check=True
    )
    kb, seconds = out.stdout.split()
    return int(kb) / 1024, float(seconds)


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:,.2f} µs"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000, help="add_scalar calls per timed repeat")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--hist-calls", type=int, default=5, help="add_histogram calls per timed repeat")
    parser.add_argument("--burst", type=int, default=1_000_000, help="add_scalar calls of the RSS burst")
    parser.add_argument("--skip-burst-of-others", action="store_true", help="burst only Telescope (minutes saved)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    import numpy as np
    import torch

    sys.path.insert(0, str(ROOT / "src"))
    classes = {name: writer_class(name) for name in WRITERS}
    tmp = Path(tempfile.mkdtemp(prefix="telescope-bench-writer-"))
    results: dict[str, dict[str, Any]] = {name: {} for name in WRITERS}
    try:
        scalar_calls: dict[str, list[float]] = {n: [] for n in WRITERS}
        scalar_flushed: dict[str, list[float]] = {n: [] for n in WRITERS}
        for r in range(args.repeats):
            for name, cls in classes.items():
                calls, flushed = time_scalar_calls(cls, tmp / f"scalar-{name}-{r}", args.calls)
                scalar_calls[name].append(calls)
                scalar_flushed[name].append(flushed)
        values64 = np.random.default_rng(0).normal(size=1_000_000)
        values32 = torch.from_numpy(values64.astype(np.float32))
        hist64: dict[str, list[float]] = {n: [] for n in WRITERS}
        hist32: dict[str, list[float]] = {n: [] for n in WRITERS}
        for r in range(max(3, args.repeats // 2)):
            for name, cls in classes.items():
                hist64[name].append(time_histogram(cls, tmp / f"h64-{name}-{r}", values64, args.hist_calls))
                hist32[name].append(time_histogram(cls, tmp / f"h32-{name}-{r}", values32, args.hist_calls))
        for name in WRITERS:
            results[name]["add_scalar"] = statistics.median(scalar_calls[name])
            results[name]["add_scalar_flushed"] = statistics.median(scalar_flushed[name])
            results[name]["add_histogram_f64"] = statistics.median(hist64[name])
            results[name]["add_histogram_f32_torch"] = statistics.median(hist32[name])
            if name == "telescope" or not args.skip_burst_of_others:
                rss, seconds = burst(name, tmp / f"burst-{name}", args.burst)
                results[name]["burst_rss_mb"] = rss
                results[name]["burst_seconds"] = seconds
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    rows: list[tuple[str, str, Callable[[float], str]]] = [
        ("add_scalar, per call", "add_scalar", fmt_us),
        ("add_scalar, per call incl. final flush", "add_scalar_flushed", fmt_us),
        ("add_histogram, 10^6 float64 (numpy)", "add_histogram_f64", fmt_ms),
        ("add_histogram, 10^6 float32 (torch)", "add_histogram_f32_torch", fmt_ms),
        (f"burst of {args.burst:,} add_scalar: time", "burst_seconds", lambda s: f"{s:,.1f} s"),
        (f"burst of {args.burst:,} add_scalar: peak RSS growth", "burst_rss_mb", lambda mb: f"{mb:,.1f} MB"),
    ]
    print(f"Python {sys.version.split()[0]}, torch {torch.__version__}, {os.cpu_count()} CPUs; ", end="")
    print(f"{args.calls:,} add_scalar calls x {args.repeats} repeats (median)\n")
    print("| measure | Telescope | torch.utils.tensorboard | theirs/ours | tensorboardX | theirs/ours |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, key, fmt in rows:
        ours = results["telescope"].get(key)
        cells = [label, fmt(ours) if ours is not None else "-"]
        for other in ("torch", "tensorboardX"):
            theirs = results[other].get(key)
            cells.append(fmt(theirs) if theirs is not None else "-")
            # A ratio of two figures near zero (memory growth) says nothing: shown only above 1 MB.
            meaningful = theirs is not None and ours and (key != "burst_rss_mb" or min(ours, theirs) >= 1)
            cells.append(f"{theirs / ours:,.1f}" if meaningful else "-")
        print("| " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
