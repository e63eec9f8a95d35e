"""hparams summaries: each hyperparameter gets the type a user expects to filter and sort by."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from google.protobuf import json_format

from telescope.plugins.hparams import metadata
from telescope.plugins.hparams.summary import hparams
from telescope.tfrecord.proto import hparams_pb2, summary_pb2, types_pb2
from telescope.tfrecord.tensor import to_numpy


class Color(enum.Enum):
    RED = 1


def _start_values(hparam_dict: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    """name → (value, DataType name) as written in session_start_info and experiment."""
    experiment, start, _ = hparams(hparam_dict, {})
    types = {
        info.name: hparams_pb2.DataType.Name(info.type)
        for info in metadata.parse_experiment(experiment.value[0].metadata.plugin_data.content).hparam_infos
    }
    values = metadata.parse_session_start_info(start.value[0].metadata.plugin_data.content).hparams
    assert set(types) == set(values)
    return {k: (json_format.MessageToDict(v), types[k]) for k, v in values.items()}


def test_three_values_with_their_tags_and_an_empty_float_tensor() -> None:
    experiment, start, end = hparams({"lr": 0.1}, {"hparam/accuracy": 0.9, "loss": 0.2})
    for summary, tag in [
        (experiment, "_hparams_/experiment"),
        (start, "_hparams_/session_start_info"),
        (end, "_hparams_/session_end_info"),
    ]:
        (value,) = summary.value
        assert value.tag == tag
        assert value.metadata.plugin_data.plugin_name == "hparams"
        assert value.metadata.data_class == summary_pb2.DATA_CLASS_TENSOR
        assert value.tensor.dtype == types_pb2.DT_FLOAT
        assert to_numpy(value.tensor).shape == (0,)
    exp = metadata.parse_experiment(experiment.value[0].metadata.plugin_data.content)
    assert [(m.name.group, m.name.tag) for m in exp.metric_infos] == [("", "hparam/accuracy"), ("", "loss")]
    assert metadata.parse_session_end_info(end.value[0].metadata.plugin_data.content).status == (
        hparams_pb2.STATUS_SUCCESS
    )


def test_values_are_typed_by_the_documented_rules() -> None:
    written = _start_values(
        {
            "lr": 0.001,
            "layers": 3,
            "np_int": np.int64(7),
            "np_float": np.float32(0.5),
            "shuffle": True,
            "np_bool": np.bool_(False),
            "optimizer": "adam",
            "raw": b"bytes",
            "one": np.array([2.5]),
            "bool_array": np.array([True]),
            "str_array": np.array(["relu"]),
            "activation": np.tanh,
            "cls": Path,
            "sizes": [32, 64],
            "grid": np.array([1, 2]),
            "color": Color.RED,
            "unset": None,
        }
    )
    assert written == {
        "lr": (0.001, "DATA_TYPE_FLOAT64"),
        "layers": (3.0, "DATA_TYPE_FLOAT64"),
        "np_int": (7.0, "DATA_TYPE_FLOAT64"),
        "np_float": (0.5, "DATA_TYPE_FLOAT64"),
        "shuffle": (True, "DATA_TYPE_BOOL"),
        "np_bool": (False, "DATA_TYPE_BOOL"),
        "optimizer": ("adam", "DATA_TYPE_STRING"),
        "raw": ("bytes", "DATA_TYPE_STRING"),
        "one": (2.5, "DATA_TYPE_FLOAT64"),
        "bool_array": (True, "DATA_TYPE_BOOL"),
        "str_array": ("relu", "DATA_TYPE_STRING"),
        "activation": ("tanh", "DATA_TYPE_STRING"),
        "cls": ("Path", "DATA_TYPE_STRING"),
        "sizes": ("[32, 64]", "DATA_TYPE_STRING"),
        "grid": ("[1, 2]", "DATA_TYPE_STRING"),
        "color": ("Color.RED", "DATA_TYPE_STRING"),
    }


def test_one_element_torch_tensors_are_numbers_or_booleans() -> None:
    torch = pytest.importorskip("torch")
    written = _start_values({"t": torch.tensor([0.25]), "b": torch.tensor(True), "m": torch.nn.functional.relu})
    assert written == {
        "t": (0.25, "DATA_TYPE_FLOAT64"),
        "b": (True, "DATA_TYPE_BOOL"),
        "m": ("relu", "DATA_TYPE_STRING"),
    }


def test_discrete_domains_are_listed_with_the_values_type() -> None:
    experiment, _, _ = hparams(
        {"opt": "adam", "bs": 32, "aug": True},
        {},
        hparam_domain_discrete={"opt": ["adam", "sgd"], "bs": [16, 32.0], "aug": [True, False]},
    )
    infos = {
        i.name: i for i in metadata.parse_experiment(experiment.value[0].metadata.plugin_data.content).hparam_infos
    }
    assert [v.string_value for v in infos["opt"].domain_discrete.values] == ["adam", "sgd"]
    assert [v.number_value for v in infos["bs"].domain_discrete.values] == [16.0, 32.0]
    assert [v.bool_value for v in infos["aug"].domain_discrete.values] == [True, False]


def test_bad_domains_and_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="not of the type"):
        hparams({"bs": 32}, {}, hparam_domain_discrete={"bs": ["big"]})
    with pytest.raises(ValueError, match="without a value"):
        hparams({"bs": 32}, {}, hparam_domain_discrete={"lr": [0.1]})
    with pytest.raises(TypeError, match="list of values"):
        hparams({"opt": "adam"}, {}, hparam_domain_discrete={"opt": "adam"})
    with pytest.raises(TypeError, match="hparam_dict"):
        hparams([("lr", 0.1)], {})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="metric_dict"):
        hparams({}, ["acc"])  # type: ignore[arg-type]


def test_the_same_values_give_the_same_bytes_whatever_the_key_order() -> None:
    a = hparams({"a": 1, "b": "x", "c": True}, {})[1]
    b = hparams({"c": True, "b": "x", "a": 1}, {})[1]
    assert a.SerializeToString() == b.SerializeToString()


def test_plugin_data_must_be_version_0_and_hold_the_asked_member() -> None:
    experiment, start, _ = hparams({"lr": 0.1}, {})
    with pytest.raises(ValueError, match="session_start_info"):
        metadata.parse_experiment(start.value[0].metadata.plugin_data.content)
    newer = hparams_pb2.HParamsPluginData(version=1, experiment=hparams_pb2.Experiment())
    with pytest.raises(ValueError, match="version"):
        metadata.parse_plugin_data(newer.SerializeToString())
    assert metadata.parse_experiment(experiment.value[0].metadata.plugin_data.content).hparam_infos[0].name == "lr"
