"""``telescope.lightning.TelescopeLogger`` in a real (tiny) Lightning training: what a user finds on disk."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lightning as L
import pytest
import pytorch_lightning as pl
import torch
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util.tensor_util import make_ndarray

from telescope.lightning import TelescopeLogger

EPOCHS = 2
TRAIN_BATCHES = 4


class Tiny(L.LightningModule):
    def __init__(self, hidden: int = 8, lr: float = 0.05, optimizer: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(torch.nn.Linear(4, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2))
        self.example_input_array = torch.zeros(1, 4)

    def forward(self, x: Any) -> Any:
        return self.net(x)

    def training_step(self, batch: Any, batch_idx: int) -> Any:
        x, y = batch
        loss = torch.nn.functional.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        logits = self(x)
        self.log("val_loss", torch.nn.functional.cross_entropy(logits, y))
        self.log("hp_metric", (logits.argmax(1) == y).float().mean())

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)


def loader(n: int) -> Any:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    y = (x[:, 0] > 0).long()
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8)


@pytest.fixture
def quiet() -> Iterator[None]:
    # Lightning's advice about data-loader workers and small datasets is not what these tests are about.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*does not have many workers.*")
        warnings.filterwarnings("ignore", message=r".*number of training batches.*")
        warnings.filterwarnings("ignore", message=r".*GPU available.*")
        warnings.filterwarnings("ignore", message=r".*LeafSpec.*")
        yield


def fit(logger: TelescopeLogger) -> None:
    trainer = L.Trainer(
        max_epochs=EPOCHS,
        logger=logger,
        log_every_n_steps=1,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(Tiny(optimizer={"name": "sgd", "momentum": 0.0}), loader(8 * TRAIN_BATCHES), loader(16))


def load(logdir: Path) -> plugin_event_multiplexer.EventMultiplexer:
    mux = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0})
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    return mux


def test_training_writes_metrics_hparams_and_graph_in_one_run(tmp_path: Path, quiet: None) -> None:
    logger = TelescopeLogger(tmp_path, name="tiny", log_graph=True)
    fit(logger)
    assert Path(logger.log_dir) == tmp_path / "tiny" / "version_0"
    mux = load(tmp_path)
    assert set(mux.Runs()) == {"tiny/version_0"}, "hparams must not create a run of their own"
    run = "tiny/version_0"

    scalars = mux.PluginRunToTagToContent("scalars")[run]
    assert {"train_loss", "val_loss", "hp_metric", "epoch"} <= set(scalars)
    train_steps = [e.step for e in mux.Tensors(run, "train_loss")]
    assert train_steps == list(range(EPOCHS * TRAIN_BATCHES))
    assert len(mux.Tensors(run, "val_loss")) == EPOCHS
    # hp_metric: the placeholder -1 written with the hparams, then the value logged by validation_step.
    hp_metric = [float(make_ndarray(e.tensor_proto)) for e in mux.Tensors(run, "hp_metric")]
    assert hp_metric[0] == -1 and all(0 <= v <= 1 for v in hp_metric[1:]) and len(hp_metric) == EPOCHS + 1

    hparams = mux.PluginRunToTagToContent("hparams")[run]
    start = next(tag for tag in hparams if "session_start_info" in tag)
    data = plugin_data_pb2.HParamsPluginData.FromString(hparams[start])
    values = {k: getattr(v, str(v.WhichOneof("kind"))) for k, v in data.session_start_info.hparams.items()}
    assert values == {"hidden": 8, "lr": 0.05, "optimizer/name": "sgd", "optimizer/momentum": 0.0}
    experiment = next(tag for tag in hparams if "experiment" in tag)
    metrics = plugin_data_pb2.HParamsPluginData.FromString(hparams[experiment]).experiment.metric_infos
    assert [m.name.tag for m in metrics] == ["hp_metric"]

    assert mux.Runs()[run]["graph"]
    nodes = {node.name for node in mux.Graph(run).node}
    assert any("Linear" in name for name in nodes), sorted(nodes)[:20]

    hparams_yaml = (tmp_path / "tiny" / "version_0" / "hparams.yaml").read_text(encoding="utf-8")
    assert "hidden: 8" in hparams_yaml and "lr: 0.05" in hparams_yaml and "momentum: 0.0" in hparams_yaml


def test_versions_count_up_and_can_be_named(tmp_path: Path) -> None:
    first = TelescopeLogger(tmp_path, name="exp")
    first.log_metrics({"loss": 1.0}, step=0)
    first.finalize("success")
    second = TelescopeLogger(tmp_path, name="exp")
    assert second.version == 1 and Path(second.log_dir) == tmp_path / "exp" / "version_1"
    named = TelescopeLogger(tmp_path, name="exp", version="baseline", sub_dir="eval")
    assert Path(named.log_dir) == tmp_path / "exp" / "baseline" / "eval"
    assert Path(named.experiment.get_logdir()) == tmp_path / "exp" / "baseline" / "eval"
    named.finalize("success")


def test_log_metrics_prefix_dicts_and_tensors(tmp_path: Path) -> None:
    logger = TelescopeLogger(tmp_path, name="", version=0, prefix="fold1")
    logger.log_metrics({"loss": torch.tensor(0.5), "acc": 0.75}, step=3)
    logger.log_metrics({"losses": {"train": 1.0, "val": 2.0}}, step=4)
    with pytest.raises(ValueError, match="'bad'"):
        logger.log_metrics({"bad": "not a number"}, step=5)
    logger.finalize("success")
    mux = load(tmp_path)
    scalars = mux.PluginRunToTagToContent("scalars")
    assert set(scalars["version_0"]) == {"fold1-loss", "fold1-acc"}
    (point,) = mux.Tensors("version_0", "fold1-loss")
    assert (point.step, float(make_ndarray(point.tensor_proto))) == (3, 0.5)
    assert set(scalars["version_0/fold1-losses_train"]) == {"fold1-losses"}


def test_hparams_without_a_metric_go_to_the_yaml_only(tmp_path: Path) -> None:
    logger = TelescopeLogger(tmp_path, name="h", default_hp_metric=False)
    logger.log_hyperparams({"lr": 0.1, "layers": [64, 32]})
    logger.log_metrics({"loss": 1.0}, step=0)
    logger.finalize("success")
    mux = load(tmp_path)
    assert not mux.PluginRunToTagToContent("hparams").get("h/version_0")
    assert "lr: 0.1" in (tmp_path / "h" / "version_0" / "hparams.yaml").read_text(encoding="utf-8")

    logger = TelescopeLogger(tmp_path, name="h", default_hp_metric=False)
    logger.log_hyperparams({"lr": 0.2, "layers": [64, 32]}, metrics={"acc": 0.5})
    logger.finalize("success")
    hparams = load(tmp_path).PluginRunToTagToContent("hparams")["h/version_1"]
    start = next(tag for tag in hparams if "session_start_info" in tag)
    values = plugin_data_pb2.HParamsPluginData.FromString(hparams[start]).session_start_info.hparams
    # A list is not an hparams type: it is shown as its text.
    assert values["layers"].string_value == "[64, 32]" and values["lr"].number_value == 0.2


def test_log_graph_without_an_example_input_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    logger = TelescopeLogger(tmp_path, name="g", log_graph=True)
    logger.log_graph(torch.nn.Linear(2, 2))
    assert "example_input_array" in caplog.text
    logger.log_graph(torch.nn.Linear(2, 2), torch.zeros(1, 2))
    logger.finalize("success")
    assert load(tmp_path).Runs()["g/version_0"]["graph"]


def test_works_with_the_pytorch_lightning_package(tmp_path: Path, quiet: None) -> None:
    """``pytorch_lightning`` (the older package name, installed with ``lightning``) drives the same logger."""

    class PlTiny(pl.LightningModule):
        def __init__(self, lr: float = 0.1) -> None:
            super().__init__()
            self.save_hyperparameters()
            self.net = torch.nn.Linear(4, 2)

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            loss = torch.nn.functional.cross_entropy(self.net(batch[0]), batch[1])
            self.log("train_loss", loss)
            return loss

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

    logger = TelescopeLogger(tmp_path, name="pl")
    trainer = pl.Trainer(
        max_epochs=1,
        logger=logger,
        log_every_n_steps=1,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(PlTiny(), loader(16))
    mux = load(tmp_path)
    assert len(mux.Tensors("pl/version_0", "train_loss")) == 2
    assert "lr: 0.1" in (tmp_path / "pl" / "version_0" / "hparams.yaml").read_text(encoding="utf-8")
