"""Every PR curve in the fixture logdirs (PyTorch, tensorboardX) is read with the values TensorBoard's own reader
finds, matches the manifest, and TensorBoard's PR-curve endpoints answer as TensorBoard does."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope.plugins.pr_curves import query
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]


def _tensorboard_curves(logdir: Path) -> dict[tuple[str, str], list[tuple[int, float, np.ndarray]]]:
    """What TensorBoard's own reader holds for every PR-curve series."""
    from tensorboard.backend.event_processing import plugin_event_multiplexer
    from tensorboard.util import tensor_util

    mux = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0})
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    out = {}
    for run, tags in mux.PluginRunToTagToContent("pr_curves").items():
        for tag in tags:
            out[(run, tag)] = [
                (e.step, e.wall_time, tensor_util.make_ndarray(e.tensor_proto)) for e in mux.Tensors(run, tag)
            ]
    return out


@pytest.mark.parametrize("name", NAMES)
def test_pr_curves_match_tensorboard(
    name: str, ingested: Callable[[str], Store], fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any]
) -> None:
    store = ingested(name)
    expected = {
        (run, tag): info
        for run, r in manifest(name)["runs"].items()
        for tag, info in r.get("data", {}).get("pr_curves", {}).items()
    }
    rows = query.pr_curve_series_rows(store)
    assert {(r.run, r.tag) for r in rows} == set(expected)
    tensorboard = _tensorboard_curves(fixture_logdir(name))
    assert set(tensorboard) == set(expected)
    for s in query.read_series(store, rows):
        info = expected[(s.run, s.tag)]
        assert s.steps.tolist() == info["steps"] and len(s.curves) == info["count"]
        tb = tensorboard[(s.run, s.tag)]
        for curve, shape, (_, _, data) in zip(s.curves, info["shapes"], tb, strict=True):
            assert [6, len(curve.thresholds)] == shape and shape[1] == info["num_thresholds"]
            ours = np.stack([curve.tp, curve.fp, curve.tn, curve.fn, curve.precision, curve.recall])
            np.testing.assert_array_equal(ours, data.astype(np.float64))
        assert [step for step, _, _ in tb] == s.steps.tolist()
        assert [wall for _, wall, _ in tb] == s.wall_times.tolist()


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_pr_curve_endpoints(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    with warnings.catch_warnings():  # TensorBoard's vendored HTML sanitiser warns on import
        warnings.simplefilter("ignore", DeprecationWarning)
        from tensorboard.plugins.pr_curve.pr_curves_plugin import PrCurvesPlugin

    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir(name))
    tags = client.get("/data/plugin/pr_curves/tags").json()
    assert tags == snap["pr_curves_tags"]
    tensorboard = _tensorboard_curves(fixture_logdir(name))
    for run, by_tag in tags.items():
        for tag in by_tag:
            r = client.get("/data/plugin/pr_curves/pr_curves", params={"run": run, "tag": tag})
            assert r.status_code == 200
            ours = r.json()[run]
            # TensorBoard's own formatting of the curves its reader holds (the method uses no plugin state).
            want = [
                PrCurvesPlugin._make_pr_entry(None, step, wall, data) for step, wall, data in tensorboard[(run, tag)]
            ]
            assert ours == want
