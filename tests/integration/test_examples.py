"""Every script in ``examples/`` runs as a user runs it and writes the kind of data it is named after.

Each script runs once, in a subprocess, with ``--logdir`` set to a temporary directory; what it wrote is then read
with TensorBoard's own reader (proof that TensorBoard shows it) and with Telescope's ``read_<kind>`` functions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.util.tensor_util import make_ndarray

from telescope.writer import SummaryWriter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# One math thread: these models are tiny, and on a busy shared machine a second thread waiting for a core makes
# PyTorch several times slower, not faster.
SMALL_MODEL_ENV = {"OMP_NUM_THREADS": "1"}


def run_example(name: str, logdir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``examples/<name>`` with ``--logdir``; return its output, failing with it when the script fails."""
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--logdir", str(logdir), *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=logdir.parent,
        env={**os.environ, **SMALL_MODEL_ENV, **(env or {})},
    )
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    # Every example ends by saying how to look at what it wrote.
    assert f"telescope --logdir {logdir}" in proc.stdout, proc.stdout
    return proc.stdout


def load(logdir: Path) -> plugin_event_multiplexer.EventMultiplexer:
    mux = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0, "scalars": 0})
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    return mux


def tags(mux: plugin_event_multiplexer.EventMultiplexer, plugin: str) -> dict[str, set[str]]:
    return {run: set(found) for run, found in mux.PluginRunToTagToContent(plugin).items() if found}


def steps(mux: plugin_event_multiplexer.EventMultiplexer, run: str, tag: str) -> list[int]:
    return [e.step for e in mux.Tensors(run, tag)]


# -- what each example must have written ------------------------------------------------------------------------


def check_scalars(logdir: Path, mux: Any) -> None:
    found = tags(mux, "scalars")
    for run in ("lr_0.1", "lr_0.01"):
        assert {"train/loss", "train/accuracy", "optim/lr"} <= found[run]
        assert steps(mux, run, "train/loss") == list(range(500))
    # add_scalars: one sub-run per key, holding the main tag.
    assert found["lr_0.1/losses_train"] == {"losses"} and found["lr_0.1/losses_validation"] == {"losses"}


def check_histograms(logdir: Path, mux: Any) -> None:
    found = tags(mux, "histograms")
    assert found == {".": {"normal/moving_mean", "normal/shrinking_stddev", "bimodal", "uniform_int"}}
    assert steps(mux, ".", "bimodal") == list(range(50))


def check_images(logdir: Path, mux: Any) -> None:
    found = tags(mux, "images")
    assert found == {".": {"pattern", "batch", "figure", "video"}}
    assert steps(mux, ".", "pattern") == list(range(5))
    # An image tensor holds [width, height, encoded image...]; the batch is one grid wider than one image.
    width, height = (int(v) for v in mux.Tensors(".", "batch")[0].tensor_proto.string_val[:2])
    assert width > 32 and height >= 32


def check_audio(logdir: Path, mux: Any) -> None:
    found = tags(mux, "audio")
    assert found == {".": {"rising_tone", "a_major_chord"}}
    assert steps(mux, ".", "rising_tone") == [0, 1, 2, 3]
    clip = mux.Tensors(".", "a_major_chord")[0].tensor_proto.string_val[0]
    assert clip[:4] == b"RIFF" and clip[8:12] == b"WAVE"


def check_text(logdir: Path, mux: Any) -> None:
    found = tags(mux, "text")["."]
    (notes,) = (t for t in found if t.startswith("notes"))
    (sample,) = (t for t in found if t.startswith("generated_sample"))
    assert steps(mux, ".", sample) == [0, 1, 2]
    text = mux.Tensors(".", notes)[0].tensor_proto.string_val[0].decode()
    assert "| epoch | loss | accuracy |" in text


def check_pr_curves(logdir: Path, mux: Any) -> None:
    found = tags(mux, "pr_curves")
    assert found == {".": {"pr/cat", "pr/dog", "pr/bird"}}
    assert steps(mux, ".", "pr/cat") == list(range(5))
    shape = [d.size for d in mux.Tensors(".", "pr/dog")[0].tensor_proto.tensor_shape.dim]
    assert shape == [6, 101]  # TP, FP, TN, FN, precision, recall at 101 thresholds


def check_custom_scalars(logdir: Path, mux: Any) -> None:
    from tensorboard.plugins.custom_scalar import layout_pb2

    (run,) = tags(mux, "custom_scalars")
    (tag,) = tags(mux, "custom_scalars")[run]
    layout = layout_pb2.Layout.FromString(mux.Tensors(run, tag)[0].tensor_proto.string_val[0])
    charts = {chart.title: chart for category in layout.category for chart in category.chart}
    assert set(charts) == {"losses", "reward with spread"}
    assert list(charts["losses"].multiline.tag) == ["loss/train", "loss/validation"]
    assert charts["reward with spread"].margin.series[0].value == "reward/mean"
    assert {"loss/train", "loss/validation", "reward/mean", "reward/min", "reward/max"} <= tags(mux, "scalars")[run]


def check_mesh(logdir: Path, mux: Any) -> None:
    found = tags(mux, "mesh")["."]
    assert {t for t in found if t.startswith("icosahedron")} >= {"icosahedron_VERTEX", "icosahedron_FACE"}
    vertices = mux.Tensors(".", "icosahedron_VERTEX")[0].tensor_proto
    assert [d.size for d in vertices.tensor_shape.dim] == [1, 12, 3]
    assert steps(mux, ".", "spiral_VERTEX") == [0, 1, 2]


def check_hparams(logdir: Path, mux: Any) -> None:
    found = tags(mux, "hparams")
    runs = {p.name for p in logdir.iterdir() if p.is_dir()}
    assert len(runs) == 8
    scalars = tags(mux, "scalars")
    for run in runs:
        # The hparams and the metrics are in the run that holds the curves (same_run=True).
        assert any("session_start_info" in t for t in found[run]), found.get(run)
        assert {"loss", "hparam/accuracy", "hparam/loss"} <= scalars[run]


def check_graph_torch(logdir: Path, mux: Any) -> None:
    from tensorboard.compat.proto import graph_pb2

    assert mux.Runs()["."]["graph"]
    graph: graph_pb2.GraphDef = mux.Graph(".")
    ops = {node.op for node in graph.node}
    assert any("conv" in op.lower() for op in ops), ops
    assert any("linear" in op.lower() or "addmm" in op.lower() for op in ops), ops


def check_embeddings(logdir: Path, mux: Any) -> None:
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    configs = list(logdir.rglob("projector_config.pbtxt"))
    assert configs, "no projector_config.pbtxt"
    config = text_format.Parse(configs[0].read_text(), projector_config_pb2.ProjectorConfig())
    by_name = {e.tensor_name: e for e in config.embeddings}
    assert {n.split(":")[0] for n in by_name} >= {"digits_pixels", "digits_projection"}
    for embedding in config.embeddings:
        rows = (configs[0].parent / embedding.tensor_path).read_text().splitlines()
        labels = (configs[0].parent / embedding.metadata_path).read_text().splitlines()
        dims = 64 if embedding.tensor_name.startswith("digits_pixels") else 16
        assert len(rows) == 500 and all(len(r.split("\t")) == dims for r in rows)
        if embedding.tensor_name.startswith("digits_projection"):
            assert labels[0] == "digit\tparity" and len(labels) == 501
        else:
            assert len(labels) == 500 and embedding.sprite.single_image_dim == [8, 8]


# -- what Telescope's read functions must find in it -------------------------------------------------------------


def read_scalars(logdir: Path, mux: Any, df: Any) -> None:
    loss = df[(df.run == "lr_0.01") & (df.tag == "train/loss")]
    assert loss.step.tolist() == list(range(500))
    expected = [float(make_ndarray(e.tensor_proto)) for e in mux.Tensors("lr_0.01", "train/loss")]
    assert loss.value.tolist() == pytest.approx(expected)
    assert set(df[df.run == "lr_0.1/losses_train"].tag) == {"losses"}


def read_histograms(logdir: Path, mux: Any, df: Any) -> None:
    assert set(df.tag) == tags(mux, "histograms")["."]
    bimodal = df[df.tag == "bimodal"]
    assert bimodal.step.tolist() == list(range(50))
    assert all(
        sum(counts) == 1000 and len(edges) == len(counts) + 1
        for edges, counts in zip(bimodal.edges, bimodal.counts, strict=True)
    )


def read_images(logdir: Path, mux: Any, df: Any) -> None:
    assert set(df.tag) == {"pattern", "batch", "figure", "video"}
    pattern = df[df.tag == "pattern"]
    assert pattern.step.tolist() == list(range(5))
    assert (pattern.width.tolist()[0], pattern.height.tolist()[0]) == (64, 64)
    assert all(bytes(data[:4]) == b"\x89PNG" for data in pattern.data)


def read_audio(logdir: Path, mux: Any, df: Any) -> None:
    assert set(df.tag) == {"rising_tone", "a_major_chord"}
    assert set(df.sample_rate) == {16000}
    assert all(bytes(data[:4]) == b"RIFF" for data in df.data)


def read_text(logdir: Path, mux: Any, df: Any) -> None:
    notes = df[df.tag.str.startswith("notes")]
    assert "| epoch | loss | accuracy |" in str(notes.text.tolist()[0])
    assert df[df.tag.str.startswith("generated_sample")].step.tolist() == [0, 1, 2]


def read_pr_curves(logdir: Path, mux: Any, df: Any) -> None:
    assert set(df.tag) == {"pr/cat", "pr/dog", "pr/bird"}
    assert df[df.tag == "pr/cat"].step.tolist() == list(range(5))
    assert all(len(p) == 101 and len(r) == 101 for p, r in zip(df.precision, df.recall, strict=True))


def read_custom_scalars(logdir: Path, mux: Any, df: Any) -> None:
    assert set(df.title) == {"losses", "reward with spread"}
    assert set(df.category) == {"Training"}


def read_mesh(logdir: Path, mux: Any, df: Any) -> None:
    import numpy as np

    ico = df[df.tag.str.startswith("icosahedron")]
    assert np.asarray(ico.vertices.tolist()[0]).reshape(-1, 3).shape == (12, 3)
    assert np.asarray(ico.faces.tolist()[0]).reshape(-1, 3).shape == (20, 3)
    assert df[df.tag.str.startswith("spiral")].step.tolist() == [0, 1, 2]


def read_hparams(logdir: Path, mux: Any, df: Any) -> None:
    assert len(df) == 8
    assert {"lr", "batch_size", "optimizer", "hparam/accuracy", "hparam/loss"} <= set(df.columns)
    assert set(df.optimizer) == {"adam", "sgd"}


def read_graphs(logdir: Path, mux: Any, df: Any) -> None:
    from tensorboard.compat.proto import graph_pb2

    (op,) = df[df.kind == "op"].data
    graph = graph_pb2.GraphDef.FromString(bytes(op))
    assert len(graph.node) == len(mux.Graph(".").node)


def read_embeddings(logdir: Path, mux: Any, df: Any) -> None:
    import numpy as np

    assert {str(name).split(":")[0] for name in df.tensor_name} == {"digits_pixels", "digits_projection"}
    assert sorted(np.asarray(t).shape for t in df.tensors) == [(500, 16), (500, 64)]


Check = Callable[[Path, Any], None]
Read = Callable[[Path, Any, Any], None]

# script: (writer methods it uses, TensorBoard check, the kind Telescope reads, Telescope check)
EXAMPLE_CHECKS: dict[str, tuple[tuple[str, ...], Check, str, Read]] = {
    "scalars.py": (("add_scalar", "add_scalars"), check_scalars, "scalars", read_scalars),
    "histograms.py": (("add_histogram",), check_histograms, "histograms", read_histograms),
    "images.py": (("add_image", "add_images", "add_figure", "add_video"), check_images, "images", read_images),
    "audio.py": (("add_audio",), check_audio, "audio", read_audio),
    "text.py": (("add_text",), check_text, "text", read_text),
    "pr_curves.py": (("add_pr_curve",), check_pr_curves, "pr_curves", read_pr_curves),
    "custom_scalars.py": (("add_custom_scalars",), check_custom_scalars, "custom_scalars", read_custom_scalars),
    "mesh.py": (("add_mesh",), check_mesh, "mesh", read_mesh),
    "hparams.py": (("add_hparams",), check_hparams, "hparams", read_hparams),
    "graph_torch.py": (("add_graph",), check_graph_torch, "graphs", read_graphs),
    "embeddings.py": (("add_embedding",), check_embeddings, "embeddings", read_embeddings),
}


@pytest.fixture(scope="module")
def example_logdir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Run an example once per module; give its logdir."""
    done: dict[str, Path] = {}

    def get(script: str) -> Path:
        if script not in done:
            logdir = tmp_path_factory.mktemp(script.removesuffix(".py")) / "logs"
            run_example(script, logdir)
            done[script] = logdir
        return done[script]

    return get


def test_every_example_is_tested_and_listed_in_the_readme() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    framework = {"keras_cnn.py", "lightning_mnist_like.py"}  # tested in test_examples_frameworks below
    assert scripts == set(EXAMPLE_CHECKS) | framework
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    missing = [s for s in sorted(scripts) if s not in readme]
    assert not missing, f"examples/README.md does not list {missing}"


def test_examples_use_only_writer_methods_that_exist() -> None:
    used = {m for methods, *_ in EXAMPLE_CHECKS.values() for m in methods}
    assert {m for m in used if not hasattr(SummaryWriter, m)} == set()
    for script, (methods, *_) in EXAMPLE_CHECKS.items():
        source = (EXAMPLES / script).read_text(encoding="utf-8")
        assert all(f".{m}(" in source for m in methods), script


@pytest.mark.parametrize("script", sorted(EXAMPLE_CHECKS))
def test_example_writes_its_kind(script: str, example_logdir: Callable[[str], Path]) -> None:
    logdir = example_logdir(script)
    EXAMPLE_CHECKS[script][1](logdir, load(logdir))


@pytest.mark.parametrize("script", sorted(EXAMPLE_CHECKS))
def test_telescope_reads_the_example(script: str, example_logdir: Callable[[str], Path], tmp_path: Path) -> None:
    import telescope

    logdir = example_logdir(script)
    _, _, kind, check = EXAMPLE_CHECKS[script]
    df = getattr(telescope, f"read_{kind}")(logdir, db=tmp_path / "index.sqlite")
    check(logdir, load(logdir), df)


def test_example_keras_cnn(tmp_path: Path) -> None:
    """The Keras example on the torch backend (its callback is tested in depth in test_keras_callback.py)."""
    logdir = tmp_path / "logs"
    out = run_example("keras_cnn.py", logdir, "--epochs", "1", "--samples", "300", env={"KERAS_BACKEND": "torch"})
    assert "Keras backend: torch" in out
    mux = load(logdir)
    assert tags(mux, "scalars")["validation"] >= {"epoch_loss", "epoch_accuracy"}
    assert any(t.endswith("/kernel/histogram") for t in tags(mux, "histograms")["train"])
    assert tags(mux, "graph_keras_model") == {"train": {"keras"}}


def test_example_lightning(tmp_path: Path) -> None:
    """The Lightning example (its logger is tested in depth in test_lightning_logger.py)."""
    logdir = tmp_path / "logs"
    run_example("lightning_mnist_like.py", logdir, "--epochs", "2", "--samples", "300")
    mux = load(logdir)
    run = "digits/version_0"
    assert tags(mux, "scalars")[run] >= {"train_loss", "val_loss", "val_acc", "hp_metric"}
    assert mux.Runs()[run]["graph"]
    assert (logdir / run / "hparams.yaml").read_text(encoding="utf-8").count(":") >= 3
