"""Count metrics from confusion matrices (..., true, predicted), vectorised over replicates, with
scikit-learn's definitions and `zero_division=np.nan`: an undefined per-class value is NaN and
is left out of a macro or weighted average (as scikit-learn does), and the cell draws of the
paired bootstrap: the joint cells (y, prediction of each model) resampled as a multinomial."""

from __future__ import annotations

import numpy as np


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)


def _nanmean(values: np.ndarray) -> np.ndarray:
    defined = ~np.isnan(values)
    return _ratio(np.where(defined, values, 0.0).sum(-1), defined.sum(-1).astype(np.float64))


def _weighted(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    w = np.where(np.isnan(values), 0.0, weights)
    return _ratio((np.where(np.isnan(values), 0.0, values) * w).sum(-1), w.sum(-1))


def _per_class(confusion: np.ndarray) -> dict[str, np.ndarray]:
    c = confusion.astype(np.float64)
    tp = np.diagonal(c, axis1=-2, axis2=-1)
    true, predicted = c.sum(-1), c.sum(-2)
    return {
        "precision": _ratio(tp, predicted),
        "recall": _ratio(tp, true),
        "f1": _ratio(2.0 * tp, true + predicted),
        "support": true,
        "accuracy": tp.sum(-1) / c.sum((-2, -1)),
    }


def binary_counts(confusion: np.ndarray) -> dict[str, np.ndarray]:
    """accuracy, balanced accuracy, and F1, precision and recall of class 1."""
    k = _per_class(confusion)
    return {
        "accuracy": k["accuracy"],
        "balanced_accuracy": _nanmean(k["recall"]),
        "f1": k["f1"][..., 1],
        "precision": k["precision"][..., 1],
        "recall": k["recall"][..., 1],
    }


def multiclass_counts(confusion: np.ndarray) -> dict[str, np.ndarray]:
    """accuracy, balanced accuracy, and macro and weighted F1, precision and recall."""
    k = _per_class(confusion)
    out = {"accuracy": k["accuracy"], "balanced_accuracy": _nanmean(k["recall"])}
    for average in ("macro", "weighted"):
        for name in ("f1", "precision", "recall"):
            value = k[name]
            out[f"{name}_{average}"] = (
                _nanmean(value) if average == "macro" else _weighted(value, k["support"])
            )
    return out


def joint_cells(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(observed cells (cells, 1 + models) of class indices, rows in each cell) of the rows'
    codes (rows, 1 + models): the true class, then each model's predicted class."""
    cells, counts = np.unique(codes, axis=0, return_counts=True)
    return cells, counts


def confusions(cells: np.ndarray, counts: np.ndarray, n_classes: int) -> np.ndarray:
    """Confusion matrices (..., models, true, predicted) from cell counts (..., cells)."""
    n_models = cells.shape[1] - 1
    out = np.zeros((*counts.shape[:-1], n_models, n_classes, n_classes), dtype=np.int64)
    for c, cell in enumerate(cells):
        for m in range(n_models):
            out[..., m, cell[0], cell[m + 1]] += counts[..., c]
    return out


def leave_one_out(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(confusion without one row of each non-empty cell (cells, K, K), rows in that cell)."""
    true, predicted = np.nonzero(confusion)
    out = np.repeat(confusion[None], len(true), axis=0)
    out[np.arange(len(true)), true, predicted] -= 1
    return out, confusion[true, predicted]
