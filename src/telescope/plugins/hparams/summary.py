"""Writer side of the hparams kind: the three ``Summary`` values describing one trial (docs/event-format §7).

A pure function called by ``SummaryWriter.add_hparams``, which writes the three summaries into the trial's run
and then each metric as an ordinary scalar there.

How a hyperparameter value is written (the first rule that applies):

1. ``None``: left out (no column, no value), as ``torch.utils.tensorboard`` does.
2. ``bool`` or a numpy bool: ``bool_value``, type ``DATA_TYPE_BOOL`` (``torch.utils.tensorboard`` writes
   booleans as the numbers 1.0 and 0.0).
3. A real number (``int``, ``float``, numpy integers and floats): ``number_value``, ``DATA_TYPE_FLOAT64``.
4. ``str``: ``string_value``, ``DATA_TYPE_STRING``; ``bytes`` are decoded as UTF-8.
5. A one-element array or tensor (numpy, torch...): its element, by rules 2 to 4.
6. A function or class (anything with ``__name__`` that is not an instance): its ``__name__`` as a string,
   e.g. ``torch.optim.Adam`` → ``"Adam"``.
7. Anything else (lists, dicts, enums, paths, larger arrays...): ``str(value)`` as a string; arrays are
   written as the ``str`` of their nested list.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from google.protobuf import struct_pb2

from telescope.plugins.hparams import metadata
from telescope.plugins.values import as_numpy, tensor_summary
from telescope.tfrecord.proto import hparams_pb2, summary_pb2

__all__ = ["hparam_value", "hparams"]


def _is_array_like(value: Any) -> bool:
    return isinstance(value, (np.ndarray, np.generic)) or hasattr(value, "__array__") or hasattr(value, "detach")


def hparam_value(value: Any) -> tuple[struct_pb2.Value, hparams_pb2.DataType] | None:
    """The protobuf ``Value`` and hparams ``DataType`` for one hyperparameter value (module docstring), or None."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return struct_pb2.Value(bool_value=bool(value)), hparams_pb2.DATA_TYPE_BOOL
    if isinstance(value, numbers.Real):
        return struct_pb2.Value(number_value=float(value)), hparams_pb2.DATA_TYPE_FLOAT64
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value), hparams_pb2.DATA_TYPE_STRING
    if isinstance(value, (bytes, bytearray)):
        return struct_pb2.Value(string_value=bytes(value).decode("utf-8", "replace")), hparams_pb2.DATA_TYPE_STRING
    if _is_array_like(value):
        arr = as_numpy(value)
        if arr.size == 1 and arr.dtype.kind in "biufUS":
            return hparam_value(arr.reshape(-1)[0])
        return struct_pb2.Value(string_value=str(arr.tolist())), hparams_pb2.DATA_TYPE_STRING
    name = getattr(value, "__name__", None)
    if isinstance(name, str) and (isinstance(value, type) or callable(value)):
        return struct_pb2.Value(string_value=name), hparams_pb2.DATA_TYPE_STRING
    return struct_pb2.Value(string_value=str(value)), hparams_pb2.DATA_TYPE_STRING


def _summary(tag: str, plugin_data: hparams_pb2.HParamsPluginData) -> summary_pb2.Summary:
    return tensor_summary(tag, metadata.null_tensor(), metadata.create_metadata(plugin_data))


def _domain(key: str, values: Any, data_type: hparams_pb2.DataType) -> struct_pb2.ListValue:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"hparam_domain_discrete[{key!r}] must be a list of values, got {values!r}")
    domain = struct_pb2.ListValue()
    for item in values:
        converted = hparam_value(item)
        if converted is None or converted[1] != data_type:
            raise TypeError(
                f"hparam_domain_discrete[{key!r}] holds {item!r}, which is not of the type of hparam_dict[{key!r}]"
                f" ({hparams_pb2.DataType.Name(data_type)})"
            )
        domain.values.append(converted[0])
    return domain


def hparams(
    hparam_dict: Mapping[str, Any],
    metric_dict: Mapping[str, Any],
    hparam_domain_discrete: Mapping[str, Sequence[Any]] | None = None,
) -> tuple[summary_pb2.Summary, summary_pb2.Summary, summary_pb2.Summary]:
    """The ``experiment``, ``session_start_info`` and ``session_end_info`` summaries of one trial.

    ``hparam_dict`` maps hyperparameter names to values (typed as the module docstring says); the keys of
    ``metric_dict`` name the metrics (scalar tags in the trial's run; their values are not written here);
    ``hparam_domain_discrete`` optionally lists every value a hyperparameter can take. The trial ends with
    status ``STATUS_SUCCESS``.
    """
    if not isinstance(hparam_dict, Mapping):
        raise TypeError(f"hparam_dict must be a dict, got {type(hparam_dict).__name__}")
    if not isinstance(metric_dict, Mapping):
        raise TypeError(f"metric_dict must be a dict, got {type(metric_dict).__name__}")
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, Mapping):
        raise TypeError(f"hparam_domain_discrete must be a dict, got {type(domains).__name__}")
    unknown = [k for k in domains if hparam_dict.get(k) is None]
    if unknown:
        raise ValueError(f"hparam_domain_discrete names hyperparameters without a value in hparam_dict: {unknown}")

    start = hparams_pb2.SessionStartInfo()
    infos = []
    for key, raw in hparam_dict.items():
        converted = hparam_value(raw)
        if converted is None:
            continue
        value, data_type = converted
        name = str(key)
        start.hparams[name].CopyFrom(value)
        info = hparams_pb2.HParamInfo(name=name, type=data_type)
        if key in domains:
            info.domain_discrete.CopyFrom(_domain(name, domains[key], data_type))
        infos.append(info)
    metrics = [hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag=str(key))) for key in metric_dict]
    experiment = hparams_pb2.Experiment(hparam_infos=infos, metric_infos=metrics)
    end = hparams_pb2.SessionEndInfo(status=hparams_pb2.STATUS_SUCCESS)
    return (
        _summary(metadata.EXPERIMENT_TAG, hparams_pb2.HParamsPluginData(experiment=experiment)),
        _summary(metadata.SESSION_START_INFO_TAG, hparams_pb2.HParamsPluginData(session_start_info=start)),
        _summary(metadata.SESSION_END_INFO_TAG, hparams_pb2.HParamsPluginData(session_end_info=end)),
    )
