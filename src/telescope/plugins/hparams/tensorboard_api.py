"""TensorBoard's hparams API answered from :mod:`telescope.plugins.hparams.query` (no HTTP here): the
``experiment`` JSON and ``ListSessionGroups`` (groups of sessions, filtered, sorted, aggregated and paged as
the request asks), in the JSON shapes TensorBoard's hparams dashboard and scripts expect.

Request fields understood (TensorBoard's ``ListSessionGroupsRequest`` in JSON): ``allowedStatuses``,
``colParams`` (each naming an ``hparam`` or a ``metric`` ``{group, tag}``, with ``order``
``ORDER_ASC``/``ORDER_DESC``, ``missingValuesFirst``, ``excludeMissingValues``, ``includeInResult`` and one of
``filterRegexp``, ``filterInterval {minValue, maxValue}``, ``filterDiscrete [values]``), ``aggregationType``
(``AGGREGATION_AVG`` by default, ``_MEDIAN``, ``_MIN``, ``_MAX`` with ``aggregationMetric``), ``startIndex``,
``sliceSize`` (0 or absent: every group) and ``includeMetrics``.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format

from telescope.errors import BadRequest
from telescope.plugins.hparams.query import HParams, HValue, MetricValue, Session
from telescope.tfrecord.proto import hparams_pb2

_STATUSES = dict(hparams_pb2.Status.items())


def experiment_json(data: HParams, *, include_metrics: bool = True) -> dict[str, Any]:
    """The experiment as TensorBoard's ``/experiment`` answers it (written fields as they are)."""
    proto = hparams_pb2.Experiment()
    proto.CopyFrom(data.experiment.proto)
    if not include_metrics:
        del proto.metric_infos[:]
    out: dict[str, Any] = json_format.MessageToDict(proto, always_print_fields_with_no_presence=True)
    return out


def _number(v: float) -> Any:
    if math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def _metric_json(m: MetricValue) -> dict[str, Any]:
    return {
        "name": {"group": m.group, "tag": m.tag},
        "value": _number(m.value),
        "trainingStep": m.step,
        "wallTimeSecs": m.wall_time,
    }


def _session_json(s: Session, include_metrics: bool) -> dict[str, Any]:
    return {
        "name": s.run,
        "startTimeSecs": s.start_time_secs,
        "endTimeSecs": s.end_time_secs,
        "status": hparams_pb2.Status.Name(s.status) if s.status in _STATUSES.values() else "STATUS_UNKNOWN",
        "modelUri": s.model_uri,
        "monitorUrl": s.monitor_url,
        "metricValues": [_metric_json(m) for m in s.metrics] if include_metrics else [],
    }


@dataclass
class _Group:
    name: str
    sessions: list[Session]
    hparams: dict[str, HValue]
    metrics: dict[tuple[str, str], MetricValue]


def _aggregate(sessions: Sequence[Session], how: str, by: tuple[str, str] | None) -> dict[tuple[str, str], MetricValue]:
    per_metric: dict[tuple[str, str], list[MetricValue]] = {}
    for s in sessions:
        for m in s.metrics:
            per_metric.setdefault((m.group, m.tag), []).append(m)
    if how in ("AGGREGATION_MIN", "AGGREGATION_MAX"):
        if by is None:
            raise BadRequest(f"{how} needs aggregationMetric {{group, tag}}.", code="bad_parameter")
        candidates = [(m.value, s) for s in sessions for m in s.metrics if (m.group, m.tag) == by]
        if not candidates:
            return {}
        pick = min if how == "AGGREGATION_MIN" else max
        chosen = pick(candidates, key=lambda c: c[0])[1]
        return {(m.group, m.tag): m for m in chosen.metrics}
    out = {}
    for key, ms in per_metric.items():
        if how == "AGGREGATION_MEDIAN":
            value = statistics.median(m.value for m in ms)
        else:
            value = sum(m.value for m in ms) / len(ms)
        out[key] = MetricValue(
            key[0],
            key[1],
            value,
            sum(m.step for m in ms) // len(ms),
            sum(m.wall_time for m in ms) / len(ms),
        )
    return out


def _column_value(group: _Group, col: Mapping[str, Any]) -> HValue:
    if "hparam" in col:
        return group.hparams.get(str(col["hparam"]))
    metric = col.get("metric")
    if not isinstance(metric, Mapping):
        raise BadRequest("each colParams entry needs 'hparam' or 'metric'.", code="bad_parameter")
    m = group.metrics.get((str(metric.get("group", "")), str(metric.get("tag", ""))))
    return None if m is None else m.value


def _passes(value: HValue, col: Mapping[str, Any]) -> bool:
    if value is None:
        return not col.get("excludeMissingValues", False)
    if "filterRegexp" in col:
        try:
            pattern = re.compile(str(col["filterRegexp"]))
        except re.error as e:
            raise BadRequest(f"filterRegexp is not a regular expression: {e}", code="bad_parameter") from e
        return pattern.search(value if isinstance(value, str) else json_text(value)) is not None
    if "filterInterval" in col:
        interval = col["filterInterval"]
        if isinstance(value, bool) or not isinstance(value, float):
            return False
        lo = float(interval.get("minValue", -math.inf))
        hi = float(interval.get("maxValue", math.inf))
        return lo <= value <= hi
    if "filterDiscrete" in col:
        allowed = col["filterDiscrete"]
        if not isinstance(allowed, list):
            raise BadRequest("filterDiscrete must be a list of values.", code="bad_parameter")
        return any(_same(value, a) for a in allowed)
    return True


def _same(value: HValue, other: Any) -> bool:
    if isinstance(value, bool) or isinstance(other, bool):
        return isinstance(value, bool) and isinstance(other, bool) and value == other
    if isinstance(value, float) and isinstance(other, (int, float)):
        return value == float(other)
    return bool(value == other)


def json_text(v: HValue) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _sort_key(value: HValue) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, float):
        return (0, value) if not math.isnan(value) else (1, 0)
    return (2, str(value))


def list_session_groups(data: HParams, request: Mapping[str, Any]) -> dict[str, Any]:
    """TensorBoard's ``ListSessionGroupsResponse`` for ``request`` (a parsed JSON object)."""
    if not isinstance(request, Mapping):
        raise BadRequest("the request must be a JSON object.", code="bad_parameter")
    cols = request.get("colParams", []) or []
    if not isinstance(cols, list) or not all(isinstance(c, Mapping) for c in cols):
        raise BadRequest("colParams must be a list of objects.", code="bad_parameter")
    include_metrics = bool(request.get("includeMetrics", True))
    allowed = request.get("allowedStatuses") or []
    unknown = [s for s in allowed if s not in _STATUSES]
    if unknown:
        raise BadRequest(f"unknown status {unknown[0]!r} in allowedStatuses.", code="bad_parameter")
    allowed_numbers = {_STATUSES[s] for s in allowed}
    how = str(request.get("aggregationType", "AGGREGATION_AVG") or "AGGREGATION_AVG")
    if how not in ("AGGREGATION_AVG", "AGGREGATION_MEDIAN", "AGGREGATION_MIN", "AGGREGATION_MAX", "AGGREGATION_UNSET"):
        raise BadRequest(f"unknown aggregationType {how!r}.", code="bad_parameter")
    by_raw = request.get("aggregationMetric")
    by = (str(by_raw.get("group", "")), str(by_raw.get("tag", ""))) if isinstance(by_raw, Mapping) else None

    by_name: dict[str, list[Session]] = {}
    for s in data.sessions:
        if allowed_numbers and s.status not in allowed_numbers:
            continue
        by_name.setdefault(s.group, []).append(s)
    groups = [
        _Group(name, sorted(ss, key=lambda s: s.run), dict(ss[0].hparams), _aggregate(ss, how, by))
        for name, ss in sorted(by_name.items())
    ]
    groups = [g for g in groups if all(_passes(_column_value(g, c), c) for c in cols)]
    for col in reversed([c for c in cols if c.get("order") in ("ORDER_ASC", "ORDER_DESC")]):
        missing_first = bool(col.get("missingValuesFirst", False))
        present = [g for g in groups if _column_value(g, col) is not None]
        absent = [g for g in groups if _column_value(g, col) is None]
        present.sort(key=lambda g: _sort_key(_column_value(g, col)), reverse=col["order"] == "ORDER_DESC")
        groups = absent + present if missing_first else present + absent
    total = len(groups)
    start = int(request.get("startIndex", 0) or 0)
    size = int(request.get("sliceSize", 0) or 0)
    if start < 0 or size < 0:
        raise BadRequest("startIndex and sliceSize must not be negative.", code="bad_parameter")
    page = groups[start : start + size] if size else groups[start:]
    included = {str(c["hparam"]) for c in cols if "hparam" in c and c.get("includeInResult")}
    restrict = any("includeInResult" in c for c in cols)
    return {
        "sessionGroups": [
            {
                "name": g.name,
                "hparams": {k: v for k, v in g.hparams.items() if not restrict or k in included},
                "metricValues": [_metric_json(m) for m in g.metrics.values()] if include_metrics else [],
                "sessions": [_session_json(s, include_metrics) for s in g.sessions],
                "monitorUrl": "",
            }
            for g in page
        ],
        "totalSize": total,
    }
