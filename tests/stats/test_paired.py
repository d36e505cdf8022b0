"""Paired tests against their oracles: statsmodels for McNemar and Holm, a direct O(m*n) DeLong
from the placement values and scikit-learn for the AUCs; and their size under the null."""

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import roc_auc_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

from pipeline.errors import DataValidationError
from pipeline.stats.paired import delong, holm, mcnemar_exact


def slow_delong(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, float]:
    """(auc_a, auc_b, se, p) from the definition: the kernel psi(x, y) over every pair of a
    positive and a negative, the placement values its row and column means, and their
    covariance matrix S10 / m + S01 / n."""
    v10, v01 = [], []
    for score in (a, b):
        x, z = score[y == 1], score[y == 0]
        psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
    m, n = len(v10[0]), len(v01[0])
    s = np.cov(np.array(v10)) / m + np.cov(np.array(v01)) / n
    se = float(np.sqrt(s[0, 0] + s[1, 1] - 2 * s[0, 1]))
    diff = v10[1].mean() - v10[0].mean()
    return float(v10[0].mean()), float(v10[1].mean()), se, float(2 * norm.sf(abs(diff / se)))


def two_models(seed: int, n: int = 300, ties: bool = False) -> tuple[np.ndarray, ...]:
    """Labels and two identically distributed, correlated scores (a shared signal plus each
    model's own noise); rounded to one decimal when `ties`."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(np.int64)
    signal = y + rng.normal(size=n)
    a, b = signal + rng.normal(size=n), signal + rng.normal(size=n)
    if ties:
        a, b = np.round(a, 1), np.round(b, 1)
    return y, a, b


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
def test_delong_matches_the_definition_and_sklearn(seed: int, ties: bool) -> None:
    y, a, b = two_models(seed, n=250 + 37 * seed, ties=ties)
    b = b + 0.3 * y * (seed % 2)  # B better on odd seeds
    result = delong(y, a, b)
    auc_a, auc_b, se, p = slow_delong(y, a, b)
    assert result.auc_a == pytest.approx(roc_auc_score(y, a), abs=1e-12)
    assert result.auc_b == pytest.approx(roc_auc_score(y, b), abs=1e-12)
    assert (result.auc_a, result.auc_b) == pytest.approx((auc_a, auc_b), abs=1e-12)
    assert result.diff == pytest.approx(auc_b - auc_a, abs=1e-12)
    assert result.se == pytest.approx(se, abs=1e-12)
    assert result.z == pytest.approx(result.diff / se, rel=1e-10)
    assert result.p == pytest.approx(p, abs=1e-12)


def test_delong_with_constant_and_perfect_scores() -> None:
    y = np.array([0, 0, 0, 1, 1, 1, 0, 1])
    perfect, flat = y * 2.0 - 1.0, np.zeros(8)
    result = delong(y, perfect, flat)
    assert (result.auc_a, result.auc_b, result.diff) == (1.0, 0.5, -0.5)
    assert result.se == 0.0 and result.z == -np.inf and result.p == 0.0


def test_identical_models_differ_by_exactly_zero_with_p_one() -> None:
    y, a, _ = two_models(3, ties=True)
    result = delong(y, a, a.copy())
    assert (result.diff, result.se, result.z, result.p) == (0.0, 0.0, 0.0, 1.0)
    correct = a > 0.5
    assert mcnemar_exact(correct, correct.copy()) == (0, 0, 1.0)


def test_delong_refuses_a_split_without_both_classes() -> None:
    with pytest.raises(DataValidationError, match="at least 2 positive and 2 negative"):
        delong(np.array([1, 1, 1, 0]), np.arange(4.0), np.arange(4.0))
    with pytest.raises(DataValidationError, match="0/1"):
        delong(np.array([1, 2, 1, 2]), np.arange(4.0), np.arange(4.0))


@pytest.mark.parametrize("seed", range(8))
def test_mcnemar_matches_statsmodels_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 400))
    a = rng.random(n) < 0.8
    b = np.where(rng.random(n) < 0.1 * (seed % 4), ~a, a)  # seed 0, 4: no discordant pair
    b01, b10, p = mcnemar_exact(a, b)
    table = [[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]]
    oracle = mcnemar(table, exact=True)
    assert (b01, b10) == (np.sum(~a & b), np.sum(a & ~b))
    assert min(b01, b10) == oracle.statistic
    assert p == pytest.approx(oracle.pvalue, abs=1e-12)


def test_mcnemar_refuses_unpaired_rows() -> None:
    with pytest.raises(ValueError, match="not paired"):
        mcnemar_exact(np.ones(3, bool), np.ones(4, bool))


@pytest.mark.parametrize("seed", range(6))
def test_holm_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.random(int(rng.integers(1, 30))) ** 3
    p[::4] = p[0]  # ties
    expected = multipletests(p, method="holm")[1]
    np.testing.assert_allclose(holm(p), expected, rtol=0, atol=1e-12)


def test_holm_leaves_out_missing_p_values() -> None:
    p = np.array([0.01, np.nan, 0.04, 0.03])
    adjusted = holm(p)
    assert np.isnan(adjusted[1])
    expected = multipletests(p[[0, 2, 3]], method="holm")[1]
    np.testing.assert_allclose(adjusted[[0, 2, 3]], expected, rtol=0, atol=1e-12)
    assert holm([]).shape == (0,)


def test_both_tests_reject_at_about_the_nominal_rate_under_the_null() -> None:
    """Two identically distributed models on 200 seeds: the share of p < 0.05 is near 5%."""
    delong_p, mcnemar_p = [], []
    for seed in range(200):
        y, a, b = two_models(1000 + seed, n=400)
        delong_p.append(delong(y, a, b).p)
        mcnemar_p.append(mcnemar_exact((a > 0.9) == y, (b > 0.9) == y)[2])
    delong_rate = np.mean(np.array(delong_p) < 0.05)
    mcnemar_rate = np.mean(np.array(mcnemar_p) < 0.05)
    assert 0.02 <= delong_rate <= 0.08, delong_rate
    assert 0.02 <= mcnemar_rate <= 0.08, mcnemar_rate
    # and they have power: B better by a clear margin is found almost always
    y, a, b = two_models(7, n=2000)
    assert delong(y, a, b + 0.8 * y).p < 1e-6
