"""Intervals (pipeline/stats/intervals.py) and jackknife closed forms (jackknife.py): percentile
equals numpy's quantiles, BCa agrees with scipy.stats.bootstrap within Monte Carlo error, and each
closed form equals a brute-force leave-one-out loop to 1e-12."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

from pipeline.stats import jackknife as jk
from pipeline.stats.intervals import Jackknife, bca_interval, intervals, percentile_interval

TOL = 1e-12


def test_percentile_interval_equals_numpy_and_skips_undefined() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=(1000, 3))
    values[rng.random((1000, 3)) < np.array([0.0, 0.3, 0.7])] = np.nan
    lower, upper, defined = percentile_interval(values, 0.9)
    for column in range(2):
        expected = np.nanquantile(values[:, column], [0.05, 0.95])
        np.testing.assert_allclose([lower[column], upper[column]], expected, rtol=0, atol=TOL)
    assert np.isnan(lower[2]) and defined[2] < 0.5


def test_bca_agrees_with_scipy() -> None:
    """A skewed sample's mean: the BCa bounds move away from the percentile ones as scipy's do;
    both are estimates from 20000 replicates, so they agree within Monte Carlo error."""
    rng = np.random.default_rng(3)
    sample = rng.lognormal(0.0, 1.0, 60)
    n_boot = 20000
    replicates = sample[rng.integers(0, 60, (n_boot, 60))].mean(axis=1)
    ours = bca_interval(sample.mean(), replicates, 0.95, jk.mean(sample).acceleration())
    theirs = stats.bootstrap((sample,), np.mean, n_resamples=n_boot, method="BCa",
                             confidence_level=0.95, rng=4).confidence_interval  # fmt: skip
    width = theirs.high - theirs.low
    assert ours[0] == pytest.approx(theirs.low, abs=0.03 * width)
    assert ours[1] == pytest.approx(theirs.high, abs=0.03 * width)
    percentile = np.quantile(replicates, [0.025, 0.975])
    assert ours[1] - percentile[1] > 0.05 * width  # the correction is larger than the tolerance


def test_intervals_fall_back_to_percentile_without_a_jackknife() -> None:
    rng = np.random.default_rng(5)
    reps = {"a": rng.normal(size=500), "b": rng.normal(size=500)}
    found = intervals({"a": 0.0, "b": 0.0}, reps, 0.9, "bca", {"a": jk.mean(rng.normal(size=30))})
    assert found["b"] == pytest.approx(tuple(np.quantile(reps["b"], [0.05, 0.95])), abs=TOL)
    assert found["a"] != pytest.approx(tuple(np.quantile(reps["a"], [0.05, 0.95])), abs=TOL)
    with pytest.raises(ValueError, match="unknown interval method 'basic'"):
        intervals({}, {}, 0.9, "basic")


def test_acceleration_equals_scipy_formula_with_weights() -> None:
    values = np.array([0.1, 0.4, 0.4, 0.4, 0.9])
    repeated = Jackknife(values, np.ones(5, np.int64)).acceleration()
    grouped = Jackknife(np.array([0.1, 0.4, 0.9]), np.array([1, 3, 1])).acceleration()
    d = values.mean() - values
    assert repeated == pytest.approx(np.sum(d**3) / (6 * np.sum(d**2) ** 1.5), abs=TOL)
    assert grouped == pytest.approx(repeated, abs=TOL)


def leave_one_out(statistic, *columns: np.ndarray) -> np.ndarray:
    keep = np.ones(len(columns[0]), dtype=bool)
    out = []
    for i in range(len(keep)):
        keep[i] = False
        out.append(statistic(*(c[keep] for c in columns)))
        keep[i] = True
    return np.array(out)


def test_closed_forms_equal_brute_force_leave_one_out() -> None:
    rng = np.random.default_rng(6)
    n = 120
    y = rng.normal(10, 2, n)
    pred = y + rng.normal(0, 1, n)
    positive = rng.random(n) < 0.4
    score = rng.integers(0, 8, n) / 8.0  # many ties
    cases = [
        (jk.mean(y), leave_one_out(np.mean, y)),
        (jk.root_mean_square(pred - y), leave_one_out(lambda e: np.sqrt(np.mean(e**2)), pred - y)),
        (jk.r2(y, pred), leave_one_out(skm.r2_score, y, pred)),
        (jk.roc_auc(positive, score), leave_one_out(skm.roc_auc_score, positive, score)),
    ]
    for found, expected in cases:
        np.testing.assert_allclose(found.values, expected, rtol=0, atol=TOL)
