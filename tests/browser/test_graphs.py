"""The Graphs dashboard on real graphs, as a person uses it: Keras' op graph (a training step's function body
behind a call node) and conceptual graph, PyTorch's traced graph, a generated 20,000-node GraphDef with a profile,
a nested Keras model, and a malformed graph with names that must never become markup.

Each opens at its top level; search finds a node however deep and reveals it; double-click opens a scope; the side
panel shows the selected node's op, inputs and consumers; problems are listed; export gives an SVG and a PNG.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Server, get_json

KERAS_RUN = "logs/fit/20261126-052645/train"
KERAS_FN = "__inference_one_step_on_data_1774"
TORCH_RUN = "runs/dev_main"
LARGE_NODES = 20000
EVIL = '<img src=x onerror="window.__xss=1">'
CRUMB = "\u203a"  # the breadcrumbs' separator


# ---- logdirs and servers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch_server(start_server: Callable[..., Server], fixture_logdir: Callable[[str], Path]) -> Server:
    return start_server(fixture_logdir("torch_dev"))


@pytest.fixture(scope="module")
def large_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    from telescope.plugins.graphs.sample import write_large_graph

    logdir = tmp_path_factory.mktemp("graphs_large")
    write_large_graph(logdir, nodes=LARGE_NODES)
    return start_server(logdir)


@pytest.fixture(scope="module")
def sample_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The graphs kind's sample: an op graph, a Keras functional model with a nested Sequential, a trace."""
    from telescope.plugins.graphs.sample import write_sample

    logdir = tmp_path_factory.mktemp("graphs_sample")
    write_sample(logdir)
    return start_server(logdir)


def _write_graph(path: Path, nodes: list[dict[str, Any]]) -> None:
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2, graph_pb2

    graph = graph_pb2.GraphDef()
    for spec in nodes:
        node = graph.node.add(name=spec["name"], op=spec.get("op", ""), input=spec.get("inputs", []))
        for key, value in spec.get("attrs", {}).items():
            node.attr[key].s = value.encode()
    path.mkdir(parents=True, exist_ok=True)
    events = [
        event_pb2.Event(wall_time=1.7e9, file_version="brain.Event:2"),
        event_pb2.Event(wall_time=1.7e9, step=0, graph_def=graph.SerializeToString()),
    ]
    with open(path / "events.out.tfevents.1700000000.malformed", "wb") as f:
        for ev in events:
            f.write(encode_record(ev.SerializeToString()))


@pytest.fixture(scope="module")
def malformed_server(start_server: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    logdir = tmp_path_factory.mktemp("graphs_malformed")
    _write_graph(
        logdir / "broken",
        [
            {"name": "input/x", "op": "Placeholder"},
            {"name": "net/dense/MatMul", "op": "MatMul", "inputs": ["input/x", "net/dense/kernel"]},
            {"name": "net/relu", "op": "Relu", "inputs": ["net/dense/MatMul"]},
            {"name": "net/relu", "op": "Identity", "inputs": ["net/relu"]},
            {"name": "loop/a", "op": "Add", "inputs": ["loop/b"]},
            {"name": "loop/b", "op": "Add", "inputs": ["loop/a"]},
            {"name": f"{EVIL}/node", "op": "<b>Bold</b>", "inputs": ["input/x"], "attrs": {"note": EVIL}},
        ],
    )
    return start_server(logdir)


# ---- helpers ------------------------------------------------------------------------------------------------


def open_graph(page: Page, server: Server, **params: str) -> None:
    query = {"tab": "graphs", **{f"graphs.{k}": v for k, v in params.items()}}
    page.goto(f"{server.url}?{urlencode(query)}")
    expect(page.locator(".gv-box").first).to_be_visible(timeout=30_000)


def _attr(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def box(page: Page, label: str) -> Locator:
    """A collapsed box (node, scope or series) by the first line of its text."""
    return page.locator(f'.gv-box[data-label="{_attr(label)}"]')


def scope(page: Page, path: str) -> Locator:
    """A scope drawn collapsed, by its full path (long names are shortened on screen)."""
    return page.locator(f'.gv-box[data-id="g:{_attr(path)}"]')


def frame(page: Page, label: str) -> Locator:
    """An expanded scope's frame."""
    return page.locator(f'.gv-scope[data-label="{_attr(label)}"]')


def labels(page: Page) -> list[str]:
    return [str(x) for x in page.locator(".gv-box").evaluate_all("els => els.map(e => e.dataset.label)")]


def search(page: Page, query: str, pick: str) -> None:
    field = page.get_by_role("combobox", name="Search nodes by name")
    field.fill(query)
    option = page.locator('[data-testid="search-results"] [role="option"]', has_text=re.compile(f"^{re.escape(pick)}"))
    expect(option.first).to_be_visible()
    option.first.click()


def in_view(page: Page, target: Locator) -> bool:
    canvas = page.get_by_test_id("graph-canvas").bounding_box()
    b = target.bounding_box()
    assert canvas is not None and b is not None
    cx, cy = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
    return bool(
        canvas["x"] <= cx <= canvas["x"] + canvas["width"] and canvas["y"] <= cy <= canvas["y"] + canvas["height"]
    )


def panel_op(page: Page) -> Locator:
    return page.get_by_test_id("panel-op")


# ---- Keras op graph ------------------------------------------------------------------------------------------


def test_keras_op_graph_opens_at_its_top_level(keras_server: Server, page: Page, shot: Any) -> None:
    graph = get_json(keras_server.url + "api/graphs/graph?" + urlencode({"run": KERAS_RUN}))
    body = graph["functions"][0]
    open_graph(page, keras_server, run=KERAS_RUN)
    expect(page.get_by_role("tab", name="Graphs")).to_have_attribute("aria-selected", "true")
    shown = labels(page)
    # The main graph's nodes, and the function body as one collapsed box, none of its 600 nodes.
    for name in ("IteratorGetNext", "StatefulPartitionedCall", "NoOp"):
        assert name in shown
    assert "dev_cnn_1" not in shown
    assert len(shown) < len(graph["nodes"])
    expect(scope(page, KERAS_FN)).to_contain_text(f"function · {len(body['nodes']) + len(body['inputs'])} nodes")
    # The 33 numbered placeholders feeding the call are one series.
    expect(page.locator('.gv-box[data-kind="series"]')).to_have_count(1)
    nodes = len(graph["nodes"]) + len(body["nodes"]) + len(body["inputs"])
    expect(page.get_by_test_id("graph-panel")).to_contain_text(str(nodes))
    shot(page, "graphs-keras-op-top")


def test_keras_op_graph_expand_select_and_search(keras_server: Server, page: Page) -> None:
    open_graph(page, keras_server, run=KERAS_RUN)
    scope(page, KERAS_FN).dblclick()
    fn = page.locator(f'.gv-scope[data-id="g:{KERAS_FN}"]')
    expect(fn).to_be_visible()
    for name in ("dev_cnn_1", "adam"):
        expect(box(page, name)).to_be_visible()
    # Double-click the frame's title collapses it again.
    fn.locator("rect").first.dblclick(position={"x": 30, "y": 12})
    expect(scope(page, KERAS_FN)).to_be_visible()
    expect(box(page, "dev_cnn_1")).to_have_count(0)

    # Selecting a node shows its op, inputs and consumers.
    box(page, "IteratorGetNext").click()
    expect(panel_op(page)).to_have_text("IteratorGetNext")
    expect(page.get_by_test_id("panel-inputs")).to_contain_text("iterator")
    expect(page.get_by_test_id("panel-outputs")).to_contain_text("StatefulPartitionedCall")
    expect(page.get_by_test_id("panel-outputs")).to_contain_text("24\u00d716\u00d716\u00d73")
    expect(box(page, "IteratorGetNext")).to_have_class(re.compile("gv-selected"))

    # Search reaches into the collapsed function, opens its scopes and centres the node.
    search(page, "c1_1/convolution", f"{KERAS_FN}/dev_cnn_1/c1_1/convolution")
    # The node is also the scope of its ReadVariableOp, so it is drawn inside that scope, in parentheses.
    target = box(page, "(convolution)")
    expect(target).to_be_visible()
    expect(target).to_have_class(re.compile("gv-selected"))
    assert in_view(page, target)
    expect(panel_op(page)).to_have_text("Conv2D")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text(
        CRUMB.join([KERAS_FN, "dev_cnn_1", "c1_1", "convolution", "(convolution)"])
    )
    expect(page).to_have_url(re.compile(r"graphs\.node=" + re.escape("__inference")))
    # Following an input in the panel selects that node.
    page.get_by_test_id("panel-inputs").get_by_role("button", name=re.compile(r"convolution\/ReadVariableOp$")).click()
    expect(panel_op(page)).to_have_text("ReadVariableOp")


def test_keras_op_graph_link_reopens_the_selected_node(keras_server: Server, page: Page) -> None:
    node = f"{KERAS_FN}/dev_cnn_1/bn1_1/moments/mean"
    open_graph(page, keras_server, run=KERAS_RUN, node=node)
    expect(panel_op(page)).to_have_text("Mean")
    expect(box(page, "(mean)")).to_have_class(re.compile("gv-selected"))
    expect(frame(page, "moments")).to_be_visible()
    expect(frame(page, "mean")).to_be_visible()


# ---- Keras conceptual graph ------------------------------------------------------------------------------------


def test_keras_conceptual_graph_shows_layers(keras_server: Server, page: Page, shot: Any) -> None:
    layers = get_json(keras_server.url + "api/graphs/graph?" + urlencode({"run": KERAS_RUN, "tag": "keras"}))["nodes"]
    open_graph(page, keras_server, run=KERAS_RUN)
    page.get_by_role("combobox", name="Graph").select_option(label="Conceptual graph (Keras)")
    # The model is the only thing at the top level, so it opens: a box per layer.
    expect(frame(page, "dev_cnn")).to_be_visible()
    expect(page.locator(".gv-box")).to_have_count(len(layers))
    c1 = next(n for n in layers if n["name"] == "dev_cnn/c1")
    expect(box(page, "c1")).to_contain_text("Conv2D")
    expect(box(page, "c1")).to_contain_text("\u2192 ?\u00d716\u00d716\u00d78")
    expect(box(page, "c1")).to_contain_text(f"{c1['params']} params")
    # Closing the model leaves one box; opening it again shows its layers.
    frame(page, "dev_cnn").locator("rect").first.dblclick(position={"x": 30, "y": 12})
    expect(box(page, "dev_cnn")).to_contain_text(f"model \u00b7 {len(layers)} layers")
    expect(page.locator(".gv-box")).to_have_count(1)
    box(page, "dev_cnn").dblclick()
    expect(page.locator(".gv-box")).to_have_count(len(layers))
    search(page, "out", "dev_cnn/out")
    expect(panel_op(page)).to_have_text("Dense")
    expect(page.get_by_test_id("graph-panel")).to_contain_text("Parameters")
    shot(page, "graphs-keras-conceptual")


def test_nested_keras_model_expands(sample_server: Server, page: Page) -> None:
    open_graph(page, sample_server, run="run", tag="keras")
    expect(frame(page, "outer")).to_be_visible()
    nested = box(page, "block")
    expect(nested).to_contain_text("model · 2 layers")
    assert "d1" not in labels(page)
    nested.dblclick()
    expect(frame(page, "block")).to_be_visible()
    expect(box(page, "d1")).to_be_visible()
    expect(box(page, "act")).to_be_visible()
    box(page, "d1").click()
    expect(panel_op(page)).to_have_text("Dense")
    # Neighbours are named from the selected node's scope; the full name is their accessible name.
    inputs = page.get_by_test_id("panel-inputs")
    outputs = page.get_by_test_id("panel-outputs")
    expect(inputs.get_by_role("button", name="outer/x")).to_have_text("\u2026/x")
    expect(outputs.get_by_role("button", name="outer/block/act")).to_have_text("\u2026/act")


# ---- PyTorch traced graph --------------------------------------------------------------------------------------


def test_pytorch_graph(torch_server: Server, page: Page, shot: Any) -> None:
    graph = get_json(torch_server.url + "api/graphs/graph?" + urlencode({"run": TORCH_RUN}))
    open_graph(page, torch_server, run=TORCH_RUN)
    # The top level, collapsed: input and output beside the model; opening the model shows its layers.
    for name in ("input", "output", "SmallNet"):
        expect(box(page, name)).to_be_visible()
    assert "Linear[fc1]" not in labels(page)
    box(page, "SmallNet").dblclick()
    expect(frame(page, "SmallNet")).to_be_visible()
    for name in ("Conv2d[conv]", "Linear[fc1]", "Linear[fc2]"):
        expect(box(page, name)).to_be_visible()
    box(page, "Linear[fc1]").dblclick()
    expect(frame(page, "Linear[fc1]")).to_be_visible()
    expect(box(page, "116")).to_be_visible()
    box(page, "116").click()
    expect(panel_op(page)).to_have_text("aten::linear")
    expect(page.get_by_test_id("panel-outputs")).to_contain_text("2\u00d724")
    search(page, "input.5", "SmallNet/input.5")
    expect(panel_op(page)).to_have_text("aten::relu")
    # PyTorch's traced graph names inputs that are not nodes: listed, the rest drawn.
    problems = page.get_by_test_id("graph-problems")
    expect(problems).to_contain_text(f"{len(graph['problems'])} problems")
    problems.locator("summary").click()
    expect(problems).to_contain_text("SmallNet/Linear[fc1]/weight/weight.5")
    shot(page, "graphs-torch")


def test_open_scopes_survive_a_reload_and_a_link(torch_server: Server, page: Page) -> None:
    open_graph(page, torch_server, run=TORCH_RUN)
    box(page, "SmallNet").dblclick()
    box(page, "Linear[fc1]").dblclick()
    expect(frame(page, "Linear[fc1]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"graphs\.open="))
    page.reload()
    expect(frame(page, "SmallNet")).to_be_visible()
    expect(frame(page, "Linear[fc1]")).to_be_visible()
    expect(box(page, "116")).to_be_visible()
    # Collapse all closes everything, and the link says so.
    page.get_by_role("button", name="Collapse all").click()
    expect(box(page, "SmallNet")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"graphs\.open="))


def test_another_graph_does_not_inherit_open_scopes(keras_server: Server, page: Page) -> None:
    open_graph(page, keras_server, run=KERAS_RUN)
    scope(page, KERAS_FN).dblclick()
    expect(page.locator(f'.gv-scope[data-id="g:{KERAS_FN}"]')).to_be_visible()
    expect(page).to_have_url(re.compile(r"graphs\.open="))
    page.get_by_role("combobox", name="Graph").select_option(label="Conceptual graph (Keras)")
    expect(frame(page, "dev_cnn")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"graphs\.open="))


# ---- the large generated graph ---------------------------------------------------------------------------------


def test_large_graph_top_level_search_and_expand(large_server: Server, page: Page, shot: Any) -> None:
    open_graph(page, large_server, run="large")
    expect(page.get_by_test_id("graph-panel")).to_contain_text(f"{LARGE_NODES:,}")
    shown = labels(page)
    assert len(shown) < 30, shown
    assert "model" in shown
    # Repeated per-layer summaries at the top level are one series each.
    assert any(re.fullmatch("layer_\\[0\u2013\\d+\\]", s) for s in shown), shown

    box(page, "model").dblclick()
    expect(box(page, "encoder")).to_be_visible()
    box(page, "encoder").dblclick()
    series = page.locator('.gv-box[data-kind="series"][data-id^="s:model/encoder/"]')
    expect(series).to_contain_text(re.compile("layer_\\[0\u2013\\d+\\]"))
    series.dblclick()
    expect(box(page, "layer_3")).to_be_visible()
    box(page, "layer_3").dblclick()
    expect(box(page, "attention")).to_be_visible()

    page.get_by_role("button", name="Collapse all").click()
    expect(box(page, "model")).to_be_visible()
    search(page, "layer_17/attention/self/query/MatMul", "model/encoder/layer_17/attention/self/query/MatMul")
    target = page.locator(".gv-box.gv-selected")
    expect(target).to_have_attribute("data-label", "MatMul")
    assert in_view(page, target)
    expect(panel_op(page)).to_have_text("MatMul")
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text(
        CRUMB.join(["layer_17", "attention", "self", "query", "MatMul"])
    )
    shot(page, "graphs-large")


def test_large_graph_profile_and_device_colours(large_server: Server, page: Page) -> None:
    open_graph(page, large_server, run="large")
    legend = page.get_by_test_id("graph-legend")
    expect(legend).to_contain_text("Op type")
    page.get_by_role("button", name="Colour by: Device").click()
    expect(legend).to_contain_text("Device")
    expect(legend).to_contain_text("/job:")
    # No stats until a profile is overlaid.
    expect(page.get_by_role("button", name="Colour by: Compute")).to_have_count(0)
    page.get_by_role("combobox", name="Overlay a profile's stats").select_option("step_1")
    expect(page).to_have_url(re.compile(r"graphs\.profile=step_1"))
    page.get_by_role("button", name="Colour by: Compute").click()
    expect(legend).to_contain_text("Compute time")
    expect(legend.locator(".gv-ramp")).to_contain_text("µs")
    search(page, "layer_2/attention/self/query/MatMul", "model/encoder/layer_2/attention/self/query/MatMul")
    expect(page.get_by_test_id("graph-panel")).to_contain_text("Compute time")


# ---- malformed graphs, hostile names, export, view controls ------------------------------------------------------


def test_malformed_graph_lists_problems_and_draws_the_rest(malformed_server: Server, page: Page) -> None:
    page.add_init_script("window.__xss = 0")
    api = get_json(malformed_server.url + "api/graphs/graph?run=broken")
    open_graph(page, malformed_server, run="broken")
    problems = page.get_by_test_id("graph-problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text(f"{len(api['problems'])} problems")
    problems.locator("summary").click()
    for p in api["problems"]:
        expect(problems).to_contain_text(p["message"])
    kinds = {p["kind"] for p in api["problems"]}
    assert {"missing_input", "duplicate_name", "cycle"} <= kinds
    for name in ("input", "net", "loop"):
        expect(box(page, name)).to_be_visible()
    # A problem's node link reveals the node.
    problems.get_by_role("button", name="net/dense/MatMul").first.click()
    expect(panel_op(page)).to_have_text("MatMul")
    expect(page.get_by_test_id("panel-inputs")).to_contain_text("net/dense/kernel")

    # Names, ops and attributes that look like HTML are shown as text, never run or parsed.
    search(page, "onerror", f"{EVIL}/node")
    expect(panel_op(page)).to_have_text("<b>Bold</b>")
    expect(page.get_by_test_id("panel-name")).to_have_text(f"{EVIL}/node")
    expect(page.get_by_test_id("panel-attrs")).to_contain_text(EVIL)
    expect(page.locator(f'.gv-scope[data-id="g:{_attr(EVIL)}"]')).to_contain_text("<img src=x onerror")
    expect(box(page, "node")).to_contain_text("<b>Bold</b>")
    assert page.evaluate("window.__xss") == 0
    assert page.locator("main img, main b").count() == 0


def test_export_svg_and_png(keras_server: Server, page: Page, tmp_path: Path) -> None:
    open_graph(page, keras_server, run=KERAS_RUN)
    scope(page, KERAS_FN).dblclick()
    expect(page.locator(f'.gv-scope[data-id="g:{KERAS_FN}"]')).to_be_visible()
    with page.expect_download() as dl:
        page.get_by_test_id("export-svg").click()
    assert dl.value.suggested_filename.endswith(".svg")
    svg = Path(dl.value.path()).read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for name in ("StatefulPartitionedCall", "function · ", "dev_cnn_1", "adam"):
        assert name in texts
    # The whole drawing, not only what is on screen: one rectangle per box at least.
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) > page.locator(".gv-box").count()
    with page.expect_download() as dl:
        page.get_by_test_id("export-png").click()
    png = Path(dl.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_pan_zoom_fit_and_minimap(keras_server: Server, page: Page) -> None:
    open_graph(page, keras_server, run=KERAS_RUN)
    canvas = page.get_by_test_id("graph-canvas")
    g = canvas.locator("svg > g").first
    start = g.get_attribute("transform")
    target = box(page, "IteratorGetNext")
    before = target.bounding_box()
    assert before is not None
    page.get_by_role("button", name="Zoom in").click()
    after = target.bounding_box()
    assert after is not None and after["width"] > before["width"] * 1.2
    cb = canvas.bounding_box()
    assert cb is not None
    page.mouse.move(cb["x"] + 40, cb["y"] + 40)
    page.mouse.down()
    page.mouse.move(cb["x"] + 140, cb["y"] + 90, steps=5)
    page.mouse.up()
    moved = target.bounding_box()
    assert moved is not None and abs(moved["x"] - after["x"] - 100) < 2
    page.get_by_role("button", name="Fit to screen").click()
    assert g.get_attribute("transform") == start
    page.get_by_role("img", name=re.compile("Minimap")).click(position={"x": 10, "y": 10})
    assert g.get_attribute("transform") != start


def test_dark_theme(keras_server: Server, page_factory: Callable[..., Any], shot: Any) -> None:
    page = page_factory(color_scheme="dark")
    open_graph(page, keras_server, run=KERAS_RUN)
    bg = page.get_by_test_id("graph-canvas").evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg == "rgb(23, 27, 31)"
    fill = box(page, "IteratorGetNext").locator("rect.gv-rect").get_attribute("fill") or ""
    lightness = re.search(r"(\d+)%\)$", fill)
    assert lightness and int(lightness.group(1)) < 40, fill
    shot(page, "graphs-keras-dark")


def test_keyboard(keras_server: Server, page: Page) -> None:
    open_graph(page, keras_server, run=KERAS_RUN)
    # "/" goes to the search box.
    page.keyboard.press("/")
    expect(page.get_by_role("combobox", name="Search nodes by name")).to_be_focused()
    page.keyboard.type("IteratorGetNext")
    page.keyboard.press("Enter")
    expect(panel_op(page)).to_have_text("IteratorGetNext")
    # A focused box: Enter selects it, Enter again opens it; Escape clears the selection.
    fn = scope(page, KERAS_FN)
    fn.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("graph-panel")).to_contain_text("Function")
    page.keyboard.press("Enter")
    expect(page.locator(f'.gv-scope[data-id="g:{KERAS_FN}"]')).to_be_visible()
    page.get_by_test_id("graph-canvas").focus()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("graph-panel")).to_contain_text("Click a box to see its details")
