"""TensorBoard reads what our writer writes for pr_curves, custom_scalars, mesh, hparams, graphs and embeddings,
and finds the same values as in what ``torch.utils.tensorboard`` and tensorboardX write for the same calls.

Each writer makes the same calls into its own logdir; TensorBoard's Python backend (its own plugins, parsers and
HTTP routes, run in-process) then serves each logdir, and the answers are compared.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorboard")
pytest.importorskip("tensorboardX")

nn = torch.nn
WRITERS = ("ours", "torch", "tbx")
RUN = "run"

rng = np.random.default_rng(7)
LABELS = rng.integers(0, 2, 200)
PREDICTIONS = rng.random(200)
RAW = [rng.random(5) for _ in range(6)]
LAYOUT = {
    "Losses": {
        "train vs val": ["Multiline", ["loss/train", "loss/val"]],
        "band": ["Margin", ["loss/mean", "loss/low", "loss/high"]],
    },
    "Other": {"acc": ["Multiline", ["acc.*"]]},
}
VERTICES = torch.tensor([[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])
FACES = torch.tensor([[[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]])
COLORS = torch.tensor([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]]])
MESH_CONFIG = {"camera": {"cls": "PerspectiveCamera", "fov": 75}}
HPARAMS = {"lr": 0.01, "layers": 3, "optimizer": "adam", "augment": True}
METRICS = {"hparam/accuracy": 0.75}
EMBEDDING = torch.tensor(rng.random((9, 4)), dtype=torch.float32)
EMBEDDING_LABELS = [f"point {i}" for i in range(9)]
EMBEDDING_IMAGES = torch.tensor(rng.random((9, 3, 4, 4)), dtype=torch.float32)


class ConvNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 3 * 3, 8), nn.ReLU(), nn.Linear(8, 2))

    def forward(self, x: Any) -> Any:
        return self.head(self.pool(torch.relu(self.bn(self.conv1(x)))))


def _write(name: str, log_dir: Path) -> None:
    """The same calls through each writer's SummaryWriter."""
    if name == "ours":
        from telescope.writer import SummaryWriter as Writer
    elif name == "torch":
        from torch.utils.tensorboard import SummaryWriter as Writer  # type: ignore[assignment]
    else:
        from tensorboardX import SummaryWriter as Writer  # type: ignore[assignment]
    writer = Writer(str(log_dir / RUN))
    writer.add_pr_curve("pr", LABELS, PREDICTIONS, global_step=3, num_thresholds=51)
    writer.add_pr_curve_raw("pr_raw", *RAW, global_step=4, num_thresholds=5)
    writer.add_custom_scalars(LAYOUT)
    writer.add_mesh("tetra", VERTICES, colors=COLORS, faces=FACES, config_dict=MESH_CONFIG, global_step=1)
    if name == "tbx":
        writer.add_hparams(HPARAMS, METRICS, name="trial")
        writer.add_embedding(EMBEDDING, EMBEDDING_LABELS, EMBEDDING_IMAGES, tag="points")
    else:
        writer.add_hparams(HPARAMS, METRICS, run_name="trial")
        writer.add_embedding(EMBEDDING, EMBEDDING_LABELS, EMBEDDING_IMAGES, tag="points")
        writer.add_graph(ConvNet(), torch.zeros(2, 1, 8, 8))
    writer.close()


class TensorBoard:
    """TensorBoard's Python backend over one logdir, in-process; ``get``/``post`` return the response body."""

    def __init__(self, logdir: Path) -> None:
        with warnings.catch_warnings():
            # TensorBoard's vendored libraries warn about themselves on import; that is not what is tested here.
            warnings.simplefilter("ignore", DeprecationWarning)
            from tensorboard import default, program
            from tensorboard.backend import application
            from tensorboard.backend.event_processing import data_ingester
            from tensorboard.plugins.projector import projector_plugin
            from werkzeug.test import Client

            # The projector is one of TensorBoard's "dynamic" plugins, found through entry points otherwise.
            tb = program.TensorBoard(plugins=[*default.get_static_plugins(), projector_plugin.ProjectorPlugin])
            tb.configure(logdir=str(logdir), load_fast="false", reload_task="blocking", reload_interval=0)
            ingester = data_ingester.LocalDataIngester(tb.flags)
            ingester.start()
            app = application.TensorBoardWSGIApp(
                tb.flags,
                tb.plugin_loaders,
                ingester.data_provider,
                tb.assets_zip_provider,
                ingester.deprecated_multiplexer,
            )
        self.client = Client(app)
        self.multiplexer = ingester.deprecated_multiplexer

    def get(self, path: str, **params: Any) -> bytes:
        response = self.client.get(f"/data/plugin/{path}", query_string=params)
        assert response.status_code == 200, (path, params, response.get_data(as_text=True))
        return response.get_data()

    def get_json(self, path: str, **params: Any) -> Any:
        return json.loads(self.get(path, **params))

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(f"/data/plugin/{path}", json=body)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        return response.get_json()


@pytest.fixture(scope="module")
def logdirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name in WRITERS:
        log_dir = tmp_path_factory.mktemp(name)
        with warnings.catch_warnings():
            # torch.utils.tensorboard's add_graph calls the deprecated torch.jit.trace directly.
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            _write(name, log_dir)
        out[name] = log_dir
    return out


@pytest.fixture(scope="module")
def tensorboard(logdirs: dict[str, Path]) -> Iterator[dict[str, TensorBoard]]:
    yield {name: TensorBoard(path) for name, path in logdirs.items()}


def test_pr_curves_are_the_same_arrays(tensorboard: dict[str, TensorBoard]) -> None:
    for tag, step in [("pr", 3), ("pr_raw", 4)]:
        curves = {name: tb.get_json("pr_curves/pr_curves", run=RUN, tag=tag)[RUN] for name, tb in tensorboard.items()}
        (ours,) = curves["ours"]
        assert ours["step"] == step
        for name in ("torch", "tbx"):
            (theirs,) = curves[name]
            assert ours["thresholds"] == pytest.approx(theirs["thresholds"])
            for key in (
                "precision",
                "recall",
                "true_positives",
                "false_positives",
                "true_negatives",
                "false_negatives",
            ):
                np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-6, atol=1e-6, err_msg=f"{tag} {key} {name}")
    (ours_raw,) = tensorboard["ours"].get_json("pr_curves/pr_curves", run=RUN, tag="pr_raw")[RUN]
    np.testing.assert_allclose(ours_raw["precision"], RAW[4][: len(ours_raw["precision"])], rtol=1e-6)


def test_custom_scalars_layout_is_the_same(tensorboard: dict[str, TensorBoard]) -> None:
    layouts = {name: tb.get_json("custom_scalars/layout") for name, tb in tensorboard.items()}
    assert [c["title"] for c in layouts["ours"]["category"]] == ["Losses", "Other"]
    assert layouts["ours"] == layouts["torch"] == layouts["tbx"]


def test_mesh_parts_are_the_same(tensorboard: dict[str, TensorBoard]) -> None:
    for name, tb in tensorboard.items():
        assert tb.get_json("mesh/tags")[RUN]["tetra"] == {"samples": 1}, name
    metas = {name: tb.get_json("mesh/meshes", run=RUN, tag="tetra") for name, tb in tensorboard.items()}
    for key in ("content_type", "components", "data_shape", "step"):
        assert [m[key] for m in metas["ours"]] == [m[key] for m in metas["torch"]] == [m[key] for m in metas["tbx"]]
    assert [json.loads(m["config"]) for m in metas["ours"]] == [json.loads(m["config"]) for m in metas["torch"]]
    for part, expected in [("VERTEX", VERTICES), ("FACE", FACES), ("COLOR", COLORS)]:
        data = {
            name: tb.get("mesh/data", run=RUN, tag="tetra", content_type=part, sample=0, step=1)
            for name, tb in tensorboard.items()
        }
        assert data["ours"] == data["torch"] == data["tbx"], part
        dtype = {"VERTEX": np.float32, "FACE": np.int32, "COLOR": np.uint8}[part]
        np.testing.assert_array_equal(np.frombuffer(data["ours"], dtype=dtype), expected.numpy().reshape(-1))


def _hparams_view(tb: TensorBoard) -> tuple[dict[str, str], dict[str, Any], dict[str, float]]:
    experiment = tb.post_json("hparams/experiment", {"experimentName": ""})
    groups = tb.post_json(
        "hparams/session_groups",
        {
            "experimentName": "",
            "allowedStatuses": ["STATUS_SUCCESS", "STATUS_UNKNOWN", "STATUS_RUNNING", "STATUS_FAILURE"],
            "colParams": [],
            "startIndex": 0,
            "sliceSize": 10,
        },
    )
    (group,) = groups["sessionGroups"]
    types = {info["name"]: info["type"] for info in experiment["hparamInfos"]}
    metrics = {m["name"]["tag"]: m["value"] for m in group["metricValues"]}
    return types, group["hparams"], metrics


def test_hparams_values_and_types(tensorboard: dict[str, TensorBoard]) -> None:
    views = {name: _hparams_view(tb) for name, tb in tensorboard.items()}
    types, values, metrics = views["ours"]
    assert types == {
        "lr": "DATA_TYPE_FLOAT64",
        "layers": "DATA_TYPE_FLOAT64",
        "optimizer": "DATA_TYPE_STRING",
        "augment": "DATA_TYPE_BOOL",
    }
    assert values == {"lr": 0.01, "layers": 3, "optimizer": "adam", "augment": True}
    assert metrics == {"hparam/accuracy": pytest.approx(0.75)}
    # tensorboardX types booleans as we do; torch.utils.tensorboard writes them as the number 1.
    assert views["tbx"] == views["ours"]
    torch_types, torch_values, torch_metrics = views["torch"]
    assert torch_types == {**types, "augment": "DATA_TYPE_FLOAT64"}
    assert torch_values == {**values, "augment": 1}
    assert torch_metrics == metrics


def test_tensorboard_parsers_read_our_metadata(tensorboard: dict[str, TensorBoard]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from tensorboard.plugins.custom_scalar import layout_pb2
        from tensorboard.plugins.hparams import metadata as hparams_metadata
        from tensorboard.plugins.mesh import metadata as mesh_metadata
        from tensorboard.plugins.pr_curve import metadata as pr_metadata
        from tensorboard.util.tensor_util import make_ndarray

    mux = tensorboard["ours"].multiplexer
    assert pr_metadata.parse_plugin_metadata(mux.SummaryMetadata(RUN, "pr").plugin_data.content).num_thresholds == 51
    vertex = mesh_metadata.parse_plugin_metadata(mux.SummaryMetadata(RUN, "tetra_VERTEX").plugin_data.content)
    assert (vertex.name, list(vertex.shape), json.loads(vertex.json_config)) == ("tetra", [1, 4, 3], MESH_CONFIG)
    (config,) = mux.Tensors(RUN, "custom_scalars__config__")
    layout = layout_pb2.Layout.FromString(make_ndarray(config.tensor_proto).item())
    assert [chart.title for chart in layout.category[0].chart] == ["train vs val", "band"]
    trial = f"{RUN}/trial"
    start = hparams_metadata.parse_session_start_info_plugin_data(
        mux.SummaryMetadata(trial, hparams_metadata.SESSION_START_INFO_TAG).plugin_data.content
    )
    assert start.hparams["augment"].bool_value is True
    assert start.hparams["layers"].number_value == 3.0
    experiment = hparams_metadata.parse_experiment_plugin_data(
        mux.SummaryMetadata(trial, hparams_metadata.EXPERIMENT_TAG).plugin_data.content
    )
    assert [m.name.tag for m in experiment.metric_infos] == ["hparam/accuracy"]


def _graph_nodes(tb: TensorBoard) -> list[Any]:
    from google.protobuf import text_format
    from tensorboard.compat.proto import graph_pb2

    text = tb.get("graphs/graph", run=RUN, conceptual="false").decode("utf-8")
    return list(text_format.Parse(text, graph_pb2.GraphDef()).node)


def test_graph_has_the_ops_and_node_count_of_pytorchs(tensorboard: dict[str, TensorBoard]) -> None:
    ours, theirs = _graph_nodes(tensorboard["ours"]), _graph_nodes(tensorboard["torch"])
    assert len(ours) == len(theirs)
    assert Counter(n.op for n in ours) == Counter(n.op for n in theirs)
    names = {n.name for n in ours}
    assert all(source in names for n in ours for source in n.input)  # no dangling edges
    assert "ConvNet/Conv2d[conv1]/weight" in names
    assert any(n.name.startswith("ConvNet/Sequential[head]/Linear[1]/") and n.op == "aten::linear" for n in ours)
    info = tensorboard["ours"].get_json("graphs/info")[RUN]
    assert info["run_graph"] is True
    assert info["tags"]["step1"]["profile"] is True
    profile = tensorboard["ours"].get("graphs/run_metadata", run=RUN, tag="step1").decode()
    assert 'device: "/device:CPU:0"' in profile


def test_keras_model_config_gives_the_same_conceptual_graph_as_keras_own(
    fixture_logdir: Callable[[str], Path], tmp_path: Path
) -> None:
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    from telescope.plugins.graphs.summary import keras_model
    from telescope.tfrecord.framing import encode_record
    from telescope.tfrecord.proto import event_pb2

    keras_logdir = fixture_logdir("keras_dev")
    (train,) = {p.parent for p in keras_logdir.rglob("events.out.tfevents.*") if p.parent.name == "train"}
    model_json = next(
        v.tensor.string_val[0].decode()
        for path in sorted(train.glob("events.out.tfevents.*"))
        for event in EventFileLoader(str(path)).Load()
        for v in event.summary.value
        if v.tag == "keras"
    )
    ours_dir = tmp_path / "ours" / "train"
    ours_dir.mkdir(parents=True)
    events = [
        event_pb2.Event(wall_time=1.0, file_version="brain.Event:2"),
        event_pb2.Event(wall_time=2.0, step=0, summary=keras_model("keras", model_json)),
    ]
    (ours_dir / "events.out.tfevents.1.host.1.0").write_bytes(
        b"".join(encode_record(e.SerializeToString()) for e in events)
    )
    keras_run = train.relative_to(keras_logdir).as_posix()
    theirs = TensorBoard(keras_logdir).get("graphs/graph", run=keras_run, conceptual="true", tag="keras")
    ours = TensorBoard(tmp_path / "ours").get("graphs/graph", run="train", conceptual="true", tag="keras")
    assert b"keras_class" in ours
    assert ours == theirs


def test_embedding_files_are_the_same_as_pytorchs(logdirs: dict[str, Path]) -> None:
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "events" not in p.name}

    ours, theirs = logdirs["ours"] / RUN, logdirs["torch"] / RUN
    assert (
        files(ours)
        == files(theirs)
        == {
            "projector_config.pbtxt",
            "00000/points/tensors.tsv",
            "00000/points/metadata.tsv",
            "00000/points/sprite.png",
        }
    )
    tbx = logdirs["tbx"] / RUN
    for name in ("tensors.tsv", "metadata.tsv"):
        expected = (theirs / "00000" / "points" / name).read_bytes()
        assert (ours / "00000" / "points" / name).read_bytes() == expected, name
        assert (tbx / "00000" / "points" / name).read_bytes() == expected, name


def test_projector_serves_the_same_embedding(tensorboard: dict[str, TensorBoard]) -> None:
    image = pytest.importorskip("PIL.Image")
    import io

    served = {}
    for name in ("ours", "torch"):
        tb = tensorboard[name]
        assert tb.get_json("projector/runs") == [RUN]
        (info,) = tb.get_json("projector/info", run=RUN)["embeddings"]
        assert info["tensorName"] == "points:00000"
        assert info["tensorShape"] == [9, 4]
        assert info["sprite"]["singleImageDim"] == [4, 4]
        tensor = np.frombuffer(tb.get("projector/tensor", run=RUN, name="points:00000"), dtype=np.float32)
        labels = tb.get("projector/metadata", run=RUN, name="points:00000").decode()
        with image.open(io.BytesIO(tb.get("projector/sprite_image", run=RUN, name="points:00000"))) as png:
            sprite = np.asarray(png.convert("RGB"))
        served[name] = (tensor, labels, sprite)
    np.testing.assert_array_equal(served["ours"][0], EMBEDDING.numpy().reshape(-1))
    assert served["ours"][1].splitlines() == EMBEDDING_LABELS
    for ours, theirs in zip(served["ours"], served["torch"], strict=True):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
