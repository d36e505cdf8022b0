"""Plot data for `dvc plots`: confusion pairs, ROC, precision-recall and calibration curves, or
residuals, one frame per CSV file, from the test predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from pipeline.predictions import Predictions
from pipeline.schema import Schema

MAX_CURVE_POINTS = 1000
CALIBRATION_BINS = 10


def thin(frame: pd.DataFrame, limit: int = MAX_CURVE_POINTS) -> pd.DataFrame:
    """At most `limit` rows, evenly spaced, first and last kept."""
    if len(frame) <= limit:
        return frame
    index = np.unique(np.linspace(0, len(frame) - 1, limit).round().astype(int))
    return frame.iloc[index]


def curves(predictions: Predictions, schema: Schema) -> dict[str, pd.DataFrame]:
    """Plot data, one frame per file name; binary labels shown as the original labels."""
    y_true = predictions.y_true
    y_pred = predictions.y_pred
    if schema.task == "regression":
        return {"residuals.csv": pd.DataFrame({"actual": y_true, "predicted": y_pred})}
    labels = np.asarray(schema.labels, dtype=object)
    if schema.task == "binary":
        actual, predicted = labels[y_true.astype(int)], labels[y_pred.astype(int)]
    else:
        actual, predicted = y_true, y_pred
    out = {"confusion.csv": pd.DataFrame({"actual": actual, "predicted": predicted})}
    if schema.task == "binary" and predictions.y_score is not None:
        y_score = predictions.y_score
        fpr, tpr, _ = skm.roc_curve(y_true, y_score)
        precision, recall, _ = skm.precision_recall_curve(y_true, y_score)
        out["roc.csv"] = thin(pd.DataFrame({"fpr": fpr, "tpr": tpr}))
        out["precision_recall.csv"] = thin(pd.DataFrame({"recall": recall, "precision": precision}))
        if ((y_score >= 0) & (y_score <= 1)).all():
            fraction, mean_predicted = calibration_curve(y_true, y_score, n_bins=CALIBRATION_BINS)
            out["calibration.csv"] = pd.DataFrame(
                {"mean_predicted_probability": mean_predicted, "fraction_of_positives": fraction}
            )
    return out
