"""Paired tests of two models scored on the same rows, and Holm's correction for a family of them.

McNemar's exact test compares two classifiers' accuracies through the rows on which exactly one
of them is right; DeLong's test compares two ROC AUCs through each row's placement values, whose
covariance between the models makes the test paired. Every sum of products goes through
pipeline/sums.py, so the results have the same bits on any CPU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, norm, rankdata

from pipeline import sums
from pipeline.errors import DataValidationError


def mcnemar_exact(a_correct: np.ndarray, b_correct: np.ndarray) -> tuple[int, int, float]:
    """(b01, b10, p): rows where only B is right (b01: A wrong, B right), rows where only A is
    right (b10), and the two-sided exact p-value of "each is as likely as the other", a binomial
    test of the discordant pairs with probability 1/2. With no discordant pair, p is 1."""
    a, b = np.asarray(a_correct, dtype=bool), np.asarray(b_correct, dtype=bool)
    if a.shape != b.shape:
        raise ValueError(f"a_correct has {a.shape} rows and b_correct {b.shape}: not paired")
    b01 = int(np.count_nonzero(~a & b))
    b10 = int(np.count_nonzero(a & ~b))
    if b01 + b10 == 0:
        return b01, b10, 1.0
    return b01, b10, float(binomtest(min(b01, b10), b01 + b10, 0.5).pvalue)


@dataclass(frozen=True)
class DeLong:
    """DeLong's test of AUC(B) = AUC(A) on the same rows: diff = auc_b - auc_a, its standard
    error, z = diff / se and the two-sided normal p-value."""

    auc_a: float
    auc_b: float
    diff: float
    se: float
    z: float
    p: float


def placements(y_true: np.ndarray, score: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """(AUC, V10, V01) by Sun and Xu's midranks (2014), O(n log n).

    V10[i] is the share of negatives that positive i outranks (ties count one half), V01[j] the
    share of positives that outrank negative j; the AUC is the mean of either.
    """
    positive = y_true == 1
    x, y = score[positive], score[~positive]
    m, n = len(x), len(y)
    if m < 2 or n < 2:
        raise DataValidationError(
            f"DeLong's test needs at least 2 positive and 2 negative rows; y_true has {m} "
            f"positive and {n} negative: compare on a test split with both classes"
        )
    combined = rankdata(np.concatenate([x, y]))  # midranks: ties get the mean of their ranks
    v10 = (combined[:m] - rankdata(x)) / n
    v01 = 1.0 - (combined[m:] - rankdata(y)) / m
    auc = (float(combined[:m].sum()) / m - (m + 1) / 2.0) / n
    return auc, v10, v01


def sample_variance(values: np.ndarray) -> float:
    """The unbiased variance (ddof 1), summed in a fixed order."""
    centred = values - values.sum() / len(values)
    return float(sums.dot(centred, centred)) / (len(values) - 1)


def delong(y_true: np.ndarray, score_a: np.ndarray, score_b: np.ndarray) -> DeLong:
    """DeLong, DeLong and Clarke-Pearson (1988) for two correlated ROC AUCs, fast algorithm.

    The variance of the difference is that of the per-row placement differences, var(V10_b -
    V10_a) / m + var(V01_b - V01_a) / n, which equals the contrast of Sun and Xu's covariance
    matrix and is exactly 0 when both scores are the same (then z = 0 and p = 1).
    """
    y = np.asarray(y_true)
    if set(np.unique(y).tolist()) - {0, 1}:
        raise DataValidationError("DeLong's test needs y_true coded 0/1 (a binary task)")
    auc_a, v10_a, v01_a = placements(y, np.asarray(score_a, dtype=np.float64))
    auc_b, v10_b, v01_b = placements(y, np.asarray(score_b, dtype=np.float64))
    m, n = len(v10_a), len(v01_a)
    variance = sample_variance(v10_b - v10_a) / m + sample_variance(v01_b - v01_a) / n
    diff, se = auc_b - auc_a, math.sqrt(max(variance, 0.0))
    if se > 0.0:
        z = diff / se
    elif diff == 0.0:
        z = 0.0  # the same scores, or placements that differ by nothing
    else:
        z = math.copysign(math.inf, diff)  # a difference without any variance
    p = float(2.0 * norm.sf(abs(z)))
    return DeLong(auc_a=auc_a, auc_b=auc_b, diff=diff, se=se, z=z, p=min(p, 1.0))


def holm(pvalues: np.ndarray | list[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values, in the input's order: the k-th smallest of m is
    multiplied by m - k + 1, made non-decreasing, capped at 1. A NaN (no test) stays NaN and
    is not counted in the family."""
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    scaled = p[order] * np.arange(len(order), 0, -1)
    out[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return out
