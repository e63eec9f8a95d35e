"""A Keras 3 ``TensorBoard`` callback that writes through Telescope's writer, on every Keras backend.

Training script side of the pipeline (Keras ``fit`` → **this callback** → ``SummaryWriter`` → event files).
Keras's own ``keras.callbacks.TensorBoard`` needs TensorFlow for its writer; this one takes the same arguments
and writes the same runs and tags with :class:`telescope.SummaryWriter`, so it works on the JAX, PyTorch and
TensorFlow backends without TensorFlow installed, and what it writes opens in Telescope and in TensorBoard:

* ``<log_dir>/train``: ``epoch_<metric>`` (``epoch_loss``, ``epoch_accuracy``...) and ``epoch_learning_rate``
  at step = epoch; ``batch_<metric>`` every ``update_freq`` batches (step = training iteration, from 1);
  ``<weight path>/histogram`` and ``<weight path>/image`` (``digits_cnn/conv/kernel/histogram``) every
  ``histogram_freq`` epochs; the model's layer graph (tag ``keras``, plugin ``graph_keras_model``).
* ``<log_dir>/validation``: ``epoch_<metric>`` of the validation data and ``evaluation_<metric>_vs_iterations``
  (step = the optimizer's iteration count).

``import telescope`` never imports Keras; ``import telescope.keras`` does, and says what to install or set when
that fails.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from telescope.writer import SummaryWriter

logger = logging.getLogger(__name__)

__all__ = ["TensorBoard"]


def _import_keras() -> Any:
    """Import Keras 3, turning the usual failures into one clear message."""
    backend = os.environ.get("KERAS_BACKEND")
    try:
        import keras  # type: ignore[import-untyped,unused-ignore]
    except ModuleNotFoundError as e:
        if e.name == "keras":
            raise ImportError(
                "telescope.keras needs Keras 3 and one backend: pip install keras torch "
                "(or jax, or tensorflow), then choose it with KERAS_BACKEND=torch|jax|tensorflow."
            ) from e
        # Keras is installed but its backend is not: it defaults to TensorFlow (or ~/.keras/keras.json's choice).
        raise ImportError(
            f"Keras could not load its backend ({backend or 'from ~/.keras/keras.json, tensorflow by default'}): "
            f"the module {e.name!r} is missing. Install that backend, or set KERAS_BACKEND to one that is "
            "installed (torch, jax or tensorflow) before importing keras."
        ) from e
    version = getattr(keras, "__version__", "0")
    if int(version.split(".")[0]) < 3:
        raise ImportError(f"telescope.keras needs Keras 3 or later; Keras {version} is installed.")
    return keras


keras = _import_keras()
_Callback: Any = keras.callbacks.Callback


def _to_numpy(value: Any) -> np.ndarray[Any, Any]:
    """A number, array, Keras variable or backend tensor (torch, JAX, TensorFlow) as a numpy array.

    ``keras.ops.convert_to_numpy`` is not used: on the torch backend it calls ``np.array`` on the tensor, which
    numpy 2 answers with a DeprecationWarning (an error where warnings are errors).
    """
    if isinstance(value, keras.Variable):
        value = value.value
    if isinstance(value, (bool, int, float, np.ndarray, np.generic)):
        return np.asarray(value)
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, maybe on a GPU, maybe bfloat16
        tensor = value.detach().cpu()
        if not tensor.dtype.is_floating_point or tensor.dtype.itemsize >= 4:
            return np.asarray(tensor.numpy())
        return np.asarray(tensor.float().numpy())
    if hasattr(value, "numpy"):  # TensorFlow eager tensors and variables
        return np.asarray(value.numpy())
    return np.asarray(value)  # JAX arrays and anything else with __array__


def _as_float(value: Any) -> float | None:
    """A log value as a float, or None when it is not one number (Keras logs may hold tensors or arrays)."""
    try:
        array = _to_numpy(value)
    except Exception:
        return None
    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
        return None
    return float(array.reshape(()))


def _normalised(w: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Scale to [0, 1] so the structure of a weight shows; Keras clips to [0, 1], which hides negative weights."""
    w = w.astype(np.float64)
    lo, hi = float(np.min(w)), float(np.max(w))
    if not np.isfinite(lo) or not np.isfinite(hi) or hi == lo:
        return np.zeros(w.shape, dtype=np.float64)
    return (w - lo) / (hi - lo)


def _weight_images(weight: np.ndarray[Any, Any], *, channels_last: bool = True) -> np.ndarray[Any, Any] | None:
    """A weight laid out as Keras lays it out for ``write_images``: images ``NHWC`` in [0, 1], or None.

    A bias (1-D) is one 1 x n image; a dense kernel (2-D) one image, transposed to be wider than tall; a 1-D conv
    kernel (3-D) one image per output channel. Higher ranks (2-D conv kernels) have no image, as in Keras.
    """
    w = np.squeeze(np.asarray(weight))
    if w.ndim not in (1, 2, 3) or w.size == 0:
        # Keras passes a 4-D kernel through when its last size happens to be 1, 3 or 4, giving images of
        # unrelated axes; no image is clearer.
        return None
    if w.ndim == 1:
        w = w.reshape(1, 1, w.shape[0], 1)
    elif w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:
        if channels_last:
            w = np.transpose(w, (2, 0, 1))
        w = w.reshape(w.shape[0], w.shape[1], w.shape[2], 1)
    return _normalised(w)


def _read_metadata(path: str) -> tuple[list[Any], list[str] | None]:
    """Rows of a projector metadata file: one label per line, or a header line then tab-separated columns."""
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    if lines and "\t" in lines[0]:
        return [line.split("\t") for line in lines[1:]], lines[0].split("\t")
    return lines, None


class TensorBoard(_Callback):  # type: ignore[misc]
    """Log metrics, weight histograms and images, the layer graph and embeddings for Telescope or TensorBoard.

    Takes the arguments of ``keras.callbacks.TensorBoard``::

        model.fit(x, y, validation_split=0.2, callbacks=[telescope.keras.TensorBoard("logs", histogram_freq=1)])

    Then ``telescope --logdir logs``. Differences from Keras's callback: it needs no TensorFlow; weight images
    are scaled to the weight's own range instead of clipped to [0, 1], and 2-D conv kernels never get one;
    embeddings (``embeddings_freq``) are written as projector data of the ``train`` run that Telescope and
    TensorBoard show directly (Keras writes a weights checkpoint); ``batch_*`` steps continue across ``fit``
    calls; profiling (``profile_batch``) is not available, as with Keras on its non-TensorFlow backends.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str] = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: int | str | tuple[int, int] = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: str | Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f'update_freq must be "epoch", "batch" or a positive integer; got {update_freq!r}')
        if profile_batch not in (0, "0", (0, 0), "0,0"):
            raise ValueError(
                f"profile_batch={profile_batch!r}: telescope.keras.TensorBoard does not profile; pass "
                "profile_batch=0 and use your backend's profiler (torch.profiler, jax.profiler, tf.profiler)."
            )
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq: str | int = update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata: str | dict[str, str] | None = (
            dict(embeddings_metadata) if isinstance(embeddings_metadata, Mapping) else embeddings_metadata
        )
        # Writers are opened on first use, so a callback that never writes leaves no empty runs behind.
        self._writers: dict[str, SummaryWriter] = {}
        self._graph_written_for: int | None = None
        self._global_train_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0

    # -- writers ---------------------------------------------------------------------------------------------

    @property
    def _train_dir(self) -> str:
        return os.path.join(self.log_dir, "train")

    @property
    def _val_dir(self) -> str:
        return os.path.join(self.log_dir, "validation")

    def _writer(self, run: str) -> SummaryWriter:
        writer = self._writers.get(run)
        if writer is None:
            from telescope.writer import SummaryWriter

            writer = SummaryWriter(os.path.join(self.log_dir, run))
            self._writers[run] = writer
        return writer

    def _flush(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def set_model(self, model: Any) -> None:
        if model is not getattr(self, "_model", None):
            self._graph_written_for = None
            if self.embeddings_freq:
                self._check_embeddings_metadata(model)
        super().set_model(model)

    # -- Keras hooks -----------------------------------------------------------------------------------------

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        # Keras restarts its batch counter at each fit(); the optimizer's count keeps batch_* steps increasing
        # over several fit() calls, and equals Keras's count for the first one.
        self._global_train_batch = self._iterations() or 0
        if self.write_graph and self._graph_written_for != id(self.model):
            self._write_keras_graph()
            self._graph_written_for = id(self.model)

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        self._close_writers()

    def on_test_end(self, logs: Mapping[str, Any] | None = None) -> None:
        iterations = self._iterations()
        if iterations is None or not logs:
            return
        writer = self._writer("validation")
        for name, value in logs.items():
            number = _as_float(value)
            if number is not None:
                writer.add_scalar(f"evaluation_{name}_vs_iterations", number, iterations)
        writer.flush()

    def on_train_batch_begin(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        if self.update_freq == "epoch" or self._global_train_batch % int(self.update_freq) != 0:
            return
        writer = self._writer("train")
        step = self._global_train_batch
        if self.write_steps_per_second:
            elapsed = time.perf_counter() - self._batch_start_time
            if elapsed > 0:
                writer.add_scalar("batch_steps_per_second", 1.0 / elapsed, step)
        for name, value in (logs or {}).items():
            number = _as_float(value)
            if number is not None:
                writer.add_scalar(f"batch_{name}", number, step)

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        if self.write_steps_per_second:
            self._epoch_start_iterations = self._iterations() or 0
            self._epoch_start_time = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._log_epoch_metrics(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)
        # Each epoch's points reach the disk at once, so a live Telescope shows them while training goes on.
        self._flush()

    # -- what is written -------------------------------------------------------------------------------------

    def _iterations(self) -> int | None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return None
        value = _as_float(optimizer.iterations)
        return None if value is None else int(value)

    def _learning_rates(self) -> dict[str, float]:
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer wraps the real one
        found: dict[str, float] = {}
        if optimizer is None:
            return found
        try:
            if hasattr(optimizer, "optimizers"):  # several optimizers, one per group of weights
                for opt in optimizer.optimizers:
                    lr = _as_float(opt.learning_rate)
                    if lr is not None:
                        found[f"learning_rate_{opt.name}"] = lr
            elif isinstance(optimizer, keras.optimizers.Optimizer):
                lr = _as_float(optimizer.learning_rate)
                if lr is not None:
                    found["learning_rate"] = lr
        except Exception:  # a custom optimizer without a readable rate must not stop training
            logger.debug("could not read the learning rate", exc_info=True)
        return found

    def _log_epoch_metrics(self, epoch: int, logs: Mapping[str, Any]) -> None:
        train: dict[str, float] = {}
        val: dict[str, float] = {}
        for name, value in logs.items():
            number = _as_float(value)
            if number is None:
                continue
            if name.startswith("val_"):
                val[name[len("val_") :]] = number
            else:
                train[name] = number
        if logs:
            train.update(self._learning_rates())
            if self.write_steps_per_second:
                elapsed = time.perf_counter() - self._epoch_start_time
                done = (self._iterations() or 0) - self._epoch_start_iterations
                if elapsed > 0:
                    train["steps_per_second"] = done / elapsed
        for run, values in (("train", train), ("validation", val)):
            if values:
                writer = self._writer(run)
                for name, number in values.items():
                    writer.add_scalar(f"epoch_{name}", number, epoch)

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        channels_last = keras.backend.image_data_format() == "channels_last"
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = _to_numpy(weight)
                if values.size == 0 or not np.issubdtype(values.dtype, np.number):
                    continue
                values = values.astype(np.float64)
                # The suffixes keep the histogram and the image of one weight under two tags, as Keras does.
                writer.add_histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    images = _weight_images(values, channels_last=channels_last)
                    if images is None:
                        continue
                    if images.shape[0] == 1:
                        writer.add_image(f"{name}/image", images[0], epoch, dataformats="HWC")
                    else:
                        writer.add_images(f"{name}/image", images, epoch, dataformats="NHWC")

    def _write_keras_graph(self) -> None:
        model = self.model
        # Only models built from layers have a layer graph (the ``keras`` model config); Keras writes none for
        # subclassed models either.
        kinds = {cls.__name__ for cls in type(model).__mro__}
        if not kinds & {"Sequential", "Functional"}:
            return
        try:
            with warnings.catch_warnings():
                # Keras serialises the optimizer through np.array(variable), which numpy 2 warns about on some
                # backends; that is Keras's business, and where warnings are errors it would lose the graph.
                warnings.simplefilter("ignore", DeprecationWarning)
                config = model.to_json()
        except Exception:
            logger.warning("The model could not be serialised to JSON; its layer graph is not written.", exc_info=True)
            return
        from telescope.plugins.graphs.summary import keras_model

        # SummaryWriter has no public method for a prebuilt summary (torch's has none either); its own one is used.
        self._writer("train")._add_summary(keras_model("keras", config, step=0), 0)

    def _embedding_layers(self, model: Any) -> list[Any]:
        return [layer for layer in model.layers if isinstance(layer, keras.layers.Embedding)]

    def _check_embeddings_metadata(self, model: Any) -> None:
        if isinstance(self.embeddings_metadata, dict):
            unknown = set(self.embeddings_metadata) - {layer.name for layer in self._embedding_layers(model)}
            if unknown:
                raise ValueError(
                    f"embeddings_metadata names layers that are not Embedding layers of the model: {sorted(unknown)}"
                )

    def _log_embeddings(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self._embedding_layers(self.model):
            matrix = _to_numpy(layer.embeddings).astype(np.float32)
            meta = self.embeddings_metadata
            path = meta if isinstance(meta, str) else (meta or {}).get(layer.name)
            metadata: list[Any] | None = None
            header: list[str] | None = None
            if path is not None:
                metadata, header = _read_metadata(path)
                if len(metadata) != matrix.shape[0]:
                    logger.warning(
                        "%s has %d rows but the layer %s has %d embeddings; the labels are not written",
                        path,
                        len(metadata),
                        layer.name,
                        matrix.shape[0],
                    )
                    metadata, header = None, None
            writer.add_embedding(matrix, metadata=metadata, global_step=epoch, tag=layer.name, metadata_header=header)
