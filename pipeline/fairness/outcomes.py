"""The audit's own view of the predictions file: classes as indices, the favourable outcome as 1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError, DataValidationError
from pipeline.predictions import Predictions
from pipeline.schema import Schema
from pipeline.tasks import Label


@dataclass(frozen=True)
class Outcomes:
    """What the audit compares, as `pipeline.predictions.Predictions` does not hold it: classes as
    indices into `classes` (binary: 1 is the favourable outcome, which fairness.positive_label may
    make the model's class 0), and whether the score is a probability."""

    task: str
    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None = None  # binary: the score of the favourable outcome
    proba: bool = False  # y_score is a probability
    classes: tuple[str, ...] = ()  # classification: the label of each index


def outcomes(predictions: Predictions, schema: Schema, positive_label: Label) -> Outcomes:
    """The predictions as class indices; binary ones flipped when the favourable label is 0."""
    for column, found in (("y_true", predictions.y_true), ("y_pred", predictions.y_pred)):
        if pd.isna(found).any():
            raise DataValidationError(f"column '{column}' of the predictions has missing values")
    if schema.task != "binary" and positive_label is not None:
        raise ConfigError("fairness.positive_label applies to binary tasks; set it to null")
    if schema.task == "regression":
        return Outcomes(
            "regression",
            np.asarray(predictions.y_true, dtype=np.float64),
            np.asarray(predictions.y_pred, dtype=np.float64),
        )
    if schema.task == "multiclass":
        true, predicted = pd.Series(predictions.y_true), pd.Series(predictions.y_pred)
        observed = pd.concat([true, predicted]).unique().tolist()
        classes = pd.Index(sorted(set(schema.labels) | set(observed), key=str), dtype=object)
        return Outcomes(
            "multiclass",
            classes.get_indexer(true),
            classes.get_indexer(predicted),
            classes=tuple(str(c) for c in classes),
        )
    y_true, y_pred = predictions.y_true, predictions.y_pred
    for column, values in (("y_true", y_true), ("y_pred", y_pred)):
        if values.min(initial=0) < 0 or values.max(initial=0) > 1 or values.dtype.kind == "f":
            raise DataValidationError(f"column '{column}' of binary predictions is not 0/1")
    negative, positive = (str(label) for label in schema.labels)
    if positive_label is not None and str(positive_label) not in (negative, positive):
        raise ConfigError(
            f"fairness.positive_label is {positive_label!r}, which is not a label of the target "
            f"({negative}, {positive}); use one of them, or null for {positive}"
        )
    flip = positive_label is not None and str(positive_label) == negative
    y_score, proba = None, False
    if predictions.y_score is not None and pd.notna(predictions.y_score).all():
        y_score = np.asarray(predictions.y_score, dtype=np.float64)
        proba = bool(((y_score >= 0.0) & (y_score <= 1.0)).all())
        if flip:
            y_score = 1.0 - y_score if proba else -y_score
    return Outcomes(
        "binary",
        (1 - y_true if flip else y_true).astype(np.int64),
        (1 - y_pred if flip else y_pred).astype(np.int64),
        y_score,
        proba,
        (positive, negative) if flip else (negative, positive),
    )
