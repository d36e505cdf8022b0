"""Leave-one-out (jackknife) values in closed form, O(n) after a sort, for the BCa acceleration:
means of per-row values, root mean squares, R^2 and ROC AUC."""

from __future__ import annotations

import numpy as np

from pipeline.stats.intervals import Jackknife


def _ones(values: np.ndarray) -> Jackknife:
    return Jackknife(values, np.ones(len(values), dtype=np.int64))


def mean(values: np.ndarray) -> Jackknife:
    """The mean of the other n - 1 rows, for each row."""
    v = np.asarray(values, dtype=np.float64)
    return _ones((v.sum() - v) / (len(v) - 1))


def root_mean_square(values: np.ndarray) -> Jackknife:
    """sqrt of the mean of the other rows' squares (RMSE from errors)."""
    squares = np.asarray(values, dtype=np.float64) ** 2
    return _ones(np.sqrt(mean(squares).values))


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> Jackknife:
    """1 - SS_res / SS_tot without each row (SS_tot loses n/(n-1) (y_i - mean)^2)."""
    y, e = np.asarray(y_true, np.float64), np.asarray(y_true, np.float64) - y_pred
    n, d = len(y), y - y.mean()
    residual = np.sum(e * e) - e * e
    total = np.sum(d * d) - n / (n - 1) * d * d
    return _ones(1.0 - residual / total)


def roc_auc(positive: np.ndarray, score: np.ndarray) -> Jackknife:
    """ROC AUC without each row: a positive row takes away its pairs with the negatives below it
    (tied ones count half), a negative row its pairs with the positives above it."""
    y = np.asarray(positive, dtype=bool)
    s = np.asarray(score, dtype=np.float64)
    pos, neg = np.sort(s[y]), np.sort(s[~y])
    n_pos, n_neg = len(pos), len(neg)
    # twice the pairs each row takes part in: 2 x strictly beaten + tied
    two = np.empty(len(s), dtype=np.int64)
    below, upto = np.searchsorted(neg, s[y], "left"), np.searchsorted(neg, s[y], "right")
    two[y] = below + upto
    below, upto = np.searchsorted(pos, s[~y], "left"), np.searchsorted(pos, s[~y], "right")
    two[~y] = 2 * n_pos - below - upto
    total = two[y].sum()  # 2 U
    pairs = np.where(y, (n_pos - 1) * n_neg, n_pos * (n_neg - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(pairs > 0, (total - two) / (2.0 * pairs), np.nan)
    return _ones(values)
