"""The evaluate stage's result on small frames: metrics equal scikit-learn's, predictions carry
what the audits need, plots use the original labels, metrics.json reads back."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from pipeline.data.features import FeaturesConfig
from pipeline.io import dumps_json
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.models.evaluation import Metrics, evaluate
from pipeline.schema import Schema

FEATURES = FeaturesConfig(
    include_sensitive=False, drop=(), categorical=(), min_frequency=1, scale=True
)
SCHEMA = Schema(
    task="binary", target="y", numeric=("x",), categorical=("c",), sensitive=("s",),
    classes=(0, 1), labels=("no", "yes"),
)  # fmt: skip
LOGISTIC = ModelConfig("logistic_regression", "classification",
                       "sklearn.linear_model.LogisticRegression", {"random_state": 0})  # fmt: skip


def frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    c = rng.choice(["a", "b"], n)
    y = (x + (c == "a") + rng.normal(size=n) > 0.5).astype(int)
    return pd.DataFrame({"x": x, "c": c, "s": rng.choice(["f", "m"], n), "y": y})


@pytest.fixture(scope="module")
def result():
    train_frame, test_frame = frame(600, 0), frame(300, 1)
    model = train(train_frame, SCHEMA, FEATURES, LOGISTIC)
    return model, test_frame, evaluate(model, train_frame, test_frame, SCHEMA)


def test_binary_metrics_equal_scikit_learn(result) -> None:
    model, test, (metrics, predictions, _) = result
    y, p = test["y"], model.predict(test[["x", "c"]])
    score = model.predict_proba(test[["x", "c"]])[:, 1]
    expected = {
        "accuracy": skm.accuracy_score(y, p),
        "balanced_accuracy": skm.balanced_accuracy_score(y, p),
        "f1": skm.f1_score(y, p), "precision": skm.precision_score(y, p),
        "recall": skm.recall_score(y, p), "roc_auc": skm.roc_auc_score(y, score),
        "log_loss": skm.log_loss(y, score), "brier_score": skm.brier_score_loss(y, score),
        "average_precision": skm.average_precision_score(y, score), "n_rows": 300,
    }  # fmt: skip
    for name, value in expected.items():
        assert metrics.values[f"test/{name}"] == pytest.approx(value, abs=1e-12), name
    assert metrics.values["train/n_rows"] == 600
    assert 0.7 < metrics.values["test/roc_auc"] <= 1.0


def test_predictions_carry_truth_scores_and_sensitive_columns(result) -> None:
    model, test, (_, predictions, _) = result
    rows = predictions.to_frame()
    assert list(rows.columns) == ["y_true", "y_pred", "y_score", "s"]
    np.testing.assert_array_equal(rows["y_true"], test["y"])
    np.testing.assert_array_equal(rows["s"], test["s"])
    np.testing.assert_allclose(rows["y_score"], model.predict_proba(test[["x", "c"]])[:, 1])


def test_binary_plots_use_original_labels(result) -> None:
    _, test, (_, predictions, plots) = result
    assert sorted(plots) == ["calibration.csv", "confusion.csv", "precision_recall.csv", "roc.csv"]
    confusion = plots["confusion.csv"]
    assert set(confusion["actual"]) == {"no", "yes"}
    assert (confusion["actual"] == "yes").sum() == test["y"].sum()
    fpr, tpr, _ = skm.roc_curve(predictions.y_true, predictions.y_score)
    np.testing.assert_array_equal(plots["roc.csv"]["fpr"], fpr)


def test_multiclass_and_regression_metrics() -> None:
    rng = np.random.default_rng(0)
    n = 300
    y = rng.integers(0, 3, n)
    data = pd.DataFrame({"x": y + rng.normal(scale=0.7, size=n), "c": rng.choice(["a", "b"], n)})
    data["s"], data["y"] = "f", y
    schema = Schema(
        **{**SCHEMA.__dict__, "task": "multiclass", "classes": (0, 1, 2), "labels": (0, 1, 2)}
    )
    model = train(data, schema, FEATURES, LOGISTIC)
    metrics, predictions, plots = evaluate(model, data, data, schema)
    proba = model.predict_proba(data[["x", "c"]])
    assert metrics.values["test/roc_auc_ovr_macro"] == pytest.approx(
        skm.roc_auc_score(y, proba, multi_class="ovr", average="macro"), abs=1e-12
    )
    assert metrics.values["test/f1_weighted"] == pytest.approx(
        skm.f1_score(y, model.predict(data[["x", "c"]]), average="weighted"), abs=1e-12
    )
    assert "y_score" not in predictions.to_frame() and sorted(plots) == ["confusion.csv"]

    data["y"] = data["x"] * 2.0 + rng.normal(size=n)
    regression = Schema(**{**SCHEMA.__dict__, "task": "regression", "classes": (), "labels": ()})
    ridge = ModelConfig("ridge", "regression", "sklearn.linear_model.Ridge", {})
    model = train(data, regression, FEATURES, ridge)
    metrics, _, plots = evaluate(model, data, data, regression)
    predicted = model.predict(data[["x", "c"]])
    assert metrics.values["test/rmse"] == pytest.approx(
        np.sqrt(np.mean((data["y"] - predicted) ** 2)), abs=1e-12
    )
    assert metrics.values["test/r2"] == pytest.approx(skm.r2_score(data["y"], predicted), abs=1e-12)
    assert sorted(plots) == ["residuals.csv"]


def test_undefined_metrics_are_null_in_strict_json() -> None:
    text = dumps_json({"test/precision": float("nan"), "b": np.float64(np.inf), "a": np.int64(3)})
    assert json.loads(text) == {"a": 3, "b": None, "test/precision": None}
    assert text.index('"a"') < text.index('"b"')


def test_metrics_read_back_by_split_and_name(result) -> None:
    _, _, (metrics, _, _) = result
    written = json.loads(dumps_json(metrics.to_json()))
    back = Metrics.from_json(written)
    assert back.names == metrics.names and "roc_auc" in back.names
    assert back.value("test", "n_rows") == 300 and isinstance(back.value("test", "n_rows"), int)
    assert back.value("train", "accuracy") == pytest.approx(metrics.values["train/accuracy"])
    assert Metrics.from_json({"test/precision": None}).value("test", "precision") is None
    with pytest.raises(ValueError, match="test/x is 'high', not a number"):
        Metrics.from_json({"test/x": "high"})
