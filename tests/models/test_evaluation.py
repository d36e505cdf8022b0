"""The evaluate stage's result on small frames: metrics equal scikit-learn's, intervals and
baselines are paired on the same rows, predictions carry what the audits need, plots use the
original labels, metrics.json reads back."""

import json

import numpy as np
import pandas as pd
import pytest
from helpers import FEATURES
from sklearn import metrics as skm

from pipeline.errors import ConfigError
from pipeline.io import dumps_json
from pipeline.models.baselines import fit_baselines
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.models.evaluation import evaluate, to_scale
from pipeline.models.intervals import Answers, metric_replicates
from pipeline.models.result import EvaluateConfig, Metrics
from pipeline.schema import Schema

SCHEMA = Schema(
    task="binary", target="y", numeric=("x",), categorical=("c",), sensitive=("s",),
    classes=(0, 1), labels=("no", "yes"),
)  # fmt: skip
SETTINGS = EvaluateConfig(n_boot=200, ci_level=0.9, ci_method="percentile",
                          baselines=("majority", "linear"))  # fmt: skip
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
    return model, test_frame, run(model, train_frame, test_frame, SCHEMA)


def run(model, train_frame, test_frame, schema, settings=SETTINGS):
    baselines = fit_baselines(train_frame, schema, FEATURES, settings.baselines, seed=0)
    found = evaluate(model, baselines, train_frame, test_frame, schema, settings, seed=7)
    return found.metrics, found.predictions, found.plots, found.baselines


def test_binary_metrics_equal_scikit_learn(result) -> None:
    model, test, (metrics, predictions, _, _) = result
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
    model, test, (_, predictions, _, _) = result
    rows = predictions.to_frame()
    assert list(rows.columns) == ["y_true", "y_pred", "y_score", "s"]
    np.testing.assert_array_equal(rows["y_true"], test["y"])
    np.testing.assert_array_equal(rows["s"], test["s"])
    np.testing.assert_allclose(rows["y_score"], model.predict_proba(test[["x", "c"]])[:, 1])


def test_binary_plots_use_original_labels(result) -> None:
    _, test, (_, predictions, plots, _) = result
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
    metrics, predictions, plots, _ = run(model, data, data, schema)
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
    metrics, _, plots, _ = run(model, data, data, regression)
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
    _, _, (metrics, _, _, _) = result
    written = json.loads(dumps_json(metrics.to_json()))
    back = Metrics.from_json(written)
    assert back.names == metrics.names and "roc_auc" in back.names
    assert back.value("test", "n_rows") == 300 and isinstance(back.value("test", "n_rows"), int)
    assert back.value("train", "accuracy") == pytest.approx(metrics.values["train/accuracy"])
    assert Metrics.from_json({"test/precision": None}).value("test", "precision") is None
    with pytest.raises(ValueError, match="test/x is 'high', not a number"):
        Metrics.from_json({"test/x": "high"})


def test_every_test_metric_has_an_interval_from_the_paired_replicates(result) -> None:
    model, test, (metrics, predictions, _, baselines) = result
    names = [n for n in metrics.names if n != "n_rows"]
    assert len(names) == 9 and "roc_auc_low" not in metrics.names
    for name in names:
        low, high = metrics.interval("test", name)
        assert low <= metrics.value("test", name) <= high, name
        assert metrics.interval("train", name) is None
    # the same replicates again: the model first, then the baselines, in the config's order
    fitted = fit_baselines(frame(600, 0), SCHEMA, FEATURES, SETTINGS.baselines, seed=0)
    answers = [Answers(predictions.y_pred, y_score=predictions.y_score)] + [
        Answers(m.predict(test[["x", "c"]]), y_score=m.predict_proba(test[["x", "c"]])[:, 1])
        for m in fitted.values()
    ]
    found = metric_replicates(predictions.y_true, answers, "binary", None, 200, seed=7)
    for name in names:
        q = np.quantile(found[name][:, 0], [0.05, 0.95])
        assert metrics.interval("test", name) == pytest.approx(tuple(q), abs=1e-12), name
        for j, baseline in enumerate(SETTINGS.baselines, start=1):
            if np.all(np.isfinite(found[name][:, j])):
                gap = np.quantile(found[name][:, 0] - found[name][:, j], [0.05, 0.95])
                scale = max(abs(metrics.value("test", name)), abs(baselines.value(baseline, name)))
                got = baselines.interval(f"model_minus_{baseline}", name)
                expected = tuple(to_scale(float(g), scale) for g in gap)
                assert got == pytest.approx(expected, abs=1e-15), (name, baseline)
                assert got == pytest.approx(tuple(gap), abs=scale * 1e-9), (name, baseline)


def test_baselines_are_scored_on_the_same_rows(result) -> None:
    _, test, (metrics, _, _, baselines) = result
    majority = int(frame(600, 0)["y"].mean() > 0.5)  # the training split's majority class
    share = (test["y"] == majority).mean()
    assert baselines.value("majority", "accuracy") == pytest.approx(share, abs=1e-12)
    assert baselines.value("majority", "roc_auc") == 0.5
    assert baselines.value("majority", "recall") == majority
    assert baselines.interval("majority", "accuracy")[0] < share < 1.0
    for name in ("accuracy", "roc_auc", "log_loss"):
        difference = metrics.value("test", name) - baselines.value("linear", name)
        assert baselines.value("model_minus_linear", name) == pytest.approx(difference, abs=1e-9)
    assert "n_rows" not in baselines.names


def test_no_intervals_without_replicates() -> None:
    train_frame, test_frame = frame(300, 0), frame(200, 1)
    model = train(train_frame, SCHEMA, FEATURES, LOGISTIC)
    settings = EvaluateConfig(n_boot=0, ci_level=0.95, ci_method="percentile", baselines=())
    metrics, _, _, baselines = run(model, train_frame, test_frame, SCHEMA, settings)
    assert metrics.interval("test", "accuracy") is None and baselines.values == {}
    assert not any(key.endswith(("_low", "_high")) for key in metrics.values)


def test_bca_intervals_hold_the_point_estimate(result) -> None:
    model, test, _ = result
    settings = EvaluateConfig(n_boot=300, ci_level=0.95, ci_method="bca", baselines=())
    metrics, _, _, _ = run(model, frame(600, 0), test, SCHEMA, settings)
    for name in ("accuracy", "roc_auc", "log_loss", "average_precision"):
        low, high = metrics.interval("test", name)
        assert low < metrics.value("test", name) < high, name


@pytest.mark.parametrize(
    "change,message",
    [
        ({"n_boot": 1}, "evaluate.n_boot is 1"),
        ({"ci_level": 95}, "evaluate.ci_level is 95"),
        ({"ci_method": "normal"}, "evaluate.ci_method is 'normal'; use one of percentile, bca"),
        ({"baselines": ("median",)}, "evaluate.baselines names 'median'"),
    ],
)
def test_bad_settings_fail_with_the_key(change, message) -> None:
    with pytest.raises(ConfigError, match=message):
        EvaluateConfig(**{**SETTINGS.__dict__, **change})


def test_a_difference_keeps_the_digits_of_the_metrics_it_subtracts() -> None:
    # two nearly equal models: the noise in the operands' last bits must not reach the file
    a, b = 0.8123456789012345, 0.8123456716412345
    assert to_scale(a - b, max(a, b)) == pytest.approx(7.3e-9, abs=1e-20)  # 10 digits of 0.81
    assert to_scale(a - b + 3e-17, max(a, b)) == to_scale(a - b, max(a, b))
    assert to_scale(1234.5678, 1e5) == pytest.approx(1234.5678, abs=1e-5)
    assert np.isnan(to_scale(float("nan"), 0.5)) and to_scale(0.25, 0.0) == 0.25
