"""Stage `evaluate`: metrics for the task, curve data for `dvc plots`, test-set predictions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve
from sklearn.pipeline import Pipeline

from pipeline.config import load_config
from pipeline.errors import run_stage
from pipeline.io import read_pickle, write_csv, write_json, write_parquet
from pipeline.schema import Schema, read_schema
from pipeline.stages.train import cores

MAX_CURVE_POINTS = 1000
CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Outputs:
    """What a model says about one split, computed once for both metrics and predictions."""

    y_true: np.ndarray
    y_pred: np.ndarray
    scores: np.ndarray | None  # binary: positive-class score; multiclass: class probabilities
    probabilities: bool  # whether the scores are probabilities
    classes: list


def model_outputs(model: Pipeline, frame: pd.DataFrame, schema: Schema) -> Outputs:
    inputs = frame[schema.features]
    has_proba = hasattr(model, "predict_proba")
    scores = None
    if schema.task == "binary":
        scores = positive_score(model, inputs)
    elif schema.task == "multiclass" and has_proba:
        scores = model.predict_proba(inputs)
    classes = list(getattr(model, "classes_", []))
    return Outputs(
        frame[schema.target].to_numpy(), model.predict(inputs), scores, has_proba, classes
    )


def predictions_frame(outputs: Outputs, frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """y_true, y_pred, y_score (binary: probability of the positive class) and sensitive columns."""
    out = pd.DataFrame({"y_true": outputs.y_true, "y_pred": outputs.y_pred})
    if schema.task == "binary":
        out["y_score"] = outputs.scores
    for column in schema.sensitive:
        out[column] = frame[column].to_numpy()
    return out


def positive_score(model: Pipeline, inputs: pd.DataFrame) -> np.ndarray:
    if hasattr(model, "predict_proba"):
        return model.predict_proba(inputs)[:, list(model.classes_).index(1)]
    return model.decision_function(inputs)


def binary_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray, proba: bool
) -> dict:
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


def multiclass_metrics(y_true, y_pred, proba: np.ndarray | None, classes) -> dict:
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


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    return {
        "mae": skm.mean_absolute_error(y_true, y_pred),
        "rmse": skm.root_mean_squared_error(y_true, y_pred),
        "r2": skm.r2_score(y_true, y_pred),
    }


def score(outputs: Outputs, schema: Schema) -> dict:
    """Metrics of one split's model outputs, for the schema's task."""
    y_true, y_pred = outputs.y_true, outputs.y_pred
    if schema.task == "binary":
        result = binary_metrics(y_true, y_pred, outputs.scores, outputs.probabilities)
    elif schema.task == "multiclass":
        result = multiclass_metrics(y_true, y_pred, outputs.scores, outputs.classes)
    else:
        result = regression_metrics(y_true, y_pred)
    result["n_rows"] = len(y_true)
    return result


def thin(frame: pd.DataFrame, limit: int = MAX_CURVE_POINTS) -> pd.DataFrame:
    """At most `limit` rows, evenly spaced, first and last kept."""
    if len(frame) <= limit:
        return frame
    index = np.unique(np.linspace(0, len(frame) - 1, limit).round().astype(int))
    return frame.iloc[index]


def curves(predictions: pd.DataFrame, schema: Schema) -> dict[str, pd.DataFrame]:
    """Plot data, one frame per file name."""
    y_true = predictions["y_true"].to_numpy()
    y_pred = predictions["y_pred"].to_numpy()
    if schema.task == "regression":
        return {"residuals.csv": pd.DataFrame({"actual": y_true, "predicted": y_pred})}
    labels = np.asarray(schema.labels, dtype=object)
    if schema.task == "binary":
        actual, predicted = labels[y_true.astype(int)], labels[y_pred.astype(int)]
    else:
        actual, predicted = y_true, y_pred
    out = {"confusion.csv": pd.DataFrame({"actual": actual, "predicted": predicted})}
    if schema.task == "binary":
        y_score = predictions["y_score"].to_numpy()
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


def evaluate(
    model: Pipeline, train: pd.DataFrame, test: pd.DataFrame, schema: Schema
) -> tuple[dict, pd.DataFrame, dict[str, pd.DataFrame]]:
    """(metrics with namespaced names, test predictions, plot data)."""
    on_test = model_outputs(model, test, schema)
    metrics = {f"test/{k}": v for k, v in score(on_test, schema).items()}
    on_train = model_outputs(model, train, schema)
    metrics |= {f"train/{k}": v for k, v in score(on_train, schema).items()}
    predictions = predictions_frame(on_test, test, schema)
    return metrics, predictions, curves(predictions, schema)


def main() -> None:
    config = load_config()
    schema = read_schema(config.paths.schema)
    model = read_pickle(config.paths.model)
    train = pd.read_parquet(config.paths.train)
    test = pd.read_parquet(config.paths.test)
    # one core: a forest sums its trees' votes in a fixed order only when not threaded
    with cores(1):
        metrics, predictions, plots = evaluate(model, train, test, schema)
    plot_dir = Path(config.paths.evaluate_plots)
    for name, frame in plots.items():
        write_csv(plot_dir / name, frame)
    write_parquet(config.paths.predictions, predictions)
    write_json(config.paths.metrics, metrics)
    headline = ("test/accuracy", "test/roc_auc", "test/r2")
    print("evaluate: " + ", ".join(f"{k} {metrics[k]:.4f}" for k in headline if k in metrics))


if __name__ == "__main__":
    run_stage(main)
