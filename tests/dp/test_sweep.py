"""The sweep (pipeline/dp/sweep.py): test accuracy with its Clopper-Pearson interval against
scikit-learn and statsmodels, the audit's disparities and per-group accuracy against fairlearn and
scikit-learn, a regression task refused, and (slow) one sweep on the synthetic dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from fairness.cases import EVERY_GROUP, TOL, binary_case, schema, settings
from helpers import run_stages
from scipy import stats
from sklearn.metrics import accuracy_score
from statsmodels.stats.proportion import proportion_confint

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig
from pipeline.dp.config import DpConfig
from pipeline.dp.result import DISPARITIES
from pipeline.dp.sweep import Inputs, accuracy, audited, judged, sweep
from pipeline.errors import ConfigError
from pipeline.fairness.config import FairnessConfig
from pipeline.models.config import read_model
from pipeline.predictions import Predictions
from pipeline.schema import Schema, read_schema

AUDITS = {"sex": ["sex"], "race": ["race"], "sex_x_race": ["sex", "race"]}


@pytest.mark.parametrize(
    ("n", "wrong", "level"),
    [(1500, 310, 0.95), (80, 0, 0.95), (80, 80, 0.9), (7, 3, 0.99), (2999, 1, 0.5)],
)
def test_accuracy_and_its_interval_equal_sklearn_and_statsmodels(
    n: int, wrong: int, level: float
) -> None:
    rng = np.random.default_rng(n + wrong)
    y_true = rng.choice(["no", "yes"], n)
    y_pred = y_true.copy()
    flip = rng.choice(n, wrong, replace=False)
    y_pred[flip] = np.where(y_true[flip] == "no", "yes", "no")
    found = accuracy(y_true, y_pred, level)
    assert found["value"] == accuracy_score(y_true, y_pred) == (n - wrong) / n
    low, high = proportion_confint(n - wrong, n, alpha=1 - level, method="beta")
    assert found["interval"] == pytest.approx([low, high], abs=TOL, nan_ok=False)
    assert found["interval"][0] <= found["value"] <= found["interval"][1]


def test_the_audit_equals_fairlearn_and_sklearn_per_group() -> None:
    frame = binary_case(5, 1500)
    test = frame.rename(columns={"y_true": "y"})[["y", "sex", "race"]]
    y_pred = frame["y_pred"].to_numpy()
    config = settings(n_boot=40, ci_level=0.9, **EVERY_GROUP)
    found, audits = judged(y_pred, test, schema(), config, seed=0)
    assert found == accuracy(frame["y_true"].to_numpy(), y_pred, 0.9)
    assert [one["name"] for one in audits] == list(AUDITS)
    for one in audits:
        features = frame[AUDITS[one["name"]]]
        assert set(one["disparities"]) == set(DISPARITIES)
        for name in DISPARITIES:
            expected = getattr(flm, name)(frame["y_true"], y_pred, sensitive_features=features)
            estimate = one["disparities"][name]
            assert estimate["value"] == pytest.approx(expected, abs=TOL), (one["name"], name)
            low, high = estimate["interval"]
            assert low < high
        labels = features.astype(str).agg(", ".join, axis=1)
        assert [group["label"] for group in one["groups"]] == sorted(labels.unique())
        for group in one["groups"]:
            rows = (labels == group["label"]).to_numpy()
            assert group["count"] == rows.sum() and group["eligible"]
            expected = accuracy_score(frame["y_true"][rows], y_pred[rows])
            assert group["accuracy"]["value"] == pytest.approx(expected, abs=TOL)
            low, high = group["accuracy"]["interval"]
            assert low <= group["accuracy"]["value"] <= high


def test_a_group_too_small_is_listed_but_left_out_of_the_disparities() -> None:
    frame = binary_case(6, 1200)
    frame.loc[frame.index[:12], "race"] = "r3"  # 12 rows: below min_group_size 30
    predictions = Predictions(frame["y_true"].to_numpy(), frame["y_pred"].to_numpy(), None,
                              frame[["race"]])  # fmt: skip
    config = settings(n_boot=0, min_positives=0, min_negatives=0)
    (race,) = audited(predictions, schema(sensitive=("race",)), config, seed=0)
    small = next(group for group in race["groups"] if group["label"] == "r3")
    assert small["count"] == 12 and not small["eligible"]
    assert small["accuracy"]["interval"] is None  # n_boot 0: no intervals
    compared = frame["race"] != "r3"
    expected = flm.demographic_parity_difference(
        frame["y_true"][compared], frame["y_pred"][compared],
        sensitive_features=frame["race"][compared],
    )  # fmt: skip
    found = race["disparities"]["demographic_parity_difference"]
    assert found["value"] == pytest.approx(expected, abs=TOL) and found["interval"] is None


def test_a_regression_task_is_refused_before_any_release() -> None:
    regression = Schema("regression", "y", ("x",), (), (), (), ())
    features = FeaturesConfig(False, (), (), 1, "none")
    empty = pd.DataFrame()  # never read: refused first
    inputs = Inputs(empty, empty, regression, None, features, None,  # type: ignore[arg-type]
                    settings(), DpConfig((1.0,), 1, 1e-8, 0, 0.95), 0)  # fmt: skip
    with pytest.raises(ConfigError, match=r"dp\.epsilons applies to classification.*regression"):
        sweep(inputs, np.zeros(1))


@pytest.mark.slow
def test_a_sweep_on_the_synthetic_dataset(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_stages(tmp_path, ["dataset=synthetic", "dataset.n_rows=3000", "model=logistic_regression",
                          "evaluate.n_boot=20"],
               ["ingest", "validate", "features", "train", "evaluate"])  # fmt: skip
    config = load_config()
    train, test = pd.read_parquet(config.paths.train), pd.read_parquet(config.paths.test)
    schema_ = read_schema(config.paths.schema)
    real = Predictions.read(config.paths.predictions).y_pred
    inputs = Inputs(
        train, test, schema_, config.dataset.dp_cuts, config.section(FeaturesConfig, "features"),
        read_model(config), config.section(FairnessConfig, "fairness"),
        DpConfig((8.0,), 2, 1e-8, 50, 0.9), config.seed,
    )  # fmt: skip
    result = sweep(inputs, real)
    assert result.status == "2 private releases, 2 per epsilon"
    assert result.guarantee["epsilons"] == [8.0] and result.guarantee["releases"] == 2
    real_run, private = result.runs
    assert real_run.epsilon is None and private.epsilon == 8
    assert real_run.train_rows == len(train) == 2250
    assert real_run.accuracy == accuracy(test["label"].to_numpy(), real, 0.9)
    # the epsilon's row is the mean of its two releases, with a t interval across them
    first, second = result.releases
    assert (first.release, second.release, first.epsilon) == (0, 1, 8.0)
    values = [first.accuracy["value"], second.accuracy["value"]]
    assert private.accuracy["releases"] == values
    assert private.accuracy["value"] == pytest.approx(np.mean(values), abs=1e-15)
    if values[0] == values[1]:  # the unseeded noise can tie them; scipy's interval is then NaN
        assert private.accuracy["interval"] == values
    else:
        low, high = stats.t.interval(0.9, 1, loc=np.mean(values), scale=stats.sem(values))
        assert private.accuracy["interval"] == pytest.approx([low, high], abs=1e-12)
    for release in result.releases:
        assert abs(release.train_rows + release.rows_without_target - len(train)) <= 30
        majority = test["label"].value_counts(normalize=True).max()
        assert release.accuracy["value"] > majority + 0.05  # learned from the synthetic rows
        assert release.accuracy["interval"][0] > majority
    (group,) = private.audits
    assert group["name"] == "group" and [g["label"] for g in group["groups"]] == ["a", "b"]
    assert group["disparities"]["demographic_parity_difference"]["interval"] is not None
