"""pipeline/sums.py: `significant` against exact decimal rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pytest

from pipeline.sums import significant


def decimal_round(value: float, digits: int) -> float:
    """`value`'s exact binary value rounded half-even to `digits` significant digits."""
    exact = Decimal(value)
    if not exact.is_finite() or exact == 0:
        return value
    exponent = exact.adjusted() - digits + 1
    return float(exact.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN))


@pytest.mark.parametrize("digits", [1, 6, 10])
def test_significant_rounds_like_exact_decimals(digits: int) -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=2000) * 10.0 ** rng.integers(-300, 300, 2000)
    values[:5] = [0.0, -0.0, 0.5, 2.5e-9, 999999.5]
    found = significant(values.reshape(40, 50), digits)
    assert found.shape == (40, 50)
    assert found.ravel().tolist() == [decimal_round(v, digits) for v in values.tolist()]


def test_significant_keeps_missing_and_infinite_values() -> None:
    found = significant(np.array([np.nan, np.inf, -np.inf, 1.23456789]), 3)
    assert np.isnan(found[0]) and found[1] == np.inf and found[2] == -np.inf
    assert found[3] == 1.23


def test_last_bits_no_longer_show() -> None:
    """Values a few units in the last place apart (another BLAS kernel's sums) round alike."""
    rng = np.random.default_rng(1)
    values = rng.random(10_000)
    moved = values + 4 * np.spacing(values)
    assert not np.array_equal(values, moved)
    assert np.array_equal(significant(values, 6), significant(moved, 6))
