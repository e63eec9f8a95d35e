"""The graph view on a large GraphDef, in headless Chromium: how long from navigation until the top level is drawn,
and how long expanding big scopes takes, side by side with TensorBoard's graph dashboard on the same file.

    /work/venv/bin/python bench/graphs.py                      # 20,000 nodes, 5 repeats, with TensorBoard
    /work/venv/bin/python bench/graphs.py --nodes 50000 --repeat 3 --no-tensorboard

Runs with the interpreter that has Playwright (the dev virtualenv); TensorBoard is started from
bench/.venv (``--tensorboard`` to point elsewhere). The logdir is ``sample.write_large_graph``'s: a transformer
encoder of ``--nodes`` nodes in nested name scopes with a profile. The UI must be built (``cd web && npm run
build``).

Each open is a fresh browser context (nothing cached), timed from ``goto`` until the first box of the graph is in
the page (Telescope: ``.gv-box``; TensorBoard: ``g.node``). The first Telescope open also waits for the server to
build the graph's JSON, which it then keeps: it is reported apart ("cold"), and the median is over the others.
Expansions are timed from a real double-click (Playwright's, for both systems) until the scope's first child is in
the page, on a fresh page each repeat so nothing comes from a cache of earlier layouts. Machines are noisy: compare
the two systems within one run, never against figures from another day.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

import httpx  # noqa: E402
from servers import Server, free_port, start_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
RUN = "large"

# Telescope: (what to double-click, what must appear). Box labels as drawn; the series is found by its id.
LAYERS = '.gv-box[data-kind="series"][data-id^="s:model/encoder/"]'
TELESCOPE_STEPS = [
    ("expand model (19.5k nodes)", '.gv-box[data-id="g:model"]', '.gv-box[data-label="encoder"]'),
    ("expand model/encoder", '.gv-box[data-id="g:model/encoder"]', LAYERS),
    ("expand the layer series", LAYERS, '.gv-box[data-label="layer_3"]'),
    ("expand one layer", '.gv-box[data-label="layer_3"]', '.gv-box[data-label="attention"]'),
]
# TensorBoard: nodes carry their full name in data-name.
TENSORBOARD_STEPS = [
    ("expand model (19.5k nodes)", 'g.node[data-name="model"]', 'g.node[data-name="model/encoder"]'),
    ("expand model/encoder", 'g.node[data-name="model/encoder"]', 'g.node[data-name^="model/encoder/layer_"]'),
    # TensorBoard draws the encoder's layers one by one (no series to open), most of them off screen: the first
    # layer in view is opened ("visible:" picks it, and names the child after it).
    ("expand one layer", 'visible:g.node[data-name^="model/encoder/layer_"]', 'g.node[data-name="{name}/attention"]'),
]


@dataclass
class Timings:
    label: str
    opens: list[float] = field(default_factory=list)
    steps: dict[str, list[float]] = field(default_factory=dict)
    dom_nodes: int = 0
    boxes: int = 0
    note: str = ""
    # Telescope's own marks: milliseconds from navigation to each stage, and the worker's build times.
    stages: dict[str, list[float]] = field(default_factory=dict)

    @property
    def cold(self) -> float | None:
        return self.opens[0] if self.opens else None

    @property
    def warm(self) -> float | None:
        rest = self.opens[1:] or self.opens
        return statistics.median(rest) if rest else None


def wait_for(check: Callable[[], bool], what: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def start_telescope(logdir: Path, tmp: Path) -> Server:
    port = free_port()
    db = tmp / "index.db"
    argv = [sys.executable, "-m", "telescope", "--logdir", str(logdir), "--port", str(port), "--db", str(db)]
    server = start_server("Telescope", argv, port=port, log_path=tmp / "telescope.log")

    def listed() -> bool:
        server.check_alive()
        r = server.get("/api/graphs/runs")
        return r.status_code == 200 and any(x["run"] == RUN for x in r.json()["runs"])

    wait_for(listed, "Telescope to list the graph")
    return server


def start_tensorboard(binary: str, logdir: Path, tmp: Path) -> Server:
    import os

    port = free_port()
    argv = [binary, "--logdir", str(logdir), "--host", "127.0.0.1", "--port", str(port)]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    server = start_server("TensorBoard", argv, port=port, log_path=tmp / "tensorboard.log", env=env)

    def listed() -> bool:
        server.check_alive()
        r = server.get("/data/plugin/graphs/info")
        return r.status_code == 200 and bool(r.json().get(RUN, {}).get("run_graph"))

    wait_for(listed, "TensorBoard to list the graph")
    return server


# Every element of the page, inside shadow roots too (TensorBoard's graph lives in them).
COUNT_JS = """() => {
  let n = 0;
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) { n++; if (el.shadowRoot) walk(el.shadowRoot); }
  };
  walk(document);
  return n;
}"""


# Telescope's performance marks (Dashboard.tsx, GraphView.tsx): when each stage of the first drawing ended.
MARKS_JS = """() => {
  const out = {};
  for (const m of performance.getEntriesByType('mark')) {
    if (!m.name.startsWith('graphs:') || m.name in out) continue;
    out[m.name] = m.startTime;
    if (m.name === 'graphs:loaded' && m.detail) for (const [k, v] of Object.entries(m.detail)) out['worker ' + k] = v;
    if (m.name === 'graphs:laid-out' && m.detail) out['worker layout'] = m.detail.ms;
  }
  const nav = performance.getEntriesByType('navigation')[0];
  if (nav) out['page loaded'] = nav.loadEventEnd;
  return out;
}"""


def first_in_view(page: Any, selector: str) -> Any:
    found = page.locator(selector)
    for i in range(found.count()):
        b = found.nth(i).bounding_box()
        if not b:
            continue
        x, y = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
        if 0 <= x <= VIEWPORT["width"] and 80 <= y <= VIEWPORT["height"]:
            return found.nth(i)
    raise RuntimeError(f"nothing in view matches {selector}")


def open_once(browser: Any, url: str, selector: str) -> tuple[float, Any, Any]:
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, state="attached", timeout=300_000)
    return time.perf_counter() - t0, ctx, page


def measure(
    browser: Any,
    label: str,
    url: str,
    selector: str,
    steps: list[tuple[str, str, str]],
    repeat: int,
    marks: bool,
) -> Timings:
    t = Timings(label)
    for i in range(repeat):
        took, ctx, page = open_once(browser, url, selector)
        t.opens.append(took)
        if marks:
            page.wait_for_timeout(200)
            for k, v in dict(page.evaluate(MARKS_JS)).items():
                t.stages.setdefault(k, []).append(float(v))
        if i == 0:
            time.sleep(1.0)  # let the drawing settle before counting
            t.boxes = page.locator(selector).count()
            t.dom_nodes = int(page.evaluate(COUNT_JS))
        try:
            for name, target, child in steps:
                el = page.locator(target.removeprefix("visible:")).first
                el.wait_for(state="visible", timeout=60_000)
                if target.startswith("visible:"):
                    el = first_in_view(page, target.removeprefix("visible:"))
                    child = child.format(name=el.get_attribute("data-name"))
                t0 = time.perf_counter()
                el.dblclick()
                page.wait_for_selector(child, state="attached", timeout=120_000)
                t.steps.setdefault(name, []).append(time.perf_counter() - t0)
                time.sleep(0.3)
        except Exception as e:  # a step the other UI cannot do is reported, not fatal
            t.note = f"expansion stopped: {str(e).splitlines()[0][:120]}"
        ctx.close()
        print(f"  {label} #{i + 1}: open {t.opens[-1]:.2f} s", file=sys.stderr)
    return t


def fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def ratio(ours: float | None, theirs: float | None) -> str:
    return "—" if not ours or not theirs else f"{theirs / ours:.1f}x"


def report(nodes: int, repeat: int, tel: Timings, tb: Timings | None) -> None:
    rows: list[tuple[str, float | None, float | None]] = [
        ("open → top level drawn (median, warm)", tel.warm, tb.warm if tb else None),
        ("open → top level drawn (first, cold)", tel.cold, tb.cold if tb else None),
    ]
    names = list(dict.fromkeys([s[0] for s in TELESCOPE_STEPS] + [s[0] for s in TENSORBOARD_STEPS]))
    for name in names:
        ours = tel.steps.get(name)
        theirs = tb.steps.get(name) if tb else None
        rows.append((name, statistics.median(ours) if ours else None, statistics.median(theirs) if theirs else None))
    print(f"\nGraph view: {nodes:,}-node GraphDef (sample.write_large_graph), headless Chromium, {repeat} opens each")
    w = max(len(r[0]) for r in rows) + 2
    print(f"{'':<{w}}{'Telescope':>12}{'TensorBoard':>14}{'TB / Telescope':>17}")
    for name, a, b in rows:
        print(f"{name:<{w}}{fmt(a):>12}{fmt(b):>14}{ratio(a, b):>17}")
    print(f"{'boxes drawn at the top level':<{w}}{tel.boxes:>12}{(tb.boxes if tb else 0) or '—':>14}")
    print(f"{'DOM elements at the top level':<{w}}{tel.dom_nodes:>12}{(tb.dom_nodes if tb else 0) or '—':>14}")
    if tb:
        print("(TensorBoard shows the encoder's layers one by one: there is no series to open.)")
    for t in (tel, tb):
        if t and t.note:
            print(f"note ({t.label}): {t.note}")
    if tel.stages:
        print("\nTelescope, where the time goes (median ms; 'graphs:' marks are from navigation start):")
        medians = {k: statistics.median(v) for k, v in tel.stages.items()}
        for k, v in sorted(medians.items(), key=lambda kv: (not kv[0].startswith(("page", "graphs")), kv[1])):
            print(f"  {k:<24}{v:>8.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tensorboard", default=str(BENCH / ".venv" / "bin" / "tensorboard"))
    ap.add_argument("--no-tensorboard", action="store_true")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from telescope.plugins.graphs.sample import write_large_graph

    tmp = Path(tempfile.mkdtemp(prefix="telescope-bench-graphs-"))
    logdir = tmp / "logs"
    write_large_graph(logdir, nodes=args.nodes, run=RUN)
    tel_server = start_telescope(logdir, tmp)
    tb_server = None
    if not args.no_tensorboard and Path(args.tensorboard).exists():
        tb_server = start_tensorboard(args.tensorboard, logdir, tmp)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tel = measure(
                browser,
                "Telescope",
                f"{tel_server.base}/?tab=graphs&graphs.run={RUN}",
                ".gv-box",
                TELESCOPE_STEPS,
                args.repeat,
                marks=True,
            )
            tb = None
            if tb_server:
                tb = measure(
                    browser,
                    "TensorBoard",
                    f"{tb_server.base}/#graphs&run={RUN}",
                    "g.node",
                    TENSORBOARD_STEPS,
                    args.repeat,
                    marks=False,
                )
            browser.close()
    finally:
        tel_server.stop()
        if tb_server:
            tb_server.stop()
    report(args.nodes, args.repeat, tel, tb)


if __name__ == "__main__":
    main()
