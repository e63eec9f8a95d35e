"""``SummaryWriter``: the ``torch.utils.tensorboard.SummaryWriter`` API, writing in the background.

Writer stage (training script → **writer** → event files). Every ``add_*`` method builds its summary with the
owning kind's ``telescope.plugins.<kind>.summary`` functions (imported on first use, so ``import telescope``
stays cheap), serializes the event and hands the bytes to an :class:`~telescope.writer.async_writer.AsyncWriter`,
whose thread frames and writes them. ``add_scalar`` skips protobuf entirely (:mod:`telescope.writer.records`).

Inputs may be Python numbers, numpy arrays, torch tensors or anything with ``__array__``; torch, matplotlib and
Pillow are optional.
"""

from __future__ import annotations

import math
import os
import socket
import struct
import time
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from telescope.writer.async_writer import AsyncWriter
from telescope.writer.event_file import EventFile
from telescope.writer.records import (
    WHAT_GRAPH_DEF,
    WHAT_SUMMARY,
    WHAT_TAGGED_RUN_METADATA,
    event_bytes,
    file_version_event,
    scalar_prefix,
    session_start_event,
    step_bytes,
    varint,
)

if TYPE_CHECKING:
    from telescope.tfrecord.proto import summary_pb2

__all__ = ["SummaryWriter"]

_WALL = struct.Struct("<Bd").pack
_F32 = struct.Struct("<f").pack
_time = time.time
_MAX_CACHED_TAGS = 10_000


def _as_float(value: Any) -> float:
    """One number from a Python number, a numpy scalar/array or a torch tensor of one element."""
    if isinstance(value, (float, int)):
        return float(value)
    item = getattr(value, "item", None)
    if item is not None:
        try:
            return float(item())
        except (ValueError, RuntimeError) as exc:
            shape = list(getattr(value, "shape", ()))
            raise ValueError(f"a scalar must hold exactly one number, got shape {shape}") from exc
    return float(value)


def _f32_bytes(value: float) -> bytes:
    try:
        return _F32(value)
    except OverflowError:  # beyond float32: the float32 it rounds to is infinite, as protobuf would write it
        return _F32(math.copysign(math.inf, value))


def _step(global_step: Any) -> int:
    return 0 if global_step is None else int(global_step)


class SummaryWriter:
    """Writes TensorBoard event files in ``log_dir`` with ``torch.utils.tensorboard.SummaryWriter``'s methods.

    Calls do not wait for the disk: events are queued and written by a background thread, flushed when
    ``max_queue`` events are waiting, every ``flush_secs`` seconds, on :meth:`flush` and :meth:`close`, and at
    interpreter exit. A failure to write (disk full, permissions) never interrupts training: it is logged and
    raised as :class:`~telescope.writer.async_writer.WriterError` by the next :meth:`flush` or :meth:`close`.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str] | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ) -> None:
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = os.fspath(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self._main = EventFile(self.log_dir, filename_suffix=filename_suffix)
        # The first file is created now, as PyTorch does: a bad log_dir fails here, and readers see the run at once.
        self._main.open()
        self._writer = AsyncWriter(self._main, max_queue=max_queue, flush_secs=flush_secs)
        self._files: dict[str, EventFile] = {}
        self._prefixes: dict[str, bytes] = {}
        if purge_step is not None:
            # A new "first" record at the purge step, then SessionLog START: readers drop steps >= purge_step.
            now = _time()
            self._writer.put(file_version_event(now, step=int(purge_step)))
            self._writer.put(session_start_event(now, int(purge_step)))
            self.purge_step = None

    def get_logdir(self) -> str:
        """The directory where event files are written."""
        return self.log_dir

    # ----- plumbing -----

    def _file(self, log_dir: str) -> EventFile:
        f = self._files.get(log_dir)
        if f is None:
            f = self._files.setdefault(log_dir, EventFile(log_dir, filename_suffix=self.filename_suffix))
        return f

    def _add_summary(
        self,
        summary: summary_pb2.Summary,
        global_step: Any = None,
        walltime: float | None = None,
        target: EventFile | None = None,
    ) -> None:
        wall = _time() if walltime is None else float(walltime)
        payload = event_bytes(wall, _step(global_step), WHAT_SUMMARY, summary.SerializeToString())
        self._writer.put_to(target or self._main, payload)

    def _scalar_prefix(self, tag: str) -> bytes:
        if len(self._prefixes) >= _MAX_CACHED_TAGS:
            self._prefixes.clear()
        prefix = self._prefixes[tag] = scalar_prefix(tag)
        return prefix

    # ----- scalars -----

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """Log one number.

        The default (legacy) form is ``simple_value``, as PyTorch writes it. ``new_style=True`` writes a rank-0
        float tensor with ``scalars`` metadata; with ``double_precision=True`` too, a ``DT_DOUBLE`` tensor, which
        TensorBoard's Python loader and Telescope read but its Rust loader ignores.
        """
        if new_style:
            self._add_summary(self._tensor_scalar(tag, scalar_value, double_precision), global_step, walltime)
            return
        cls = type(scalar_value)
        value = scalar_value if cls is float or cls is int else _as_float(scalar_value)
        prefix = self._prefixes.get(tag)
        if prefix is None:
            prefix = self._scalar_prefix(tag)
        try:
            packed = _F32(value)
        except OverflowError:
            packed = _f32_bytes(value)
        if global_step is None:
            step = b""
        else:
            s = global_step if type(global_step) is int else int(global_step)
            step = bytes((0x10, s)) if 0 < s < 0x80 else step_bytes(s)
        wall = _time() if walltime is None else walltime
        self._writer.put(_WALL(0x09, wall) + step + prefix + packed)

    @staticmethod
    def _tensor_scalar(tag: str, value: Any, double_precision: bool) -> summary_pb2.Summary:
        from telescope.plugins.scalars.metadata import PLUGIN_NAME, create_metadata
        from telescope.tfrecord.proto import summary_pb2, tensor_pb2, types_pb2

        number = _as_float(value)
        if double_precision:
            # The SCALAR data class promises DT_FLOAT, so a double keeps the plugin name only, as PyTorch writes it.
            tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, double_val=[number])
            metadata = summary_pb2.SummaryMetadata(
                plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME)
            )
        else:
            tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[number])
            metadata = create_metadata()
        return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, tensor=tensor, metadata=metadata)])

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: dict[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log several numbers under ``main_tag``, one run per key: ``<log_dir>/<main_tag with / → _>_<key>``."""
        wall = _time() if walltime is None else float(walltime)
        step = step_bytes(_step(global_step))
        prefix = scalar_prefix(main_tag)
        head = _WALL(0x09, wall) + step + prefix
        base = self.log_dir + "/" + main_tag.replace("/", "_") + "_"
        for key, value in tag_scalar_dict.items():
            self._writer.put_to(self._file(base + key), head + _f32_bytes(_as_float(value)))

    def add_tensor(self, tag: str, tensor: Any, global_step: int | None = None, walltime: float | None = None) -> None:
        """Log a whole tensor under the plugin name ``tensor`` (kept by readers, shown by no dashboard)."""
        from telescope.plugins.values import tensor_proto
        from telescope.tfrecord.proto import summary_pb2

        metadata = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="tensor"))
        value = summary_pb2.Summary.Value(tag=tag, tensor=tensor_proto(tensor), metadata=metadata)
        self._add_summary(summary_pb2.Summary(value=[value]), global_step, walltime)

    # ----- histograms -----

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """Log the distribution of ``values``.

        ``bins``: ``"tensorflow"`` (TensorFlow's geometric buckets, the default), any ``numpy.histogram`` bins
        string (``"auto"``, ``"fd"``, ``"sturges"``...), a number of equal buckets, or the bucket edges.
        ``max_bins`` merges adjacent buckets down to at most about that many.
        """
        from telescope.plugins.histograms.summary import histogram

        self._add_summary(histogram(tag, values, bins, max_bins=max_bins), global_step, walltime)

    def add_histogram_raw(
        self,
        tag: str,
        min: float,
        max: float,
        num: int,
        sum: float,
        sum_squares: float,
        bucket_limits: Any,
        bucket_counts: Any,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log a histogram computed elsewhere; ``bucket_limits[i]`` is the right edge of bucket ``i``."""
        from telescope.plugins.histograms.summary import histogram_raw

        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts)")
        summary = histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts)
        self._add_summary(summary, global_step, walltime)

    # ----- images, figures, videos -----

    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "CHW",
    ) -> None:
        """Log an image. Floats are 0-1, ``uint8`` 0-255; ``dataformats``: ``CHW``, ``HWC``, ``HW``..."""
        from telescope.plugins.images.summary import image

        self._add_summary(image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "NCHW",
    ) -> None:
        """Log a batch of images tiled into one grid image (8 per row), as PyTorch does."""
        from telescope.plugins.images.summary import image

        self._add_summary(image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_image_with_boxes(
        self,
        tag: str,
        img_tensor: Any,
        box_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        rescale: float = 1,
        dataformats: str = "CHW",
        labels: list[str] | str | None = None,
    ) -> None:
        """Log an image with boxes ``[x1, y1, x2, y2]`` (pixels, one row per box) drawn on it, then rescaled."""
        from telescope.plugins.images.summary import image
        from telescope.plugins.values import as_numpy

        boxes = as_numpy(box_tensor).reshape(-1, 4)
        label_list = [labels] if isinstance(labels, str) else labels
        if label_list is not None and len(label_list) != boxes.shape[0]:
            label_list = None  # PyTorch ignores labels that do not match the boxes
        summary = image(tag, img_tensor, dataformats=dataformats, rescale=rescale, boxes=boxes, labels=label_list)
        self._add_summary(summary, global_step, walltime)

    def add_figure(
        self,
        tag: str,
        figure: Any,
        global_step: int | None = None,
        close: bool = True,
        walltime: float | None = None,
    ) -> None:
        """Log a matplotlib figure (or a list of figures, tiled) as an image; ``close`` closes the figure."""
        from telescope.plugins.images.summary import figure_to_array

        pixels = figure_to_array(figure, close)
        self.add_image(tag, pixels, global_step, walltime, dataformats="NCHW" if pixels.ndim == 4 else "CHW")

    def add_video(
        self, tag: str, vid_tensor: Any, global_step: int | None = None, fps: float = 4, walltime: float | None = None
    ) -> None:
        """Log clips ``[N, T, C, H, W]`` (floats 0-1 or ``uint8``) as one animated GIF, the batch tiled."""
        from telescope.plugins.images.summary import video

        self._add_summary(video(tag, vid_tensor, fps), global_step, walltime)

    # ----- audio, text -----

    def add_audio(
        self,
        tag: str,
        snd_tensor: Any,
        global_step: int | None = None,
        sample_rate: int = 44100,
        walltime: float | None = None,
    ) -> None:
        """Log a clip of samples in [-1, 1] (``[L]`` or ``[1, L]``; ``[C, L]`` for C channels) as 16-bit WAV."""
        from telescope.plugins.audio.summary import audio

        self._add_summary(audio(tag, snd_tensor, sample_rate=sample_rate), global_step, walltime)

    def add_text(
        self, tag: str, text_string: str, global_step: int | None = None, walltime: float | None = None
    ) -> None:
        """Log Markdown text under the tag ``<tag>/text_summary``, as PyTorch does."""
        from telescope.plugins.text.summary import text

        self._add_summary(text(tag + "/text_summary", [text_string]), global_step, walltime)

    # ----- kinds whose builders live in other plugins -----

    def add_graph(
        self,
        model: Any,
        input_to_model: Any = None,
        verbose: bool = False,
        use_strict_trace: bool = True,
    ) -> None:
        """Log the graph of a ``torch.nn.Module`` traced with ``input_to_model``, and its run metadata."""
        from telescope.plugins.graphs.summary import torch_graph

        graph_def, run_metadata = torch_graph(model, input_to_model, verbose, use_strict_trace)
        wall = _time()
        self._writer.put_to(self._main, event_bytes(wall, 0, WHAT_GRAPH_DEF, graph_def))
        tagged = b"\x0a\x05step1\x12" + varint(len(run_metadata)) + run_metadata  # TaggedRunMetadata
        self._writer.put_to(self._main, event_bytes(wall, 0, WHAT_TAGGED_RUN_METADATA, tagged))

    def add_embedding(
        self,
        mat: Any,
        metadata: Any = None,
        label_img: Any = None,
        global_step: int | None = None,
        tag: str = "default",
        metadata_header: Any = None,
    ) -> None:
        """Write projector files for the rows of ``mat`` (with labels and thumbnails) under ``log_dir``."""
        from telescope.plugins.embeddings.summary import write_embedding

        write_embedding(self.log_dir, mat, metadata, label_img, global_step, tag, metadata_header)

    def add_pr_curve(
        self,
        tag: str,
        labels: Any,
        predictions: Any,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: float | None = None,
    ) -> None:
        """Log a precision-recall curve from binary ``labels`` and ``predictions`` in [0, 1]."""
        from telescope.plugins.pr_curves.summary import pr_curve

        summary = pr_curve(tag, labels, predictions, num_thresholds=num_thresholds, weights=weights)
        self._add_summary(summary, global_step, walltime)

    def add_pr_curve_raw(
        self,
        tag: str,
        true_positive_counts: Any,
        false_positive_counts: Any,
        true_negative_counts: Any,
        false_negative_counts: Any,
        precision: Any,
        recall: Any,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: float | None = None,
    ) -> None:
        """Log a precision-recall curve from precomputed counts, precision and recall per threshold."""
        from telescope.plugins.pr_curves.summary import pr_curve_raw

        summary = pr_curve_raw(
            tag,
            true_positive_counts,
            false_positive_counts,
            true_negative_counts,
            false_negative_counts,
            precision,
            recall,
            num_thresholds=num_thresholds,
            weights=weights,
        )
        self._add_summary(summary, global_step, walltime)

    def add_custom_scalars(self, layout: dict[str, dict[str, list[Any]]]) -> None:
        """Lay out charts of existing scalar tags: ``{category: {title: ["Multiline"|"Margin", tags]}}``."""
        from telescope.plugins.custom_scalars.summary import custom_scalars

        self._add_summary(custom_scalars(layout))

    def add_custom_scalars_multilinechart(
        self, tags: list[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """One chart plotting several scalar tags (regular expressions) together."""
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(
        self, tags: list[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """One chart of a value tag between a lower and an upper tag (``tags`` = [value, lower, upper])."""
        if len(tags) != 3:
            raise ValueError(f"a margin chart needs 3 tags (value, lower, upper), got {len(tags)}")
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    def add_mesh(
        self,
        tag: str,
        vertices: Any,
        colors: Any = None,
        faces: Any = None,
        config_dict: dict[str, Any] | None = None,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log a 3D mesh or point cloud: vertices ``[B, N, 3]``, optional colors ``[B, N, 3]``, faces ``[B, F, 3]``."""
        from telescope.plugins.mesh.summary import mesh

        self._add_summary(mesh(tag, vertices, colors, faces, config_dict), global_step, walltime)

    def add_hparams(
        self,
        hparam_dict: dict[str, Any],
        metric_dict: dict[str, Any],
        hparam_domain_discrete: dict[str, list[Any]] | None = None,
        run_name: str | None = None,
        global_step: int | None = None,
        *,
        same_run: bool = False,
    ) -> None:
        """Log one trial's hyperparameters and final metrics for the hparams dashboard.

        As PyTorch does, they go to a new run ``<log_dir>/<run_name>`` (``run_name`` defaults to the current
        time), with the metrics as scalars there. ``same_run=True`` writes them into this writer's own run
        instead, so the trial's curves and its hyperparameters share one run.
        """
        from telescope.plugins.hparams.summary import hparams

        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionaries")
        experiment, start, end = hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        if same_run:
            target = self._main
        else:
            target = EventFile(os.path.join(self.log_dir, run_name or str(time.time())), filename_suffix="")
        for summary in (experiment, start, end):
            self._add_summary(summary, global_step, target=target)
        wall = _time()
        step = step_bytes(_step(global_step))
        for key, value in metric_dict.items():
            self._writer.put_to(target, _WALL(0x09, wall) + step + scalar_prefix(key) + _f32_bytes(_as_float(value)))
        if target is not self._main:
            self._writer.close_file(target)

    # ----- lifecycle -----

    def flush(self) -> None:
        """Wait until everything logged so far is written; raises ``WriterError`` if something could not be."""
        self._writer.flush()

    def close(self) -> None:
        """Write everything logged so far and close the files. Logging again afterwards starts new files."""
        self._writer.close()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
