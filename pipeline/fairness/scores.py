"""Metrics of individual rows, weighted: ROC AUC, Brier score and calibration error of scores, and
regression errors. Weights are (replicates, rows): ones for the point estimate, row
multiplicities for bootstrap replicates, so one call computes every replicate."""

from __future__ import annotations

import numpy as np

from pipeline import sums
from pipeline.fairness.counts import ratio

SCORE_UNDEFINED = {
    "roc_auc_score": "needs both positives and negatives in the group",
    "brier_score_loss": "the scores are not probabilities (some are outside [0, 1])",
    "expected_calibration_error": "the scores are not probabilities (some are outside [0, 1])",
}


def calibration_bins(y_score: np.ndarray, n_bins: int) -> np.ndarray:
    """Equal-width bin of each score, as in sklearn.calibration.calibration_curve."""
    return np.searchsorted(np.linspace(0.0, 1.0, n_bins + 1)[1:-1], y_score)


def score_order(y_true: np.ndarray, y_score: np.ndarray) -> np.ndarray:
    """Row order by score, negatives before positives among tied scores (score_metrics needs it)."""
    return np.lexsort((y_true, y_score))


def score_metrics(
    y_true: np.ndarray, y_score: np.ndarray, weights: np.ndarray, n_bins: int, proba: bool
) -> dict[str, np.ndarray]:
    """ROC AUC, Brier score and expected calibration error of rows weighted by `weights`.

    Rows come in `score_order`. `weights` is (replicates, rows): ones for the point estimate,
    multiplicities for bootstrap replicates. AUC is the Mann-Whitney form (a tied negative counts
    one half), NaN without both classes; ECE = sum over bins of |sum(y - score)| / n, the
    bin-size-weighted gap between the mean label and the mean score. Brier and ECE are NaN when
    the scores are not probabilities.
    """
    y = y_true.astype(bool)
    s = y_score.astype(np.float64)
    positives, negatives = np.flatnonzero(y), np.flatnonzero(~y)
    # weight of the negatives before each positive: a cumulative sum over negatives only
    below = np.zeros((len(weights), len(negatives) + 1))
    np.cumsum(weights[:, negatives], axis=1, out=below[:, 1:])
    before = below[:, np.searchsorted(negatives, positives)]
    if np.any(s[1:] == s[:-1]):  # tied negatives come first in score_order; count them half
        run_start = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        first = run_start[np.searchsorted(run_start, positives, side="right") - 1]
        before = before - 0.5 * (before - below[:, np.searchsorted(negatives, first)])
    pairs = sums.dot(weights[:, positives], before)
    residual = y - s
    n_pos, total = sums.weighted(weights, y), sums.weighted(weights, np.ones(len(s)))
    auc = ratio(pairs, n_pos * (total - n_pos))
    if not proba:
        nan = np.full(len(weights), np.nan)
        return {"roc_auc_score": auc, "brier_score_loss": nan, "expected_calibration_error": nan}
    # rows in score order: each calibration bin is a run of columns
    edges = np.searchsorted(calibration_bins(s, n_bins), np.arange(n_bins + 1))
    gaps = sum(
        np.abs(sums.weighted(weights[:, a:b], residual[a:b]))
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    )
    return {
        "roc_auc_score": auc,
        "brier_score_loss": sums.weighted(weights, residual**2) / total,
        "expected_calibration_error": gaps / total,
    }


def regression_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray
) -> dict[str, np.ndarray]:
    """Mean absolute error, root mean squared error and mean prediction of weighted rows.

    `weights` is (replicates, rows), as for score_metrics.
    """
    error = y_pred - y_true
    total = weights.sum(axis=1)
    return {
        "mean_absolute_error": sums.weighted(weights, np.abs(error)) / total,
        "root_mean_squared_error": np.sqrt(sums.weighted(weights, error**2) / total),
        "mean_prediction": sums.weighted(weights, y_pred) / total,
    }
