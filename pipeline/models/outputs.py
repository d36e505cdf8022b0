"""What a model says about one split, computed once for both the metrics and the predictions
file: labels or values for every task, scores where the task has them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
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


def positive_score(model: Pipeline, inputs: pd.DataFrame) -> np.ndarray:
    """The positive class's probability, or the decision value of a model without one."""
    if hasattr(model, "predict_proba"):
        return model.predict_proba(inputs)[:, list(model.classes_).index(1)]
    return model.decision_function(inputs)


def model_outputs(model: Pipeline, frame: pd.DataFrame, schema: Schema) -> Outputs:
    """The outputs of `model` on `frame`, of the type that fits the schema's task."""
    inputs = frame[schema.features]
    has_proba = hasattr(model, "predict_proba")
    y_score = proba = None
    if schema.task == "binary":
        y_score = positive_score(model, inputs)
    elif schema.task == "multiclass" and has_proba:
        proba = model.predict_proba(inputs)
    classes = list(getattr(model, "classes_", []))
    y_true, y_pred = frame[schema.target].to_numpy(), model.predict(inputs)
    if y_score is not None:
        return BinaryOutputs(y_true, y_pred, y_score, has_proba)
    if schema.task == "multiclass":
        return MulticlassOutputs(y_true, y_pred, proba, classes)
    return Outputs(y_true, y_pred)


def predictions(outputs: Outputs, frame: pd.DataFrame, schema: Schema) -> Predictions:
    """The predictions file's rows: outputs, the binary score, and the rows' sensitive columns."""
    y_score = outputs.y_score if isinstance(outputs, BinaryOutputs) else None
    sensitive = frame[list(schema.sensitive)]
    return Predictions(outputs.y_true, outputs.y_pred, y_score, sensitive)
