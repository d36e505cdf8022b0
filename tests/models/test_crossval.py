"""Cross-validation: fold metrics equal scikit-learn's cross_validate with the same splitter and
estimator, the corrected resampled t interval equals a hand computation with scipy, the folds
reproduce byte for byte, and the result reads back from its flat metrics file."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import FEATURES, MODEL_SCHEMA, model_frame
from scipy import stats
from sklearn import metrics as skm
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold, cross_validate

from pipeline.errors import ConfigError, DataValidationError
from pipeline.io import dumps_json, write_csv
from pipeline.models.build import build_model
from pipeline.models.config import ModelConfig
from pipeline.models.crossval import (
    CrossvalConfig,
    Gap,
    fold_metrics,
    gap,
    summarize,
    summarize_metric,
)
from pipeline.models.result import CrossvalResult, Summary
from pipeline.schema import Schema

LOGISTIC = ModelConfig(
    "logistic_regression", "classification", "sklearn.linear_model.LogisticRegression",
    {"random_state": 0},
)  # fmt: skip
FOREST = ModelConfig(
    "random_forest", "classification", "sklearn.ensemble.RandomForestClassifier",
    {"n_estimators": 15, "random_state": 0},
)  # fmt: skip
RIDGE = ModelConfig("ridge", "regression", "sklearn.linear_model.Ridge", {"alpha": 1.0})
CONFIG = CrossvalConfig(folds=4, repeats=2, ci_level=0.9)
SEED = 7


def proba_scorer(fn, **kwargs):
    return skm.make_scorer(fn, response_method="predict_proba", **kwargs)


BINARY_SCORERS = {
    "accuracy": "accuracy", "balanced_accuracy": "balanced_accuracy", "f1": "f1",
    "precision": "precision", "recall": "recall",
    "roc_auc": proba_scorer(skm.roc_auc_score),
    "average_precision": proba_scorer(skm.average_precision_score),
    "log_loss": proba_scorer(skm.log_loss), "brier_score": proba_scorer(skm.brier_score_loss),
}  # fmt: skip


def oracle(frame, schema, model, splitter, scoring) -> dict[str, np.ndarray]:
    """scikit-learn's own cross-validation of the same pipeline on the same folds."""
    found = cross_validate(
        build_model(schema, FEATURES, model), frame[schema.features], frame[schema.target],
        cv=splitter, scoring=scoring, return_indices=True,
    )  # fmt: skip
    return found


def assert_folds_equal(table: pd.DataFrame, found: dict, scoring: dict) -> None:
    assert len(table) == CONFIG.folds * CONFIG.repeats
    assert table["repeat"].tolist() == [i // CONFIG.folds for i in range(len(table))]
    assert table["fold"].tolist() == [i % CONFIG.folds for i in range(len(table))]
    assert table["n_train"].tolist() == [len(i) for i in found["indices"]["train"]]
    assert table["n_test"].tolist() == [len(i) for i in found["indices"]["test"]]
    for name in scoring:
        np.testing.assert_allclose(table[name], found[f"test_{name}"], rtol=0, atol=1e-12)


def test_binary_fold_metrics_equal_cross_validate() -> None:
    frame = model_frame(240, seed=1)
    table = fold_metrics(frame, MODEL_SCHEMA, FEATURES, LOGISTIC, CONFIG, SEED)
    splitter = RepeatedStratifiedKFold(n_splits=4, n_repeats=2, random_state=SEED)
    found = oracle(frame, MODEL_SCHEMA, LOGISTIC, splitter, BINARY_SCORERS)
    assert list(table.columns) == ["repeat", "fold", "n_train", "n_test", *BINARY_SCORERS]
    assert_folds_equal(table, found, BINARY_SCORERS)
    # stratified: each test fold holds the positive share of the whole frame, within a row
    positives = [frame["y"].iloc[rows].sum() for rows in found["indices"]["test"]]
    assert max(positives) - min(positives) <= 1


def test_multiclass_fold_metrics_equal_cross_validate() -> None:
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, 300)
    frame = pd.DataFrame({"x": y + rng.normal(scale=0.8, size=300), "w": rng.normal(size=300)})
    frame["colour"], frame["y"] = rng.choice(["r", "g"], 300).astype(object), y
    schema = Schema(**{**MODEL_SCHEMA.__dict__, "task": "multiclass", "classes": (0, 1, 2),
                       "labels": (0, 1, 2)})  # fmt: skip
    scoring = {
        "accuracy": "accuracy", "f1_macro": "f1_macro", "precision_weighted": "precision_weighted",
        "roc_auc_ovr_macro": proba_scorer(skm.roc_auc_score, multi_class="ovr", average="macro"),
        "log_loss": proba_scorer(skm.log_loss, labels=[0, 1, 2]),
    }  # fmt: skip
    table = fold_metrics(frame, schema, FEATURES, LOGISTIC, CONFIG, SEED)
    splitter = RepeatedStratifiedKFold(n_splits=4, n_repeats=2, random_state=SEED)
    assert_folds_equal(table, oracle(frame, schema, LOGISTIC, splitter, scoring), scoring)


def test_regression_uses_plain_k_fold_and_equals_cross_validate() -> None:
    frame = model_frame(150, seed=3)
    frame["y"] = frame["w"] * 3.0 + (frame["colour"] == "g") + np.arange(150) / 100.0
    schema = Schema(**{**MODEL_SCHEMA.__dict__, "task": "regression", "classes": (), "labels": ()})
    scoring = {
        "mae": skm.make_scorer(skm.mean_absolute_error),
        "rmse": skm.make_scorer(skm.root_mean_squared_error),
        "r2": "r2",
    }
    table = fold_metrics(frame, schema, FEATURES, RIDGE, CONFIG, SEED)
    assert list(table.columns) == ["repeat", "fold", "n_train", "n_test", "mae", "rmse", "r2"]
    found = oracle(frame, schema, RIDGE, RepeatedKFold(n_splits=4, n_repeats=2, random_state=SEED),
                   scoring)  # fmt: skip
    assert_folds_equal(table, found, scoring)
    result = summarize(table, CONFIG)
    assert result.metrics["r2"].n_folds == 8 and result.metrics["r2"].low is not None


def test_corrected_t_interval_equals_a_hand_computation() -> None:
    values = [0.81, 0.79, 0.84, 0.80, 0.83, 0.78]
    n_train, n_test = [400, 401, 400, 399, 400, 400], [200, 199, 200, 201, 200, 200]
    summary = summarize_metric(values, n_train, n_test, 0.9)
    mean = statistics.fmean(values)
    s2 = statistics.variance(values)
    scale = math.sqrt((1 / 6 + sum(n_test) / sum(n_train)) * s2)
    low, high = stats.t.interval(0.9, 5, loc=mean, scale=scale)
    assert summary.mean == pytest.approx(mean, abs=1e-15)
    assert summary.std == pytest.approx(statistics.stdev(values), abs=1e-15)
    assert summary.low == pytest.approx(low, abs=1e-12)
    assert summary.high == pytest.approx(high, abs=1e-12)
    assert summary.n_folds == 6
    # the correction widens the naive t interval by sqrt(1 + m * n_test / n_train)
    naive = stats.t.interval(0.9, 5, loc=mean, scale=math.sqrt(s2 / 6))
    ratio = (summary.high - summary.low) / (naive[1] - naive[0])
    assert ratio == pytest.approx(math.sqrt(1 + 6 * sum(n_test) / sum(n_train)), abs=1e-12)


def test_a_metric_undefined_on_some_folds_uses_the_others_and_says_so() -> None:
    table = pd.DataFrame({
        "repeat": [0, 0, 0, 0], "fold": [0, 1, 2, 3], "n_train": [30] * 4, "n_test": [10] * 4,
        "precision": [0.5, np.nan, 0.7, 0.9], "recall": [np.nan, np.nan, np.nan, 0.4],
        "f1": [np.nan] * 4, "accuracy": [0.6, 0.7, 0.8, 0.7],
    })  # fmt: skip
    result = summarize(table, CrossvalConfig(folds=4, repeats=1, ci_level=0.95))
    precision = result.metrics["precision"]
    expected = stats.t.interval(0.95, 2, loc=0.7, scale=math.sqrt((1 / 3 + 1 / 3) * 0.04))
    assert precision.n_folds == 3 and precision.mean == pytest.approx(0.7, abs=1e-15)
    assert (precision.low, precision.high) == pytest.approx(expected, abs=1e-12)
    assert result.note("precision") == "defined on 3 of 4 folds"
    assert result.metrics["recall"] == Summary(0.4, None, None, None, 1)
    assert result.note("recall") == (
        "defined on 1 of 4 folds; no interval: the corrected t needs 2 or more folds"
    )
    assert result.metrics["f1"] == Summary(None, None, None, None, 0)
    assert result.note("accuracy") is None
    written = json.loads(dumps_json(result.to_json()))
    assert written["cv/precision_n_folds"] == 3 and written["cv/f1"] is None
    assert "cv/accuracy_n_folds" not in written and written["cv/n_folds"] == 4
    assert CrossvalResult.from_json(written).metrics["recall"] == result.metrics["recall"]


def test_one_fold_gives_no_interval() -> None:
    summary = summarize_metric([0.8], [90], [10], 0.95)
    assert summary == Summary(0.8, None, None, None, 1)


def test_result_is_a_flat_metrics_file_that_reads_back() -> None:
    table = fold_metrics(model_frame(200), MODEL_SCHEMA, FEATURES, LOGISTIC, CONFIG, SEED)
    result = summarize(table, CONFIG)
    data = result.to_json()
    assert all(isinstance(v, int | float) for v in data.values())
    assert data["cv/folds"] == 4 and data["cv/repeats"] == 2 and data["cv/n_folds"] == 8
    assert data["cv/roc_auc"] == pytest.approx(table["roc_auc"].mean(), abs=1e-12)
    assert data["cv/roc_auc_std"] == pytest.approx(table["roc_auc"].std(ddof=1), abs=1e-12)
    assert data["cv/roc_auc_low"] < data["cv/roc_auc"] < data["cv/roc_auc_high"]
    assert sorted(data) == sorted(
        ["cv/folds", "cv/repeats", "cv/n_folds"]
        + [f"cv/{m}{s}" for m in BINARY_SCORERS for s in ("", "_std", "_low", "_high")]
    )
    assert CrossvalResult.from_json(data) == result
    assert CrossvalResult.from_json(json.loads(dumps_json(data))).metrics.keys() == set(
        BINARY_SCORERS
    )


def test_folds_reproduce_byte_for_byte_on_any_core_count(tmp_path: Path) -> None:
    frame = model_frame(200, seed=4)
    written = []
    for run, n_jobs in enumerate((1, 1, 2)):
        table = fold_metrics(frame, MODEL_SCHEMA, FEATURES, FOREST, CONFIG, SEED, n_jobs)
        write_csv(tmp_path / f"{run}.csv", table)
        written.append(
            ((tmp_path / f"{run}.csv").read_bytes(), dumps_json(summarize(table, CONFIG).to_json()))
        )
    assert written[0] == written[1] == written[2]
    other_seed = fold_metrics(frame, MODEL_SCHEMA, FEATURES, FOREST, CONFIG, SEED + 1)
    assert not other_seed["accuracy"].equals(pd.read_csv(tmp_path / "0.csv")["accuracy"])


def test_off_gives_no_folds_and_no_metrics() -> None:
    off = CrossvalConfig(folds=0, repeats=1, ci_level=0.95)
    table = fold_metrics(model_frame(50), MODEL_SCHEMA, FEATURES, LOGISTIC, off, SEED)
    assert list(table.columns) == ["repeat", "fold", "n_train", "n_test"] and table.empty
    result = summarize(table, off)
    assert result.to_json() == {"cv/folds": 0, "cv/repeats": 1, "cv/n_folds": 0}
    assert CrossvalResult.from_json(result.to_json()) == result


def test_gap_between_test_and_cross_validated_score() -> None:
    result = CrossvalResult(5, 1, {"roc_auc": Summary(0.90, 0.01, 0.88, 0.92, 5),
                                   "f1": Summary(0.5, None, None, None, 1)})  # fmt: skip
    assert gap(result, 0.87, "roc_auc") == Gap(pytest.approx(-0.03, abs=1e-15), False)
    assert gap(result, 0.91, "roc_auc").within is True
    assert gap(result, 0.6, "f1") == Gap(pytest.approx(0.1, abs=1e-15), None)
    assert gap(result, float("nan"), "roc_auc") == Gap(None, None)
    assert gap(result, 0.9, "r2") == Gap(None, None)


@pytest.mark.parametrize(
    "folds,repeats,level,message",
    [
        (1, 1, 0.95, "crossval.folds is 1; use 2 or more, or 0"),
        (-2, 1, 0.95, "crossval.folds is -2"),
        (5, 0, 0.95, "crossval.repeats is 0; use 1 or more"),
        (5, 1, 1.0, r"crossval.ci_level is 1.0; use a level in \(0, 1\)"),
    ],
)
def test_bad_config_is_named(folds, repeats, level, message) -> None:
    with pytest.raises(ConfigError, match=message):
        CrossvalConfig(folds=folds, repeats=repeats, ci_level=level)


def test_too_few_rows_of_a_class_or_in_all_is_a_clear_error() -> None:
    frame = model_frame(100)
    frame["y"] = 0
    frame.loc[:2, "y"] = 1
    with pytest.raises(DataValidationError, match="class 'yes' of 'y' has 3 training rows, fewer"):
        fold_metrics(frame, MODEL_SCHEMA, FEATURES, LOGISTIC, CONFIG, SEED)
    with pytest.raises(ConfigError, match="crossval.folds is 4 but the training split has 3 rows"):
        fold_metrics(frame.head(3), MODEL_SCHEMA, FEATURES, LOGISTIC, CONFIG, SEED)
