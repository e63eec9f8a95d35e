"""``telescope.keras.TensorBoard`` in a real Keras training, on the torch backend, without TensorFlow.

The Keras example trains in a subprocess (Keras picks its backend at import, so it cannot share this process);
its logdir is then read with TensorBoard's own reader and with Telescope, and compared with what Keras's own
callback wrote in the ``keras_dev`` fixture.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.util.tensor_util import make_ndarray

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 2
SAMPLES = 400  # 320 to train, 80 to validate: batches of 32, so 10 training iterations per epoch
BATCHES_PER_EPOCH = math.ceil(SAMPLES * 0.8 / 32)
UPDATE_FREQ = 4
# One math thread: the model is tiny, and on a busy shared machine a second thread waiting for a core makes
# PyTorch several times slower, not faster.
SMALL_MODEL_ENV = {"OMP_NUM_THREADS": "1"}

# Run the example and report, from inside the training process, whether TensorFlow got imported.
DRIVER = """
import runpy, sys
sys.argv = [sys.argv[1], *sys.argv[2:]]
runpy.run_path(sys.argv[0], run_name="__main__")
print("TENSORFLOW_IMPORTED", "tensorflow" in sys.modules)
"""


@dataclass
class Training:
    logdir: Path
    stdout: str
    mux: plugin_event_multiplexer.EventMultiplexer

    def tags(self, plugin: str) -> dict[str, set[str]]:
        return {run: set(found) for run, found in self.mux.PluginRunToTagToContent(plugin).items() if found}

    def scalars(self, run: str, tag: str) -> list[tuple[int, float]]:
        return [(e.step, float(make_ndarray(e.tensor_proto))) for e in self.mux.Tensors(run, tag)]


def load(logdir: Path) -> plugin_event_multiplexer.EventMultiplexer:
    mux = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0})
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    return mux


@pytest.fixture(scope="module")
def training(tmp_path_factory: pytest.TempPathFactory) -> Training:
    logdir = tmp_path_factory.mktemp("keras") / "logs"
    script = ROOT / "examples" / "keras_cnn.py"
    args = ["--logdir", str(logdir), "--epochs", str(EPOCHS), "--samples", str(SAMPLES)]
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(script), *args, "--update-freq", str(UPDATE_FREQ)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KERAS_BACKEND": "torch", **SMALL_MODEL_ENV},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Training(logdir, proc.stdout, load(logdir))


def test_trains_on_torch_without_tensorflow(training: Training) -> None:
    assert importlib.util.find_spec("tensorflow") is None, "TensorFlow is installed: this test proves nothing"
    assert "Keras backend: torch" in training.stdout
    assert "TENSORFLOW_IMPORTED False" in training.stdout
    assert f"telescope --logdir {training.logdir}" in training.stdout


def test_runs_and_epoch_metrics(training: Training) -> None:
    scalars = training.tags("scalars")
    assert set(scalars) == {"train", "validation"}
    assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} <= scalars["train"]
    assert {"epoch_loss", "epoch_accuracy"} <= scalars["validation"]
    for run in ("train", "validation"):
        for tag in ("epoch_loss", "epoch_accuracy"):
            points = training.scalars(run, tag)
            assert [step for step, _ in points] == list(range(EPOCHS)), (run, tag)
            assert all(math.isfinite(v) for _, v in points)
    assert all(0 <= v <= 1 for _, v in training.scalars("validation", "epoch_accuracy"))
    assert training.scalars("train", "epoch_learning_rate") == [(e, pytest.approx(1e-3)) for e in range(EPOCHS)]


def test_evaluation_vs_iterations(training: Training) -> None:
    validation = training.tags("scalars")["validation"]
    assert {"evaluation_loss_vs_iterations", "evaluation_accuracy_vs_iterations"} <= validation
    points = training.scalars("validation", "evaluation_loss_vs_iterations")
    assert [step for step, _ in points] == [BATCHES_PER_EPOCH * (e + 1) for e in range(EPOCHS)]
    # The same numbers as the epoch's validation loss, at the training iteration instead of the epoch.
    epoch = [v for _, v in training.scalars("validation", "epoch_loss")]
    assert [v for _, v in points] == pytest.approx(epoch)


def test_batch_metrics_every_update_freq(training: Training) -> None:
    train = training.tags("scalars")["train"]
    assert {"batch_loss", "batch_accuracy"} <= train
    steps = [step for step, _ in training.scalars("train", "batch_loss")]
    total = BATCHES_PER_EPOCH * EPOCHS
    assert steps == list(range(UPDATE_FREQ, total + 1, UPDATE_FREQ))
    assert not any(t.startswith("batch_") for t in training.tags("scalars")["validation"])


def layers_of(training: Training) -> tuple[str, list[dict[str, Any]]]:
    content = training.mux.Tensors("train", "keras")[0].tensor_proto.string_val[0]
    config = json.loads(content)
    assert config["class_name"] == "Sequential"
    return config["config"]["name"], config["config"]["layers"]


def test_layer_graph(training: Training) -> None:
    assert training.tags("graph_keras_model") == {"train": {"keras"}}
    (event,) = training.mux.Tensors("train", "keras")
    assert event.step == 0
    model_name, layers = layers_of(training)
    assert model_name == "digits_cnn"
    names = [layer["config"]["name"] for layer in layers if layer["class_name"] != "InputLayer"]
    assert names == ["conv1", "pool1", "conv2", "dropout", "flatten", "dense", "out"]


def test_weight_histograms_per_layer_per_epoch(training: Training) -> None:
    model_name, layers = layers_of(training)
    expected = {
        f"{model_name}/{layer['config']['name']}/{weight}/histogram"
        for layer in layers
        if layer["class_name"] in ("Conv2D", "Dense")
        for weight in ("kernel", "bias")
    }
    histograms = training.tags("histograms")
    assert set(histograms) == {"train"}
    assert histograms["train"] == expected
    for tag in expected:
        events = training.mux.Tensors("train", tag)
        assert [e.step for e in events] == list(range(EPOCHS)), tag
    # A dense kernel's histogram counts all its weights: 10 outputs of 64 inputs.
    buckets = make_ndarray(training.mux.Tensors("train", f"{model_name}/out/kernel/histogram")[0].tensor_proto)
    assert buckets[:, 2].sum() == pytest.approx(64 * 10)  # columns: left edge, right edge, count


def test_weight_images(training: Training) -> None:
    model_name, _ = layers_of(training)
    images = training.tags("images")["train"]
    weights = {t.removesuffix("/histogram") for t in training.tags("histograms")["train"]}
    assert {t.removesuffix("/image") for t in images} <= weights
    # Biases and dense kernels always have an image; conv2's 3x3x16x32 kernel has none (as with Keras).
    for layer in ("conv1", "conv2", "dense", "out"):
        assert f"{model_name}/{layer}/bias/image" in images
    assert f"{model_name}/out/kernel/image" in images
    assert f"{model_name}/conv2/kernel/image" not in images
    # The out kernel (64 inputs x 10 outputs) is shown wider than tall, as Keras shows it.
    events = training.mux.Tensors("train", f"{model_name}/out/kernel/image")
    assert [e.step for e in events] == list(range(EPOCHS))
    width, height = (int(v) for v in events[0].tensor_proto.string_val[:2])
    assert (width, height) == (64, 10)


def test_telescope_reads_the_same_scalars(training: Training, tmp_path: Path) -> None:
    import telescope

    df = telescope.read_scalars(training.logdir, db=tmp_path / "index.sqlite")
    for run in ("train", "validation"):
        for tag in ("epoch_loss", "epoch_accuracy"):
            rows = df[(df.run == run) & (df.tag == tag)]
            expected = training.scalars(run, tag)
            assert rows.step.tolist() == [s for s, _ in expected]
            assert rows.value.tolist() == pytest.approx([v for _, v in expected])
    assert set(df[df.run == "validation"].tag) >= {"evaluation_loss_vs_iterations"}


def read(kind: str, logdir: Path, db: Path) -> Any:
    import telescope

    return getattr(telescope, f"read_{kind}")(logdir, db=db)


def test_telescope_reads_histograms(training: Training, tmp_path: Path) -> None:
    df = read("histograms", training.logdir, tmp_path / "index.sqlite")
    assert set(df.tag) == training.tags("histograms")["train"]
    assert set(df.run) == {"train"}
    for tag, rows in df.groupby("tag"):
        assert rows.step.tolist() == list(range(EPOCHS)), tag
    model_name, _ = layers_of(training)
    (counts, *_) = df[df.tag == f"{model_name}/out/kernel/histogram"].counts
    assert sum(counts) == pytest.approx(64 * 10)


def test_telescope_reads_weight_images(training: Training, tmp_path: Path) -> None:
    df = read("images", training.logdir, tmp_path / "index.sqlite")
    assert set(df.tag) == training.tags("images")["train"]
    model_name, _ = layers_of(training)
    out = df[df.tag == f"{model_name}/out/kernel/image"]
    assert out.step.tolist() == list(range(EPOCHS))
    assert (out.width.tolist()[0], out.height.tolist()[0]) == (64, 10)


def test_telescope_reads_the_layer_graph(training: Training, tmp_path: Path) -> None:
    df = read("graphs", training.logdir, tmp_path / "index.sqlite")
    (data,) = df[(df.run == "train") & (df.kind == "keras")].data
    config = json.loads(bytes(data) if not isinstance(data, str) else data)
    assert config["config"]["name"] == layers_of(training)[0]


def shape_of(tag: str) -> str:
    """A tag with the model's and layers' names replaced, so two models' tags can be compared."""
    return re.sub(r"^[^/]+/[^/]+/([^/]+)/(histogram|image)$", r"<model>/<layer>/\1/\2", tag)


def test_same_tags_and_kinds_as_keras_own_callback(
    training: Training, fixture_logdir: Callable[[str], Path], manifest: Callable[[str], dict[str, Any]]
) -> None:
    """Keras's callback (with TensorFlow) wrote the keras_dev fixture: our runs, tag shapes and kinds match it."""
    keras_fit = next(p for p in (fixture_logdir("keras_dev") / "logs" / "fit").iterdir() if p.is_dir())
    theirs = load(keras_fit)
    m = manifest("keras_dev")["runs"]
    ours_by_kind: dict[str, dict[str, set[str]]] = {}
    theirs_by_kind: dict[str, dict[str, set[str]]] = {}
    for plugin in ("scalars", "histograms", "images", "graph_keras_model"):
        ours_by_kind[plugin] = {r: {shape_of(t) for t in ts} for r, ts in training.tags(plugin).items()}
        theirs_by_kind[plugin] = {
            r: {shape_of(t) for t in ts} for r, ts in theirs.PluginRunToTagToContent(plugin).items() if ts
        }
    # The fixture's reader found the same thing as ours (guards against reading the wrong directory).
    run = f"logs/fit/{keras_fit.name}/train"
    assert {shape_of(t) for t in m[run]["plugins"]["histograms"]} == theirs_by_kind["histograms"]["train"]

    # Batch metrics exist only because this training used update_freq; Keras's run used "epoch".
    ours_by_kind["scalars"]["train"] = {t for t in ours_by_kind["scalars"]["train"] if not t.startswith("batch_")}
    assert ours_by_kind["scalars"] == theirs_by_kind["scalars"]
    assert ours_by_kind["graph_keras_model"] == theirs_by_kind["graph_keras_model"] == {"train": {"keras"}}
    # Both models have kernels and biases; Keras's also has batch-norm weights, ours has none.
    assert ours_by_kind["histograms"]["train"] == {
        t for t in theirs_by_kind["histograms"]["train"] if re.search(r"/(kernel|bias)/", t)
    }
    assert ours_by_kind["images"]["train"] <= theirs_by_kind["images"]["train"] | {"<model>/<layer>/kernel/image"}


def test_import_telescope_does_not_import_keras() -> None:
    code = "import sys, telescope, telescope.writer; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is not None, reason="TensorFlow is installed")
def test_missing_backend_is_a_clear_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import telescope.keras"],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": "tensorflow"},
    )
    assert proc.returncode != 0
    last_line = proc.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ImportError:")
    assert "'tensorflow' is missing" in last_line and "KERAS_BACKEND" in last_line


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_other_backends(backend: str, tmp_path: Path) -> None:
    """The same callback on Keras's other backends, where they are installed (CI installs only torch)."""
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    logdir = tmp_path / "logs"
    script = ROOT / "examples" / "keras_cnn.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--logdir", str(logdir), "--epochs", "1", "--samples", "200"],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "KERAS_BACKEND": backend, **SMALL_MODEL_ENV},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Keras backend: {backend}" in proc.stdout
    mux = load(logdir)
    scalars = {run: set(tags) for run, tags in mux.PluginRunToTagToContent("scalars").items()}
    assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} <= scalars["train"]
    assert {"epoch_loss", "evaluation_loss_vs_iterations"} <= scalars["validation"]
    histograms = mux.PluginRunToTagToContent("histograms")["train"]
    assert "digits_cnn/out/kernel/histogram" in histograms
    assert set(mux.PluginRunToTagToContent("graph_keras_model")["train"]) == {"keras"}


# -- the callback's other options, in one more Keras process ------------------------------------------------------

SCENARIOS = """
import sys, numpy as np, keras
import telescope.keras as tk

root = sys.argv[1]
keras.utils.set_random_seed(0)

# A functional model with an Embedding layer: layer graph, embeddings with labels, steps per second.
inp = keras.Input((5,), dtype="int32")
x = keras.layers.Embedding(20, 4, name="tokens")(inp)
x = keras.layers.GlobalAveragePooling1D()(x)
model = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid", name="out")(x), name="func")
model.compile("adam", "binary_crossentropy")
with open(root + "/labels.tsv", "w") as f:
    f.write("".join(f"token{i}\\n" for i in range(20)))
tokens, targets = np.random.randint(0, 20, (64, 5)), np.random.randint(0, 2, (64, 1))
cb = tk.TensorBoard(root + "/func", embeddings_freq=1, embeddings_metadata={"tokens": root + "/labels.tsv"},
                    write_steps_per_second=True, update_freq="batch")
model.fit(tokens, targets, epochs=2, batch_size=16, verbose=0, callbacks=[cb])

# Two fit() calls with one callback, then evaluate(): batch steps go on, evaluation is at the iteration.
seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="d")], name="seq")
seq.compile(keras.optimizers.SGD(0.01), "mse")
cb = tk.TensorBoard(root + "/twice", update_freq=2)
xs, ys = np.random.rand(40, 3), np.random.rand(40, 1)
seq.fit(xs, ys, epochs=1, batch_size=10, verbose=0, callbacks=[cb])
seq.fit(xs, ys, epochs=2, initial_epoch=1, batch_size=10, verbose=0, callbacks=[cb])
seq.evaluate(xs, ys, batch_size=10, verbose=0, callbacks=[cb])

unknown_layer = {"embeddings_freq": 1, "embeddings_metadata": {"x": "y"}}
for bad in ({"update_freq": "often"}, {"profile_batch": 3}, unknown_layer):
    try:
        tk.TensorBoard(root + "/bad", **bad).set_model(model)
    except ValueError as e:
        print("ValueError:", e)
"""


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("keras_scenarios")
    proc = subprocess.run(
        [sys.executable, "-c", SCENARIOS, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KERAS_BACKEND": "torch", **SMALL_MODEL_ENV},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root, proc.stdout


def test_functional_model_graph_and_embeddings(scenarios: tuple[Path, str]) -> None:
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    root, _ = scenarios
    mux = load(root / "func")
    (content,) = mux.Tensors("train", "keras")
    config = json.loads(content.tensor_proto.string_val[0])
    assert config["class_name"] == "Functional"
    assert [layer["name"] for layer in config["config"]["layers"]][1:] == ["tokens", "global_average_pooling1d", "out"]

    projector = root / "func" / "train" / "projector_config.pbtxt"
    parsed = text_format.Parse(projector.read_text(), projector_config_pb2.ProjectorConfig())
    assert len(parsed.embeddings) == 2  # one per epoch
    for embedding in parsed.embeddings:
        assert embedding.tensor_name.startswith("tokens")
        rows = (projector.parent / embedding.tensor_path).read_text().splitlines()
        labels = (projector.parent / embedding.metadata_path).read_text().splitlines()
        assert len(rows) == 20 and len(rows[0].split("\t")) == 4
        assert labels == [f"token{i}" for i in range(20)]


def test_steps_per_second(scenarios: tuple[Path, str]) -> None:
    root, _ = scenarios
    mux = load(root / "func")
    epoch = [float(make_ndarray(e.tensor_proto)) for e in mux.Tensors("train", "epoch_steps_per_second")]
    batch = [e.step for e in mux.Tensors("train", "batch_steps_per_second")]
    assert len(epoch) == 2 and all(v > 0 for v in epoch)
    assert batch == list(range(1, 9))  # update_freq="batch": 4 batches per epoch, 2 epochs


def test_batch_steps_continue_across_fit_calls_and_evaluate(scenarios: tuple[Path, str]) -> None:
    root, _ = scenarios
    mux = load(root / "twice")
    assert [e.step for e in mux.Tensors("train", "batch_loss")] == [2, 4, 6, 8]
    assert [e.step for e in mux.Tensors("train", "epoch_loss")] == [0, 1]
    # No validation data in fit(): only evaluate() wrote, at the optimizer's iteration count after 8 batches.
    assert [e.step for e in mux.Tensors("validation", "evaluation_loss_vs_iterations")] == [8]
    assert set(mux.PluginRunToTagToContent("scalars")["validation"]) == {"evaluation_loss_vs_iterations"}


def test_bad_arguments_are_clear_errors(scenarios: tuple[Path, str]) -> None:
    _, out = scenarios
    errors = [line for line in out.splitlines() if line.startswith("ValueError:")]
    assert len(errors) == 3
    assert "update_freq" in errors[0] and "'often'" in errors[0]
    assert "profile_batch=3" in errors[1] and "profiler" in errors[1]
    assert "not Embedding layers" in errors[2] and "['x']" in errors[2]
