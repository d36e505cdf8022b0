"""Each row's loss under the trained model: what a loss-threshold membership attack looks at.

A model fits its training rows better than rows it never saw; the gap in their losses is what the
attack exploits. Losses are rounded before the attack (`round_losses`) so that its ranking does not
depend on the last bits a CPU's BLAS leaves in the probabilities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from pipeline.errors import DataValidationError
from pipeline.schema import Schema

EPS = float(np.finfo(np.float64).eps)  # probabilities are clipped to [EPS, 1 - EPS]
LOSS_DIGITS = 10  # losses keep this many significant digits of the largest loss
KINDS = {
    "log_loss": "-log of the probability the model gives the row's true class",
    "zero_one": "0 if the model's prediction is right, 1 if wrong (the model gives no "
    "probabilities, so the attack sees only its mistakes)",
    "squared_error": "the squared difference between the true value and the prediction",
}


@dataclass(frozen=True)
class RowLosses:
    """Each row's loss, whether the model's prediction is right (classification; None for
    regression) and which loss it is (a key of KINDS)."""

    loss: np.ndarray
    correct: np.ndarray | None
    kind: str

    def __len__(self) -> int:
        return len(self.loss)

    def take(self, rows: np.ndarray) -> RowLosses:
        correct = None if self.correct is None else self.correct[rows]
        return RowLosses(self.loss[rows], correct, self.kind)


def class_positions(values: np.ndarray, classes: list, target: str) -> np.ndarray:
    """Each true label's position among the model's classes (binary: the 0/1 codes the features
    stage wrote, so position = code)."""
    lookup = {c: i for i, c in enumerate(classes)}
    out = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(np.asarray(values).tolist()):
        if value not in lookup:
            raise DataValidationError(
                f"target '{target}' holds {value!r}, which is not one of the model's classes "
                f"{classes}; the model was trained on other splits: re-run the train stage "
                "(dvc repro train)"
            )
        out[i] = lookup[value]
    return out


def row_losses(model: Pipeline, frame: pd.DataFrame, schema: Schema) -> RowLosses:
    """Each row's loss under `model`: classification -log p(true class) (p clipped to
    [EPS, 1 - EPS]), or the 0/1 loss for a model without predict_proba; regression the squared
    error. One prediction call on `frame`."""
    inputs = frame[schema.features]
    if schema.task == "regression":
        truth = frame[schema.target].to_numpy(dtype=np.float64)
        error = truth - np.asarray(model.predict(inputs), dtype=np.float64)
        return _checked(RowLosses(error * error, None, "squared_error"))
    classes = list(model.classes_)
    truth = class_positions(frame[schema.target].to_numpy(), classes, schema.target)
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(inputs), dtype=np.float64)
        p = np.clip(proba[np.arange(len(truth)), truth], EPS, 1.0 - EPS)
        return _checked(RowLosses(-np.log(p), proba.argmax(axis=1) == truth, "log_loss"))
    predicted = class_positions(model.predict(inputs), classes, schema.target)
    correct = predicted == truth
    return RowLosses((~correct).astype(np.float64), correct, "zero_one")


def _checked(losses: RowLosses) -> RowLosses:
    if not np.all(np.isfinite(losses.loss)):
        bad = int(np.flatnonzero(~np.isfinite(losses.loss))[0])
        raise DataValidationError(
            f"the model's loss on row {bad} is not finite ({losses.loss[bad]}): its prediction "
            "or the target is NaN or overflows; check the target column and re-run train"
        )
    return losses


def loss_quantum(*losses: np.ndarray, digits: int = LOSS_DIGITS) -> float:
    """The rounding step: `digits` significant digits of the largest loss (0: no rounding)."""
    top = max((float(np.max(v)) for v in losses if len(v)), default=0.0)
    if not math.isfinite(top) or top <= 0.0:
        return 0.0
    return 10.0 ** (math.floor(math.log10(top)) - digits + 1)


def round_losses(values: np.ndarray, quantum: float) -> np.ndarray:
    """`values` on the grid of `quantum`: equal rounded values tie exactly (same integer times
    the same step), and noise below the step moves a value only if it lies on a step's edge."""
    values = np.asarray(values, dtype=np.float64)
    if quantum == 0.0:
        return values.copy()
    return np.rint(values / quantum) * quantum
