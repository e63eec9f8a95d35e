"""Column encodings are exact."""

from __future__ import annotations

import numpy as np
import pytest

from telescope.store.columns import decode_floats, decode_ints, encode_floats, encode_ints


@pytest.mark.parametrize(
    "values",
    [
        np.arange(10_000),
        np.arange(0, 50_000, 5),
        np.array([7]),
        np.array([], dtype=np.int64),
        np.array([3, 1, 2, 2, -5]),
        np.array([2**40, 2**53 + 3, 2**63 - 2, -(2**63)]),
        np.array([0, 2**62, -(2**62)]),
    ],
)
def test_ints_round_trip(values: np.ndarray) -> None:
    v = values.astype(np.int64)
    assert np.array_equal(decode_ints(encode_ints(v)), v)


def test_arithmetic_sequences_are_small() -> None:
    assert len(encode_ints(np.arange(8192, dtype=np.int64) * 10 + 7)) == 25


@pytest.mark.parametrize(
    "values",
    [
        np.float32([0.1, 0.2, np.nan, np.inf, -np.inf, 1e-40]).astype(np.float64),
        np.array([0.1, 1e300, -0.0]),
        np.array([], dtype=np.float64),
        np.array([3.4e38 * 10]),
    ],
)
def test_floats_round_trip(values: np.ndarray) -> None:
    out = decode_floats(encode_floats(values))
    assert np.array_equal(out, values, equal_nan=True)
    assert np.array_equal(np.signbit(out), np.signbit(values))


def test_float32_values_are_stored_narrow() -> None:
    assert encode_floats(np.float32([0.5, 0.1]).astype(np.float64))[:1] == b"f"
    assert encode_floats(np.array([0.1]))[:1] == b"F"
