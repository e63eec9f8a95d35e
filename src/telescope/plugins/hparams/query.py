"""Pure read functions for the hparams kind (no HTTP): the experiment, the sessions (trials) with their
hyperparameter values, status and metric values, and the whole kind as a DataFrame (docs/event-format §7).

A *session run* is a run holding ``_hparams_/session_start_info``. Its metric ``(group, tag)`` is the scalar
series ``tag`` of run ``<session run>/<group>`` (the session run itself when ``group`` is empty); the value
reported is that series' last point. The experiment is the one written with ``_hparams_/experiment``
(several written ones, as PyTorch writes one per trial, are merged: first by run name wins); when none was
written it is inferred from the sessions and the scalars below them (§7.3).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from google.protobuf import struct_pb2

from telescope.plugins.hparams.decode import parse_content
from telescope.plugins.hparams.metadata import (
    EXPERIMENT_TAG,
    PLUGIN_NAME,
    SESSION_END_INFO_TAG,
    SESSION_START_INFO_TAG,
)
from telescope.query import read_scalar_series, read_tensor_series_many
from telescope.store import SeriesRow, Store
from telescope.tfrecord.proto import hparams_pb2

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

HValue = float | str | bool | None

TYPE_NAMES: dict[int, str] = {
    hparams_pb2.DATA_TYPE_UNSET: "unset",
    hparams_pb2.DATA_TYPE_STRING: "string",
    hparams_pb2.DATA_TYPE_BOOL: "bool",
    hparams_pb2.DATA_TYPE_FLOAT64: "float64",
}
STATUS_NAMES: dict[int, str] = {
    hparams_pb2.STATUS_UNKNOWN: "unknown",
    hparams_pb2.STATUS_SUCCESS: "success",
    hparams_pb2.STATUS_FAILURE: "failure",
    hparams_pb2.STATUS_RUNNING: "running",
}
DATASET_NAMES: dict[int, str] = {
    hparams_pb2.DATASET_UNKNOWN: "unknown",
    hparams_pb2.DATASET_TRAINING: "training",
    hparams_pb2.DATASET_VALIDATION: "validation",
}


@dataclass(frozen=True)
class HParamInfo:
    name: str
    display_name: str
    description: str
    type: str  # "float64" | "string" | "bool" | "unset"
    discrete: tuple[HValue, ...] | None  # the values it may take, when listed
    interval: tuple[float, float] | None  # [min, max], when given
    differs: bool  # at least two sessions have different values


@dataclass(frozen=True)
class MetricInfo:
    group: str
    tag: str
    display_name: str
    description: str
    dataset_type: str  # "unknown" | "training" | "validation"


@dataclass(frozen=True)
class Experiment:
    name: str
    description: str
    user: str
    time_created_secs: float
    hparams: list[HParamInfo]
    metrics: list[MetricInfo]
    inferred: bool  # no run holds an _hparams_/experiment: built from the sessions
    runs: tuple[str, ...]  # the runs whose experiment was used
    proto: hparams_pb2.Experiment  # as written (merged), or as inferred: what TensorBoard's API answers


@dataclass(frozen=True)
class MetricValue:
    group: str
    tag: str
    value: float
    step: int
    wall_time: float


@dataclass(frozen=True)
class Session:
    run: str
    parent: str | None  # the deepest run above the session run (PyTorch's add_hparams writes a sub-run)
    group: str  # the session group: its group_name, or the run when it has none
    hparams: dict[str, HValue]
    status: int  # hparams_pb2.Status
    start_time_secs: float  # 0: not recorded
    end_time_secs: float  # 0: not recorded
    model_uri: str
    monitor_url: str
    metrics: list[MetricValue]

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, "unknown")


@dataclass(frozen=True)
class HParams:
    experiment: Experiment
    sessions: list[Session]


def value_of(v: struct_pb2.Value) -> HValue:
    """A ``google.protobuf.Value`` as a Python number, string or boolean (None for null; other kinds as text)."""
    kind = v.WhichOneof("kind")
    if kind == "number_value":
        return float(v.number_value)
    if kind == "string_value":
        return str(v.string_value)
    if kind == "bool_value":
        return bool(v.bool_value)
    if kind in (None, "null_value"):
        return None
    from google.protobuf import json_format

    return json_format.MessageToJson(v, indent=None)


def _type_of(v: HValue) -> int:
    if isinstance(v, bool):
        return hparams_pb2.DATA_TYPE_BOOL
    if isinstance(v, float):
        return hparams_pb2.DATA_TYPE_FLOAT64
    if isinstance(v, str):
        return hparams_pb2.DATA_TYPE_STRING
    return hparams_pb2.DATA_TYPE_UNSET


@dataclass
class _RunData:
    experiment: hparams_pb2.Experiment | None = None
    start: hparams_pb2.SessionStartInfo | None = None
    end: hparams_pb2.SessionEndInfo | None = None


def _read_run_data(store: Store) -> dict[str, _RunData]:
    """Per run, the newest experiment, session start and session end it holds."""
    rows = [r for r in store.list_series(plugin=PLUGIN_NAME) if r.storage_class == "tensors"]
    out: dict[str, _RunData] = {}
    for row, series in zip(rows, read_tensor_series_many(store, rows), strict=True):
        if not series.values:
            continue
        try:
            data = parse_content(bytes(series.values[-1].reshape(-1)[0]))
        except ValueError as e:  # indexed before this check existed: skip, say why
            logger.warning("run %r tag %r: %s", row.run, row.tag, e)
            continue
        which = data.WhichOneof("data")
        entry = out.setdefault(row.run, _RunData())
        if which == "experiment" and row.tag == EXPERIMENT_TAG:
            entry.experiment = data.experiment
        elif which == "session_start_info" and row.tag == SESSION_START_INFO_TAG:
            entry.start = data.session_start_info
        elif which == "session_end_info" and row.tag == SESSION_END_INFO_TAG:
            entry.end = data.session_end_info
    return out


def _is_below(run: str, ancestor: str) -> bool:
    return ancestor == "." or run.startswith(ancestor + "/")


def _relative(run: str, ancestor: str) -> str:
    if run == ancestor:
        return ""
    return run if ancestor == "." else run[len(ancestor) + 1 :]


def _deepest_ancestor(run: str, candidates: Iterable[str]) -> str | None:
    best: str | None = None
    for c in candidates:
        if c != run and _is_below(run, c) and (best is None or best == "." or len(c) > len(best)):
            best = c
    return best


def _merged_experiment(runs: dict[str, _RunData]) -> tuple[hparams_pb2.Experiment, tuple[str, ...]] | None:
    written = [(name, d.experiment) for name, d in sorted(runs.items()) if d.experiment is not None]
    if not written:
        return None
    merged = hparams_pb2.Experiment()
    merged.CopyFrom(written[0][1])
    del merged.hparam_infos[:]
    del merged.metric_infos[:]
    seen_hparams: set[str] = set()
    seen_metrics: set[tuple[str, str]] = set()
    for _, exp in written:
        for h in exp.hparam_infos:
            if h.name not in seen_hparams:
                seen_hparams.add(h.name)
                merged.hparam_infos.append(h)
        for m in exp.metric_infos:
            key = (m.name.group, m.name.tag)
            if key not in seen_metrics:
                seen_metrics.add(key)
                merged.metric_infos.append(m)
    # TensorBoard lists hyperparameters by name.
    ordered = sorted(merged.hparam_infos, key=lambda h: h.name)
    del merged.hparam_infos[:]
    merged.hparam_infos.extend(ordered)
    return merged, tuple(name for name, _ in written)


def _inferred_hparams(starts: Sequence[hparams_pb2.SessionStartInfo]) -> list[hparams_pb2.HParamInfo]:
    values: dict[str, list[HValue]] = {}
    for start in starts:
        for name, v in start.hparams.items():
            values.setdefault(name, []).append(value_of(v))
    infos = []
    for name in sorted(values):
        vs = [v for v in values[name] if _type_of(v) != hparams_pb2.DATA_TYPE_UNSET]
        types = {_type_of(v) for v in vs}
        if not types:
            continue
        info = hparams_pb2.HParamInfo(name=name)
        if len(types) > 1 or types == {hparams_pb2.DATA_TYPE_STRING}:
            info.type = hparams_pb2.DATA_TYPE_STRING
            distinct = sorted({_text(v) for v in vs})
            info.domain_discrete.values.extend(struct_pb2.Value(string_value=s) for s in distinct)
        elif types == {hparams_pb2.DATA_TYPE_BOOL}:
            info.type = hparams_pb2.DATA_TYPE_BOOL
            distinct_b = sorted({bool(v) for v in vs})
            info.domain_discrete.values.extend(struct_pb2.Value(bool_value=b) for b in distinct_b)
        else:
            info.type = hparams_pb2.DATA_TYPE_FLOAT64
            numbers = [float(v) for v in vs if isinstance(v, float)]
            info.domain_interval.min_value = min(numbers)
            info.domain_interval.max_value = max(numbers)
        info.differs = len({_text(v) for v in vs}) > 1
        infos.append(info)
    return infos


def _text(v: HValue) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _inferred_metrics(session_runs: Sequence[str], scalar_rows: Sequence[SeriesRow]) -> list[hparams_pb2.MetricInfo]:
    seen: set[tuple[str, str]] = set()
    for row in scalar_rows:
        owner = row.run if row.run in session_runs else _deepest_ancestor(row.run, session_runs)
        if owner is None:
            continue
        seen.add((_relative(row.run, owner), row.tag))
    return [hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(group=g, tag=t)) for g, t in sorted(seen)]


def _hparam_info(h: hparams_pb2.HParamInfo, sessions: Sequence[Session]) -> HParamInfo:
    domain = h.WhichOneof("domain")
    discrete = tuple(value_of(v) for v in h.domain_discrete.values) if domain == "domain_discrete" else None
    interval = (h.domain_interval.min_value, h.domain_interval.max_value) if domain == "domain_interval" else None
    seen = {_text(s.hparams[h.name]) for s in sessions if h.name in s.hparams}
    return HParamInfo(
        name=h.name,
        display_name=h.display_name,
        description=h.description,
        type=TYPE_NAMES.get(h.type, "unset"),
        discrete=discrete,
        interval=interval,
        differs=len(seen) > 1,
    )


def _last_point(store: Store, row: SeriesRow, group: str) -> MetricValue | None:
    s = read_scalar_series(store, row)
    if len(s.steps) == 0:
        return None
    return MetricValue(group, row.tag, float(s.values[-1]), int(s.steps[-1]), float(s.wall_times[-1]))


def read_hparams(store: Store) -> HParams:
    """The experiment and every session of the logdir (an empty experiment when there is no hparams data)."""
    runs = _read_run_data(store)
    run_names = [r.name for r in store.list_runs()]
    session_runs = sorted(name for name, d in runs.items() if d.start is not None)
    scalar_rows = store.list_series(plugin="scalars")
    merged = _merged_experiment(runs)
    if merged is not None:
        proto, source = merged
        inferred = False
    else:
        starts = [runs[name].start for name in session_runs]
        proto = hparams_pb2.Experiment(
            hparam_infos=_inferred_hparams([s for s in starts if s is not None]),
            metric_infos=_inferred_metrics(session_runs, scalar_rows),
        )
        source, inferred = (), True
    by_key = {(r.run, r.tag): r for r in scalar_rows}
    sessions = []
    for name in session_runs:
        data = runs[name]
        start = data.start
        assert start is not None
        end = data.end or hparams_pb2.SessionEndInfo()
        metrics = []
        for m in proto.metric_infos:
            metric_run = name if not m.name.group else (m.name.group if name == "." else f"{name}/{m.name.group}")
            row = by_key.get((metric_run, m.name.tag))
            point = _last_point(store, row, m.name.group) if row is not None else None
            if point is not None:
                metrics.append(point)
        sessions.append(
            Session(
                run=name,
                parent=_deepest_ancestor(name, run_names),
                group=start.group_name or name,
                hparams={k: value_of(v) for k, v in sorted(start.hparams.items())},
                status=int(end.status),
                start_time_secs=float(start.start_time_secs),
                end_time_secs=float(end.end_time_secs),
                model_uri=start.model_uri,
                monitor_url=start.monitor_url,
                metrics=metrics,
            )
        )
    experiment = Experiment(
        name=proto.name,
        description=proto.description,
        user=proto.user,
        time_created_secs=float(proto.time_created_secs),
        hparams=[_hparam_info(h, sessions) for h in proto.hparam_infos],
        metrics=[
            MetricInfo(
                group=m.name.group,
                tag=m.name.tag,
                display_name=m.display_name,
                description=m.description,
                dataset_type=DATASET_NAMES.get(m.dataset_type, "unknown"),
            )
            for m in proto.metric_infos
        ],
        inferred=inferred,
        runs=source,
        proto=proto,
    )
    return HParams(experiment, sessions)


def metric_column(m: MetricInfo | MetricValue) -> str:
    """The DataFrame column of a metric: its tag, prefixed by its group (``validation/epoch_loss``) if any."""
    return f"{m.group}/{m.tag}" if m.group else m.tag


def read_frame(store: Store, **options: Any) -> pd.DataFrame:
    """One row per session run: ``run``, one column per hyperparameter, one per metric (its last value)."""
    import pandas as pd

    if options:
        raise TypeError(f"read_hparams takes no options {sorted(options)}")
    data = read_hparams(store)
    hparam_names = [h.name for h in data.experiment.hparams]
    for s in data.sessions:  # values a session has that the written experiment does not list
        hparam_names.extend(k for k in s.hparams if k not in hparam_names)
    metric_names = [metric_column(m) for m in data.experiment.metrics]
    columns = ["run", *hparam_names, *(m for m in metric_names if m not in hparam_names)]
    rows = []
    for s in data.sessions:
        row: dict[str, Any] = {"run": s.run}
        row.update({k: s.hparams.get(k) for k in hparam_names})
        values = {metric_column(m): m.value for m in s.metrics}
        row.update({m: values.get(m, math.nan) for m in metric_names if m not in hparam_names})
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)
