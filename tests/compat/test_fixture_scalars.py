"""Every fixture logdir written by real producers is ingested and its scalars match TensorBoard's manifest.

The manifests record what TensorBoard's own reader keeps. Where Telescope deliberately keeps more (a corrupt
record costs only that record) or applies the documented restart rule, the test says so and checks that
behaviour exactly instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from telescope.query import read_scalar_series
from telescope.store import Store

# (run, tag) pairs where Telescope's documented behaviour differs from TensorBoard's Python reader.
DIFFERENT_ON_PURPOSE = {
    ("corrupt_crc_middle", "corrupt_metric"),  # TB stops at the bad record; we skip only that record
    ("restart_step_backwards", "resumed_loss"),  # TB's Python reader ignores a run's first START marker
    ("restart_step_backwards", "resumed_sparse"),
}


def _num(v: Any) -> float:
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, v) if isinstance(v, str) else v


@pytest.mark.parametrize("name", ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"])
def test_scalars_match_manifest(name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested(name)
    man = manifest(name)
    expected_tags = {
        (run, tag): info for run, r in man["runs"].items() for tag, info in r.get("data", {}).get("scalars", {}).items()
    }
    ours = {(s.run, s.tag): s for s in store.list_series(plugin="scalars")}
    assert set(ours) == set(expected_tags), "scalar tags differ from TensorBoard's"
    checked = 0
    for key, info in expected_tags.items():
        if key in DIFFERENT_ON_PURPOSE:
            continue
        s = read_scalar_series(store, ours[key])
        pairs = list(zip(s.steps.tolist(), s.values.tolist(), strict=True))
        want = [(step, _num(v)) for step, v in info["values"]]
        assert len(pairs) == info["count"], key
        # Exact values, NaN equal to NaN, in TensorBoard's order.
        np.testing.assert_array_equal(np.array([p[0] for p in pairs]), np.array([w[0] for w in want]), err_msg=str(key))
        np.testing.assert_array_equal(np.array([p[1] for p in pairs]), np.array([w[1] for w in want]), err_msg=str(key))
        finite = [v for _, v in pairs if not math.isnan(v)]
        assert min(finite) == _num(info["min"]) and max(finite) == _num(info["max"]), key
        assert sum(math.isnan(v) for _, v in pairs) == info["nan_count"], key
        checked += 1
    assert checked >= len(expected_tags) - len(DIFFERENT_ON_PURPOSE)


def test_corrupt_record_costs_only_that_record(ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested("edge_dev")
    (row,) = store.list_series(run="corrupt_crc_middle", tag="corrupt_metric")
    s = read_scalar_series(store, row)
    tb = manifest("edge_dev")["runs"]["corrupt_crc_middle"]["data"]["scalars"]["corrupt_metric"]
    steps = s.steps.tolist()
    # Everything TensorBoard read is there, and the records after the corrupt one too: one step is missing.
    assert steps[: tb["count"]] == [st for st, _ in tb["values"]]
    assert len(steps) > tb["count"]
    missing = sorted(set(range(steps[-1] + 1)) - set(steps))
    assert len(missing) == 1
    problems = [p for p in store.status().problems if p.path.startswith("corrupt_crc_middle/")]
    assert [p.kind for p in problems] == ["data_crc"]
    assert problems[0].offset > 0


def test_restart_rule_on_fixture(ingested: Callable[[str], Store]) -> None:
    store = ingested("edge_dev")
    (row,) = store.list_series(run="restart_step_backwards", tag="resumed_loss")
    s = read_scalar_series(store, row)
    # The resumed job (purge_step=30) hides the stale steps 30..59: steps 0..45 once each, as RustBoard shows.
    assert s.steps.tolist() == list(range(46))
    everything = read_scalar_series(store, row, include_hidden=True)
    assert len(everything.steps) == 76
    assert int(everything.hidden.sum()) == 30
    (sparse,) = store.list_series(run="restart_step_backwards", tag="resumed_sparse")
    assert read_scalar_series(store, sparse).steps.tolist() == [0, 10, 20]
    (initial,) = store.list_series(run="restart_with_initial_start", tag="resumed_loss")
    assert read_scalar_series(store, initial).steps.tolist() == list(range(46))


def test_edge_files_are_reported_not_fatal(ingested: Callable[[str], Store]) -> None:
    store = ingested("edge_dev")
    st = store.status()
    kinds = {(p.path.split("/")[0], p.kind) for p in st.problems}
    assert ("garbage_named_event", "length_crc") in kinds
    assert ("zero_byte_file", "empty_file") in kinds
    assert not any(p.path.startswith("truncated_final_record/") for p in st.problems), "a torn tail is not an error"
    runs = {r.name for r in store.list_runs()}
    assert {
        "garbage_named_event",
        "zero_byte_file",
        "version_only",
        "dev run ✓ name",
        "nested_dev/x/y/z/w/leaf",
    } <= runs
    assert "empty_dev_dir" not in runs


def test_int64_steps_are_exact(ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested("edge_dev")
    (row,) = store.list_series(run="int64_steps", tag="huge_step_metric")
    tb = manifest("edge_dev")["runs"]["int64_steps"]["data"]["scalars"]["huge_step_metric"]
    assert read_scalar_series(store, row).steps.tolist() == [st for st, _ in tb["values"]]
