"""Confusion counts per group in one pass over the rows, and every rate that is a ratio of them.

Every classification metric here is a ratio of confusion-matrix cells, so a group's metrics are a
function of its cell counts. A rate whose denominator is empty is NaN (null in reports, with the
reason), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TN, FP, FN, TP = range(4)  # binary cells, in the order of confusion_matrix(...).ravel()
ALL_CELLS = (TN, FP, FN, TP)


@dataclass(frozen=True)
class Rate:
    """numerator cells / denominator cells, and why the rate is undefined when the latter is 0."""

    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    undefined: str


NO_ROWS = "the group has no rows"
NO_POSITIVES = "no positives (y_true = positive label) in the group"
NO_NEGATIVES = "no negatives (y_true = other label) in the group"
NO_PREDICTED_POSITIVES = "no predicted positives in the group"
NO_PREDICTED_NEGATIVES = "no predicted negatives in the group"

RATES: dict[str, Rate] = {
    "base_rate": Rate((FN, TP), ALL_CELLS, NO_ROWS),
    "selection_rate": Rate((FP, TP), ALL_CELLS, NO_ROWS),
    "accuracy_score": Rate((TN, TP), ALL_CELLS, NO_ROWS),
    "true_positive_rate": Rate((TP,), (FN, TP), NO_POSITIVES),
    "false_negative_rate": Rate((FN,), (FN, TP), NO_POSITIVES),
    "false_positive_rate": Rate((FP,), (TN, FP), NO_NEGATIVES),
    "true_negative_rate": Rate((TN,), (TN, FP), NO_NEGATIVES),
    "precision_score": Rate((TP,), (FP, TP), NO_PREDICTED_POSITIVES),  # positive predictive value
    "false_discovery_rate": Rate((FP,), (FP, TP), NO_PREDICTED_POSITIVES),
    "negative_predictive_value": Rate((TN,), (TN, FN), NO_PREDICTED_NEGATIVES),
    "false_omission_rate": Rate((FN,), (TN, FN), NO_PREDICTED_NEGATIVES),
}


def confusion_counts(
    codes: np.ndarray, n_groups: int, y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 2
) -> np.ndarray:
    """(groups, classes, classes) confusion counts, true by predicted, in one pass.

    `y_true` and `y_pred` are class indices 0 .. n_classes - 1.
    """
    k = n_classes
    flat = (codes * k + y_true) * k + y_pred
    return np.bincount(flat, minlength=n_groups * k * k).reshape(n_groups, k, k)


def binary_cells(confusion: np.ndarray) -> np.ndarray:
    """(..., 2, 2) confusion counts as (..., 4) cells (tn, fp, fn, tp)."""
    return confusion.reshape(*confusion.shape[:-2], 4)


def one_vs_rest(confusion: np.ndarray) -> np.ndarray:
    """(..., K, K) confusion counts as (..., K, 4) cells (tn, fp, fn, tp), one class vs the rest."""
    tp = np.diagonal(confusion, axis1=-2, axis2=-1)
    fn = confusion.sum(axis=-1) - tp
    fp = confusion.sum(axis=-2) - tp
    tn = confusion.sum(axis=(-2, -1))[..., None] - tp - fn - fp
    return np.stack([tn, fp, fn, tp], axis=-1)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def rates(cells: np.ndarray) -> dict[str, np.ndarray]:
    """Every rate of RATES for cells of shape (..., 4); NaN where the denominator is empty."""
    return {
        name: ratio(cells[..., rate.numerator].sum(-1), cells[..., rate.denominator].sum(-1))
        for name, rate in RATES.items()
    }
