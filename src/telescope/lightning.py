"""``TelescopeLogger``: a PyTorch Lightning logger that writes through Telescope's ``SummaryWriter``.

Training script side of the pipeline (Lightning ``Trainer`` → **this logger** → ``SummaryWriter`` → event files).
It lays runs out as Lightning's ``TensorBoardLogger`` does (``<save_dir>/<name>/version_<n>``), so switching is
a one-line change, and writes metrics, hyperparameters (in the run itself, plus ``hparams.yaml``) and the model's
graph. Works with ``lightning`` (``lightning.pytorch``) and, when only that is installed, ``pytorch_lightning``.

``import telescope`` never imports Lightning; ``import telescope.lightning`` does.
"""

from __future__ import annotations

import logging
import os
from argparse import Namespace
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

try:
    from lightning.fabric.loggers.logger import rank_zero_experiment
    from lightning.pytorch.core.saving import save_hparams_to_yaml
    from lightning.pytorch.loggers.logger import Logger
    from lightning.pytorch.utilities import rank_zero_only
except ModuleNotFoundError as e:  # pragma: no cover - depends on the environment
    if e.name is None or not e.name.startswith("lightning"):
        raise
    try:
        from lightning_fabric.loggers.logger import rank_zero_experiment  # type: ignore[no-redef,unused-ignore]
        from pytorch_lightning.core.saving import save_hparams_to_yaml  # type: ignore[no-redef,unused-ignore]
        from pytorch_lightning.loggers.logger import Logger  # type: ignore[assignment,unused-ignore]
        from pytorch_lightning.utilities import rank_zero_only  # type: ignore[no-redef,unused-ignore]
    except ModuleNotFoundError as e2:
        raise ImportError(
            "telescope.lightning needs PyTorch Lightning: pip install lightning (or pytorch-lightning)."
        ) from e2

if TYPE_CHECKING:
    import torch

    from telescope.writer import SummaryWriter

logger = logging.getLogger(__name__)

__all__ = ["TelescopeLogger"]

_HPARAM_TYPES = (bool, int, float, str)


def flatten_params(params: Mapping[str, Any], *, separator: str = "/", prefix: str = "") -> dict[str, Any]:
    """Nested mappings (and Namespaces) flattened to ``{"optimizer/lr": 0.1}``, as hparams need one level."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        name = f"{prefix}{separator}{key}" if prefix else str(key)
        if isinstance(value, Namespace):
            value = vars(value)
        if isinstance(value, Mapping) and value:
            flat.update(flatten_params(value, separator=separator, prefix=name))
        else:
            flat[name] = value
    return flat


def sanitize_hparam(value: Any) -> bool | int | float | str:
    """A value the hparams dashboard can show: numbers, strings and booleans as they are, others as text."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy and torch scalars
        value = value.item()
    if isinstance(value, _HPARAM_TYPES):
        return value
    if value is None:
        return "None"
    if isinstance(value, type):
        return value.__name__
    return str(value)


def _metric_value(value: Any) -> float:
    if hasattr(value, "item"):
        value = value.item()
    return float(value)


class TelescopeLogger(Logger):
    """Log a Lightning run into ``<save_dir>/<name>/version_<n>[/<sub_dir>]`` for Telescope (or TensorBoard).

    Arguments mirror ``TensorBoardLogger``::

        trainer = Trainer(logger=TelescopeLogger("logs", name="digits"))

    ``version`` ``None`` takes the next free ``version_<n>``; an int gives ``version_<int>``; a string is used as
    the directory name. ``log_graph=True`` writes the model's graph (it needs ``model.example_input_array``).
    ``default_hp_metric`` writes a placeholder ``hp_metric`` of -1 with the hyperparameters so the hparams
    dashboard lists the run before you log a real ``hp_metric``. Other keyword arguments go to
    :class:`telescope.SummaryWriter` (``max_queue``, ``flush_secs``, ``filename_suffix``).
    """

    NAME_HPARAMS_FILE = "hparams.yaml"
    LOGGER_JOIN_CHAR = "-"

    def __init__(
        self,
        save_dir: str | os.PathLike[str],
        name: str | None = "lightning_logs",
        version: int | str | None = None,
        log_graph: bool = False,
        default_hp_metric: bool = True,
        prefix: str = "",
        sub_dir: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self._save_dir = os.fspath(save_dir)
        self._name = name or ""
        self._version = version
        self._log_graph = log_graph
        self._default_hp_metric = default_hp_metric
        self._prefix = prefix
        self._sub_dir = None if sub_dir is None else os.fspath(sub_dir)
        self._writer_kwargs = kwargs
        self._experiment: SummaryWriter | None = None
        self.hparams: dict[str, Any] = {}

    # -- where -----------------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The experiment name: the directory under ``save_dir`` that holds the versions."""
        return self._name

    @property
    def version(self) -> int | str:
        """The version (``version_<n>`` directory); found on first use when none was given."""
        if self._version is None:
            self._version = self._next_version()
        return self._version

    @property
    def save_dir(self) -> str:
        return self._save_dir

    @property
    def root_dir(self) -> str:
        """``<save_dir>/<name>``: the directory holding every version of this experiment."""
        return os.path.join(self._save_dir, self._name)

    @property
    def log_dir(self) -> str:
        """This run's directory: ``<save_dir>/<name>/version_<n>[/<sub_dir>]``."""
        version = self.version if isinstance(self.version, str) else f"version_{self.version}"
        path = os.path.join(self.root_dir, version)
        if self._sub_dir is not None:
            path = os.path.join(path, self._sub_dir)
        return os.path.expanduser(os.path.expandvars(path))

    @property
    def sub_dir(self) -> str | None:
        return self._sub_dir

    def _next_version(self) -> int:
        try:
            entries = os.listdir(self.root_dir)
        except OSError:
            return 0
        found = [
            int(entry[len("version_") :])
            for entry in entries
            if entry.startswith("version_")
            and entry[len("version_") :].isdigit()
            and os.path.isdir(os.path.join(self.root_dir, entry))
        ]
        return max(found) + 1 if found else 0

    # -- the writer ------------------------------------------------------------------------------------------

    @property
    @rank_zero_experiment
    def experiment(self) -> SummaryWriter:
        """The :class:`telescope.SummaryWriter` of this run, for anything Lightning does not log itself::

        self.logger.experiment.add_image("samples", grid, self.global_step)
        """
        if self._experiment is None:
            from telescope.writer import SummaryWriter

            self._experiment = SummaryWriter(log_dir=self.log_dir, **self._writer_kwargs)
        return self._experiment

    # -- what is logged --------------------------------------------------------------------------------------

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        """One scalar per metric at ``step``; a dict value becomes ``add_scalars`` (one sub-run per key)."""
        writer = self.experiment
        for key, value in metrics.items():
            tag = f"{self._prefix}{self.LOGGER_JOIN_CHAR}{key}" if self._prefix else key
            try:
                if isinstance(value, Mapping):
                    writer.add_scalars(tag, {k: _metric_value(v) for k, v in value.items()}, step)
                else:
                    writer.add_scalar(tag, _metric_value(value), step)
            except (TypeError, ValueError) as e:
                # Lightning's own loggers refuse such values too; saying which key keeps the cause findable.
                raise ValueError(f"The metric {key!r} = {value!r} is not a number (or a dict of numbers).") from e

    @rank_zero_only
    def log_hyperparams(
        self,
        params: Mapping[str, Any] | Namespace,
        metrics: Mapping[str, Any] | float | None = None,
        step: int | None = None,
    ) -> None:
        """Write the hyperparameters into this run (hparams dashboard) and keep them for ``hparams.yaml``.

        ``metrics`` are the run's values for the hparams table (default: ``hp_metric`` = -1, see the class).
        """
        raw = vars(params) if isinstance(params, Namespace) else dict(params)
        self.hparams.update(raw)
        if metrics is None:
            metrics = {"hp_metric": -1} if self._default_hp_metric else {}
        elif not isinstance(metrics, Mapping):
            metrics = {"hp_metric": metrics}
        if not metrics:
            # As with Lightning's TensorBoardLogger: without a metric the run gets no hparams (default_hp_metric
            # exists for that); the values still go to hparams.yaml.
            return
        flat = {key: sanitize_hparam(value) for key, value in flatten_params(raw).items()}
        metric_values = {key: _metric_value(value) for key, value in metrics.items()}
        self.experiment.add_hparams(flat, metric_values, run_name=None, global_step=step, same_run=True)

    @rank_zero_only
    def log_graph(self, model: torch.nn.Module, input_array: Any = None) -> None:
        """Write the model's op graph, traced with ``input_array`` (default ``model.example_input_array``)."""
        if not self._log_graph:
            return
        if input_array is None:
            input_array = getattr(model, "example_input_array", None)
        if input_array is None:
            logger.warning(
                "The model graph is not written: set model.example_input_array or pass input_array to log_graph."
            )
            return
        # Let the module move and transform the example as it would a batch (device, dtype, hooks).
        before = getattr(model, "_on_before_batch_transfer", None)
        transfer = getattr(model, "_apply_batch_transfer_handler", None)
        if before is not None and transfer is not None:
            input_array = transfer(before(input_array))
        self.experiment.add_graph(model, input_array)

    @rank_zero_only
    def save(self) -> None:
        """Flush the writer and write ``hparams.yaml`` (once, like Lightning's loggers) if the run exists."""
        super().save()
        if self._experiment is not None:
            self._experiment.flush()
        hparams_file = os.path.join(self.log_dir, self.NAME_HPARAMS_FILE)
        if os.path.isdir(self.log_dir) and not os.path.isfile(hparams_file):
            save_hparams_to_yaml(hparams_file, self.hparams)

    @rank_zero_only
    def finalize(self, status: str) -> None:
        """Flush and close the writer at the end of training; ``hparams.yaml`` is written when it succeeded."""
        if self._experiment is not None:
            self._experiment.flush()
            self._experiment.close()
            self._experiment = None
        if status == "success":
            self.save()

    def __getstate__(self) -> dict[str, Any]:
        # The writer holds an open file: a logger sent to another process (spawn, checkpoints) opens its own.
        state = self.__dict__.copy()
        state["_experiment"] = None
        return state
