"""Every histogram in the fixture logdirs (Keras v2 tensors, PyTorch and tensorboardX legacy protos) is read, matches
TensorBoard's manifest, and TensorBoard's histogram endpoints answer as a real TensorBoard did.

TensorBoard's Python backend converts legacy histograms to float32; we keep float64, so edges are compared after
rounding ours to float32 (what TensorBoard's manifest holds). Its server samples long series (51 histograms per
response); we return every step, so each step it returned must be among ours, identical.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from telescope.plugins.histograms import query
from telescope.store import Store

NAMES = ["keras_dev", "torch_dev", "tbx_dev", "edge_dev"]


def _expected(man: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (run, tag): info
        for run, r in man["runs"].items()
        for tag, info in r.get("data", {}).get("histograms", {}).items()
    }


@pytest.mark.parametrize("name", NAMES)
def test_histograms_match_manifest(name: str, ingested: Callable[[str], Store], manifest: Callable[..., Any]) -> None:
    store = ingested(name)
    expected = _expected(manifest(name))
    rows = query.histogram_series_rows(store)
    assert {(r.run, r.tag) for r in rows} == set(expected), "histogram tags differ from TensorBoard's"
    assert not [p for p in store.status().problems if p.kind == "bad_value"]
    for s in query.read_series(store, rows):
        info = expected[(s.run, s.tag)]
        assert len(s.steps) == info["count"] and s.steps.tolist() == info["steps"], (s.run, s.tag)
        last = s.buckets[-1]
        want = info["last"]
        assert s.steps[-1] == want["step"]
        assert last.shape == (want["buckets"], 3), (s.run, s.tag)
        assert np.float32(last[0, 0]) == np.float32(want["left_min"]), (s.run, s.tag)
        assert np.float32(last[-1, 1]) == np.float32(want["right_max"]), (s.run, s.tag)
        assert last[:, 2].sum() == want["total_count"], (s.run, s.tag)
        for buckets in s.buckets:
            edges, counts = query.bucket_edges(buckets)
            assert len(edges) == len(counts) + 1 and counts.sum() == buckets[:, 2].sum()
            assert np.all(np.diff(edges) >= 0), "edges of real producers' histograms increase"


def test_keras_histograms_are_float64_tensors_with_tf2_buckets(ingested: Callable[[str], Store]) -> None:
    store = ingested("keras_dev")
    for s in query.read_series(store, query.histogram_series_rows(store)):
        for b in s.buckets:
            assert b.dtype == np.float64 and b.shape == (30, 3)  # TF2's default bucket count
            np.testing.assert_array_equal(b[1:, 0], b[:-1, 1])  # touching buckets: no gap inserted


@pytest.mark.parametrize("name", NAMES)
def test_tensorboard_histogram_endpoints_agree_with_snapshot(
    name: str, fixture_logdir: Callable[[str], Path], manifest: Callable[..., Any], app_client: Any
) -> None:
    snap = manifest(name, "http")["load_fast=false"]["snapshot"]
    client = app_client(fixture_logdir(name))
    tags = client.get("/data/plugin/histograms/tags").json()
    assert tags == snap["histograms_tags"]
    assert client.get("/data/plugin/distributions/tags").json() == snap["histograms_tags"]
    for run, by_tag in snap["histograms_compact"].items():
        for tag, tb_points in by_tag.items():
            r = client.get("/data/plugin/histograms/histograms", params={"run": run, "tag": tag})
            assert r.status_code == 200
            ours = {step: (wall, buckets) for wall, step, buckets in r.json()}
            assert len(ours) >= len(tb_points)
            for wall, step, n_buckets, total in tb_points:
                our_wall, buckets = ours[step]
                assert our_wall == wall and len(buckets) == n_buckets, (run, tag, step)
                assert sum(b[2] for b in buckets) == total, (run, tag, step)
            dist = client.get("/data/plugin/distributions/distributions", params={"run": run, "tag": tag}).json()
            assert [d[1] for d in dist] == sorted(ours)
            for _, step, pairs in dist:
                values = [v for _, v in pairs]
                assert [bp for bp, _ in pairs] == list(query.BASIS_POINTS)
                assert values == sorted(values), "percentiles increase"
                buckets = ours[step][1]
                # min and max, up to the rounding of the interpolation (TensorBoard's arithmetic)
                assert values[0] == pytest.approx(buckets[0][0], rel=1e-9)
                assert values[-1] == pytest.approx(buckets[-1][1], rel=1e-9)
