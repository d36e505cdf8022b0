"""What drives a disparity between groups (binary tasks): how much of the demographic parity and
equal opportunity differences of the model's predictions goes away when a feature's information
is destroyed by permutation, with a bootstrap interval over the test rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.explain.permutation import Permuted
from pipeline.explain.result import Shift
from pipeline.fairness.disparities import between_groups
from pipeline.fairness.groups import factorize
from pipeline.models.intervals import Answers
from pipeline.stats.intervals import percentile_interval
from pipeline.stats.resample import draw, replicate_keys, strata

DISPARITIES = ("demographic_parity_difference", "equal_opportunity_difference")


def _rates(numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    safe = np.where(denominators > 0, denominators, 1)
    return np.where(denominators > 0, numerators / safe, np.nan)


def _gaps(
    codes: np.ndarray, n_groups: int, positive: np.ndarray, selected: np.ndarray,
    weights: np.ndarray, included: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:  # fmt: skip
    """Each disparity (weights' columns x answers) from the weighted rates of the groups:
    selection rate P(y_pred = 1) and true positive rate P(y_pred = 1 | y = 1)."""
    sizes = np.zeros((weights.shape[1], n_groups))
    chosen = np.zeros((weights.shape[1], selected.shape[1], n_groups))
    hits = np.zeros_like(chosen)
    positives = np.zeros_like(sizes)
    for g in range(n_groups):
        rows = codes == g
        w = weights[rows]  # integer-valued: the sums below are exact on any BLAS
        sizes[:, g] = w.sum(axis=0)
        positives[:, g] = w[positive[rows]].sum(axis=0)
        chosen[:, :, g] = w.T @ selected[rows]
        hits[:, :, g] = w[positive[rows]].T @ selected[rows][positive[rows]]
    rates = {
        "demographic_parity_difference": _rates(chosen, sizes[:, None, :]),
        "equal_opportunity_difference": _rates(hits, positives[:, None, :]),
    }
    return {
        name: between_groups(np.where(included[name], value, np.nan))[0]
        for name, value in rates.items()
    }


def shifts(
    y_true: np.ndarray,
    sensitive: pd.DataFrame,
    baseline: Answers,
    permuted: Sequence[Permuted],
    min_group_size: int,
    n_boot: int,
    ci_level: float,
    seed: int,
) -> list[Shift]:
    """Per sensitive column and disparity, each target's shift, largest change first (ties by
    name). Groups are the column's values (missing values left out) with at least
    `min_group_size` rows, and, for equal opportunity, at least one positive. A disparity that is
    undefined for the model's own predictions (fewer than two such groups) has no shifts."""
    positive = np.asarray(y_true) == 1
    every = [baseline, *(a for t in permuted for a in t.answers)]
    selected = np.stack([np.asarray(a.y_pred) == 1 for a in every], axis=1).astype(np.float64)
    n = len(positive)
    repeats = len(permuted[0].answers) if permuted else 0
    ones = np.ones((n, 1))
    counts = draw(replicate_keys(seed, n_boot), strata([n])).astype(np.float64) if n_boot else None
    out: list[Shift] = []
    for column in sensitive.columns:
        codes, labels = factorize(sensitive[column])
        sizes = np.bincount(codes[codes >= 0], minlength=len(labels))
        positives = np.bincount(codes[(codes >= 0) & positive], minlength=len(labels))
        large = sizes >= min_group_size
        included = {"demographic_parity_difference": large,
                    "equal_opportunity_difference": large & (positives > 0)}  # fmt: skip
        point = _gaps(codes, len(labels), positive, selected, ones, included)
        boot = None
        if counts is not None:
            boot = _gaps(codes, len(labels), positive, selected, counts, included)
        for name in DISPARITIES:
            base = float(point[name][0, 0])
            if np.isnan(base):
                continue
            mean = point[name][0, 1:].reshape(len(permuted), repeats).mean(axis=1)
            low = high = np.full(len(permuted), np.nan)
            if boot is not None:
                found = boot[name]
                change = found[:, :1] - found[:, 1:].reshape(n_boot, len(permuted),
                                                             repeats).mean(axis=2)  # fmt: skip
                low, high, _ = percentile_interval(change, ci_level)
            found_shifts = [
                Shift(
                    sensitive=str(column), disparity=name, feature=t.name, baseline=base,
                    permuted=float(mean[i]), change=base - float(mean[i]),
                    low=None if np.isnan(low[i]) else float(low[i]),
                    high=None if np.isnan(high[i]) else float(high[i]),
                    share=None if base == 0 else (base - float(mean[i])) / base,
                )
                for i, t in enumerate(permuted)
            ]  # fmt: skip
            out.extend(sorted(found_shifts, key=lambda s: (-s.change, s.feature)))
    return out
