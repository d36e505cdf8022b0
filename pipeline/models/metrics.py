"""The metrics of one split's model outputs, for each task, as scikit-learn computes them.

A metric that is undefined on the data (precision when nothing is predicted positive) is NaN,
which the JSON writer turns into null. A model without class probabilities (a perceptron, a
linear SVM) has no log loss or Brier score at all: `score` gives them as NaN, and the reports
leave them out (`defined_score`), with the reason `left_out` gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn import metrics as skm

from pipeline.models.outputs import BinaryOutputs, MulticlassOutputs, Outputs

# the metrics that need class probabilities (binary ROC AUC and average precision rank the
# decision values; scikit-learn's one-versus-rest AUC needs probabilities that sum to one)
PROBABILITY_METRICS = {
    "binary": ("log_loss", "brier_score"),
    "multiclass": ("roc_auc_ovr_macro", "roc_auc_ovr_weighted", "log_loss"),
}
NO_PROBABILITIES = {
    "binary": "the model gives decision values, not probabilities (it has no predict_proba)",
    "multiclass": "the model gives no class probabilities (it has no predict_proba)",
}


def binary_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray, proba: bool
) -> dict[str, float]:
    result = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y_true, y_pred),
        "f1": skm.f1_score(y_true, y_pred, zero_division=np.nan),
        "precision": skm.precision_score(y_true, y_pred, zero_division=np.nan),
        "recall": skm.recall_score(y_true, y_pred, zero_division=np.nan),
        "roc_auc": skm.roc_auc_score(y_true, y_score),
        "average_precision": skm.average_precision_score(y_true, y_score),
        # scores that are not probabilities have no log loss or Brier score: null
        "log_loss": skm.log_loss(y_true, y_score, labels=[0, 1]) if proba else np.nan,
        "brier_score": skm.brier_score_loss(y_true, y_score) if proba else np.nan,
    }
    return result


def multiclass_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray | None, classes: list[Any]
) -> dict[str, float]:
    result = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y_true, y_pred),
    }
    for average in ("macro", "weighted"):
        for name, fn in (
            ("f1", skm.f1_score),
            ("precision", skm.precision_score),
            ("recall", skm.recall_score),
        ):
            result[f"{name}_{average}"] = fn(y_true, y_pred, average=average, zero_division=np.nan)
        result[f"roc_auc_ovr_{average}"] = (
            skm.roc_auc_score(y_true, proba, multi_class="ovr", average=average, labels=classes)
            if proba is not None
            else np.nan
        )
    result["log_loss"] = (
        skm.log_loss(y_true, proba, labels=classes) if proba is not None else np.nan
    )
    return result


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    return {
        "mae": skm.mean_absolute_error(y_true, y_pred),
        "rmse": skm.root_mean_squared_error(y_true, y_pred),
        "r2": skm.r2_score(y_true, y_pred),
    }


def score(outputs: Outputs) -> dict[str, float]:
    """Metrics of one split's model outputs, for their task, and the number of rows."""
    y_true, y_pred = outputs.y_true, outputs.y_pred
    if isinstance(outputs, BinaryOutputs):
        result = binary_metrics(y_true, y_pred, outputs.y_score, outputs.probabilities)
    elif isinstance(outputs, MulticlassOutputs):
        result = multiclass_metrics(y_true, y_pred, outputs.proba, outputs.classes)
    else:
        result = regression_metrics(y_true, y_pred)
    result["n_rows"] = len(y_true)
    return result


def missing_probabilities(outputs: Outputs) -> tuple[str, ...]:
    """The metrics of the outputs' task that need probabilities which the model does not give."""
    if isinstance(outputs, BinaryOutputs) and not outputs.probabilities:
        return PROBABILITY_METRICS["binary"]
    if isinstance(outputs, MulticlassOutputs) and outputs.proba is None:
        return PROBABILITY_METRICS["multiclass"]
    return ()


def defined_score(outputs: Outputs) -> dict[str, float]:
    """`score` without the metrics that the model cannot have (see `missing_probabilities`):
    left out of the reports rather than written as null on every run."""
    values = score(outputs)
    for name in missing_probabilities(outputs):
        del values[name]
    return values


def left_out(task: str, names: Iterable[str]) -> dict[str, str]:
    """Each probability metric of `task` that is not among `names` (the metrics a report
    holds), and why: for a reader who looks for the log loss of a perceptron."""
    present = set(names)
    missing = [m for m in PROBABILITY_METRICS.get(task, ()) if m not in present]
    return {name: NO_PROBABILITIES[task] for name in missing}
