"""What a model says about one split, computed once for both the metrics and the predictions
file: labels or values for every task, scores where the task has them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.pipeline import Pipeline

from pipeline.predictions import Predictions
from pipeline.schema import Schema


@dataclass(frozen=True)
class Outputs:
    """A regression model's outputs; the base of the classification ones."""

    y_true: np.ndarray
    y_pred: np.ndarray


@dataclass(frozen=True)
class BinaryOutputs(Outputs):
    y_score: np.ndarray  # the positive class's score
    probabilities: bool  # whether the scores are probabilities (else decision values)


@dataclass(frozen=True)
class MulticlassOutputs(Outputs):
    proba: np.ndarray | None  # class probabilities; None for a model without predict_proba
    classes: list[Any]  # the model's classes, in the order of proba's columns


# Classifiers whose `predict` is, in scikit-learn's own code, `classes_[argmax(predict_proba)]`:
# their labels follow from the probabilities without a second pass over the rows (the same bytes,
# tests/models/test_outputs.py). Others (a logistic regression thresholds its decision value, an
# MLP its output at 0.5, k-nearest neighbours take a vote) are asked for their labels.
LABELS_FROM_PROBA = (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    ExtraTreesClassifier,
    CalibratedClassifierCV,
)


def labels_from_proba(model: Pipeline) -> bool:
    """Whether the model's labels are the argmax of its probabilities (LABELS_FROM_PROBA)."""
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    return isinstance(final, LABELS_FROM_PROBA)


def model_outputs(model: Pipeline, frame: pd.DataFrame, schema: Schema) -> Outputs:
    """The outputs of `model` on `frame`, of the type that fits the schema's task: one pass over
    the rows for probabilities and labels where the labels follow from them."""
    inputs = frame[schema.features]
    has_proba = hasattr(model, "predict_proba")
    classes = list(getattr(model, "classes_", []))
    proba = model.predict_proba(inputs) if has_proba and schema.task != "regression" else None
    if proba is not None and labels_from_proba(model):
        y_pred = np.asarray(model.classes_)[np.argmax(proba, axis=1)]
    else:
        y_pred = model.predict(inputs)
    y_true = frame[schema.target].to_numpy()
    if schema.task == "binary":
        y_score = model.decision_function(inputs) if proba is None else proba[:, classes.index(1)]
        return BinaryOutputs(y_true, y_pred, y_score, has_proba)
    if schema.task == "multiclass":
        return MulticlassOutputs(y_true, y_pred, proba, classes)
    return Outputs(y_true, y_pred)


def predictions(outputs: Outputs, frame: pd.DataFrame, schema: Schema) -> Predictions:
    """The predictions file's rows: outputs, the binary score, and the rows' sensitive columns."""
    y_score = outputs.y_score if isinstance(outputs, BinaryOutputs) else None
    sensitive = frame[list(schema.sensitive)]
    return Predictions(outputs.y_true, outputs.y_pred, y_score, sensitive)
