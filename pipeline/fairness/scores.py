"""Metrics of individual rows per group and overall, with their stratified bootstrap: ROC AUC,
Brier score and expected calibration error of scores, and regression errors.

Rows are resampled within each group (group sizes fixed) by the numba kernels of pipeline.stats;
one pass per replicate in score order accumulates every group and the whole test set, so the
overall replicate is the union of the group replicates. The point estimates come from the same
pass with every row counted once.
"""

from __future__ import annotations

import numpy as np

from pipeline.fairness.bootstrap import Tables
from pipeline.fairness.groups import Groups
from pipeline.stats.passes import GROUP_LAST, LAST, POS, grouped_scores, weighted_sums
from pipeline.stats.replicates import Grouped, group_replicates, model_replicates
from pipeline.stats.resample import replicate_keys, strata

SCORE_UNDEFINED = {
    "roc_auc_score": "needs both positives and negatives in the group",
    "brier_score_loss": "the scores are not probabilities (some are outside [0, 1])",
    "expected_calibration_error": "the scores are not probabilities (some are outside [0, 1])",
}


def calibration_bins(y_score: np.ndarray, n_bins: int) -> np.ndarray:
    """Equal-width bin of each score, as in sklearn.calibration.calibration_curve."""
    return np.searchsorted(np.linspace(0.0, 1.0, n_bins + 1)[1:-1], y_score)


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)


def group_layout(groups: Groups, y_score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows grouped by group, by ascending score within each; every row's layout position)."""
    layout = np.lexsort((y_score, groups.codes))
    position = np.empty(len(layout), dtype=np.int64)
    position[layout] = np.arange(len(layout))
    return layout, position


def score_pass(groups: Groups, y_true: np.ndarray, y_score: np.ndarray) -> dict[str, np.ndarray]:
    """Inputs of the grouped score pass: rows in ascending score order as layout positions, and
    their flags (positive, last of a tie run overall, last of a tie run within the group)."""
    _, position = group_layout(groups, y_score)
    order = np.lexsort((y_true, y_score))
    s, codes = y_score[order], groups.codes[order]
    last = np.r_[s[1:] != s[:-1], True]
    by_group = np.lexsort((np.arange(len(order)), codes))  # each group's rows, in score order
    same = np.r_[codes[by_group][1:] == codes[by_group][:-1], False]
    group_last = np.ones(len(order), dtype=bool)
    group_last[by_group] = ~same | np.r_[s[by_group][1:] != s[by_group][:-1], True]
    flags = POS * (y_true[order] == 1) + LAST * last + GROUP_LAST * group_last
    return {"order": position[order], "flags": flags.astype(np.uint8), "rows": order}


def _score_metrics(found: Grouped, sizes: np.ndarray, proba: bool) -> Tables:
    ints, floats, gaps = found.ints, found.floats, found.gaps
    auc = _ratio(ints[..., 2].astype(np.float64), 2.0 * ints[..., 0] * ints[..., 1])
    n = np.append(sizes, sizes.sum()).astype(np.float64)
    brier = _ratio(floats, n)
    ece = _ratio(np.append(np.abs(gaps).sum(-1), np.abs(gaps.sum(-2)).sum(-1)[..., None], -1), n)
    if not proba:
        brier, ece = np.full_like(brier, np.nan), np.full_like(ece, np.nan)
    values = {"roc_auc_score": auc, "brier_score_loss": brier, "expected_calibration_error": ece}
    return Tables(
        {k: v[..., :-1] for k, v in values.items()}, {k: v[..., -1] for k, v in values.items()}
    )


def score_tables(
    groups: Groups,
    y_true: np.ndarray,
    y_score: np.ndarray,
    n_bins: int,
    proba: bool,
    n_boot: int,
    entropy: list[int],
) -> tuple[Tables, Tables | None]:
    """ROC AUC (Mann-Whitney: a tied pair counts one half; NaN without both classes), Brier score
    and expected calibration error (sum over bins of |sum(y - score)| / n) per group and overall,
    at the observed rows and for each of n_boot replicates (None if n_boot is 0). Brier and ECE
    are NaN when the scores are not probabilities."""
    s = np.asarray(y_score, dtype=np.float64)
    inputs = score_pass(groups, y_true, s)
    rows = inputs["rows"]
    residual, bins = y_true[rows] - s[rows], calibration_bins(s[rows], n_bins)
    n_groups, n = len(groups.labels), len(s)
    point = Grouped(
        np.zeros((n_groups + 1, 1, 3), np.int64), np.zeros((n_groups + 1, 1)),
        np.zeros((n_groups, n_bins, 1)),
    )  # fmt: skip
    group = groups.codes[rows].astype(np.int64)
    ones, order = np.ones((n, 1), np.uint8), inputs["order"].astype(np.int32)
    flags = inputs["flags"]
    grouped_scores(
        ones, order, group, flags, residual, bins, 1, point.ints, point.floats, point.gaps
    )
    observed = Grouped(point.ints[:, 0], point.floats[:, 0], point.gaps[..., 0])
    tables = _score_metrics(observed, groups.sizes, proba)
    if n_boot == 0:
        return tables, None
    layout = strata(groups.sizes)
    found = group_replicates(replicate_keys(entropy, n_boot), layout, inputs["order"],
                             inputs["flags"], residual, bins, n_bins)  # fmt: skip
    return tables, _score_metrics(found, groups.sizes, proba)


def _error_metrics(sums: np.ndarray, sizes: np.ndarray) -> Tables:
    overall = sums.sum(axis=-2, keepdims=True)
    both = np.concatenate([sums, overall], axis=-2)
    n = np.append(sizes, sizes.sum()).astype(np.float64)
    values = {
        "mean_absolute_error": _ratio(both[..., 0], n),
        "root_mean_squared_error": np.sqrt(_ratio(both[..., 1], n)),
        "mean_prediction": _ratio(both[..., 2], n),
    }
    return Tables(
        {k: v[..., :-1] for k, v in values.items()}, {k: v[..., -1] for k, v in values.items()}
    )


def regression_tables(
    groups: Groups, y_true: np.ndarray, y_pred: np.ndarray, n_boot: int, entropy: list[int]
) -> tuple[Tables, Tables | None]:
    """Mean absolute error, root mean squared error and mean prediction per group and overall,
    at the observed rows and for each of n_boot replicates (None if n_boot is 0)."""
    layout_rows, _ = group_layout(groups, np.zeros(len(y_true)))
    error = (np.asarray(y_pred, np.float64) - y_true)[layout_rows]
    values = np.stack(
        [np.abs(error), error * error, np.asarray(y_pred, np.float64)[layout_rows]], 1
    )
    layout = strata(groups.sizes)
    bounds = np.append(layout.starts, layout.n_rows).astype(np.int64)
    sums = np.zeros((len(groups.sizes), 1, 3))
    weighted_sums(np.ones((len(error), 1), np.uint8), values, bounds, 1, sums,
                  np.zeros((len(groups.sizes), 1), np.int64))  # fmt: skip
    tables = _error_metrics(sums[:, 0], groups.sizes)
    if n_boot == 0:
        return tables, None
    none = np.zeros((0, len(error)))
    found = model_replicates(replicate_keys(entropy, n_boot), layout, none, none,
                             np.zeros(0, bool), values)  # fmt: skip
    return tables, _error_metrics(found.sums, groups.sizes)
