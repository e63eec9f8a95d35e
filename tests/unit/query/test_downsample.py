"""Min/max-preserving downsampling keeps every spike and non-finite value."""

from __future__ import annotations

import numpy as np

from telescope.query.downsample import minmax_downsample


def test_small_series_untouched() -> None:
    steps = np.arange(10, dtype=np.int64)
    assert minmax_downsample(steps, np.zeros(10), 100).tolist() == list(range(10))


def test_spikes_survive_and_budget_holds() -> None:
    rng = np.random.default_rng(0)
    n = 100_000
    steps = np.arange(n, dtype=np.int64)
    values = rng.normal(size=n)
    spikes = [123, 45_678, 99_998]
    values[spikes[0]] = 50.0
    values[spikes[1]] = -60.0
    values[spikes[2]] = 70.0
    idx = minmax_downsample(steps, values, 1000)
    assert len(idx) <= 1000
    kept = set(idx.tolist())
    assert set(spikes) <= kept
    assert 0 in kept and n - 1 in kept
    assert np.all(np.diff(idx) > 0)


def test_each_bucket_keeps_its_extremes() -> None:
    rng = np.random.default_rng(1)
    steps = np.sort(rng.choice(1_000_000, size=20_000, replace=False)).astype(np.int64)
    values = rng.normal(size=len(steps))
    idx = minmax_downsample(steps, values, 400)
    buckets = 100
    span = steps[-1] - steps[0]
    b = np.minimum(((steps - steps[0]) * (buckets / span)).astype(int), buckets - 1)
    for k in np.unique(b):
        members = np.flatnonzero(b == k)
        assert members[np.argmax(values[members])] in idx
        assert members[np.argmin(values[members])] in idx


def test_non_finite_values_survive() -> None:
    n = 10_000
    steps = np.arange(n, dtype=np.int64)
    values = np.sin(steps / 100.0)
    values[500] = np.nan
    values[501] = np.inf
    values[7000] = -np.inf
    idx = minmax_downsample(steps, values, 200)
    kept = set(idx.tolist())
    assert {500, 501, 7000} <= kept


def test_repeated_steps() -> None:
    steps = np.repeat(np.arange(1000, dtype=np.int64), 3)
    values = np.arange(3000, dtype=np.float64) % 7
    idx = minmax_downsample(steps, values, 100)
    assert len(idx) <= 100
