"""Metrics of weighted rows (pipeline/fairness/scores.py): ROC AUC, Brier score, calibration
error and regression errors per group, against scikit-learn and fairlearn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from fairness.cases import TOL, binary_case, key_label, run_audit, schema, settings
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from pipeline.fairness.scores import calibration_bins


def test_score_metrics_by_group_equal_scikit_learn() -> None:
    frame = binary_case(3, 2500)
    report, _ = run_audit(frame, schema(), settings(n_boot=0), 0)
    expected = flm.MetricFrame(
        metrics={"roc_auc_score": skm.roc_auc_score, "brier_score_loss": skm.brier_score_loss},
        y_true=frame["y_true"], y_pred=frame["y_score"],
        sensitive_features=frame[["sex", "race"]],
    )  # fmt: skip
    joint = report["audits"]["sex_x_race"]
    for key, row in expected.by_group.iterrows():
        group = frame[(frame["sex"] == key[0]) & (frame["race"] == key[1])]
        prob_true, prob_pred = calibration_curve(group["y_true"], group["y_score"], n_bins=10)
        counts = np.bincount(calibration_bins(group["y_score"].to_numpy(), 10), minlength=10)
        ece = np.sum(counts[counts > 0] * np.abs(prob_true - prob_pred)) / len(group)
        metrics = joint["groups"][key_label(key)]["metrics"]
        for name, value in [*row.items(), ("expected_calibration_error", ece)]:
            assert metrics[name]["value"] == pytest.approx(value, abs=TOL), (key, name)
    overall = joint["overall"]["metrics"]["roc_auc_score"]["value"]
    assert overall == pytest.approx(skm.roc_auc_score(frame["y_true"], frame["y_score"]), abs=TOL)


def test_decision_scores_have_auc_but_no_calibration() -> None:
    frame = binary_case(4, 800).assign(y_score=lambda f: 4 * f["y_score"] - 2)
    report, _ = run_audit(frame, schema(), settings(n_boot=0), 0)
    metrics = report["audits"]["sex"]["groups"]["F"]["metrics"]
    rows = frame[frame["sex"] == "F"]
    assert report["scores"] == "decision"
    expected = skm.roc_auc_score(rows["y_true"], rows["y_score"])
    assert metrics["roc_auc_score"]["value"] == pytest.approx(expected, abs=TOL)
    assert metrics["brier_score_loss"]["value"] is None
    assert "not probabilities" in metrics["expected_calibration_error"]["undefined"]


def test_regression_errors_by_group_and_worst_gap() -> None:
    rng = np.random.default_rng(11)
    n = 1500
    sex = rng.choice([1, 2], n)
    y_true = rng.normal(150, 50, n)
    y_pred = y_true + rng.normal(5 * (sex == 2), 20 + 15 * (sex == 2))
    frame = pd.DataFrame({"sex": sex, "y_true": y_true, "y_pred": y_pred})
    report, metrics = run_audit(frame, schema("regression", ("sex",), ()), settings(n_boot=200), 0)
    expected = flm.MetricFrame(
        metrics={"mean_absolute_error": skm.mean_absolute_error,
                 "root_mean_squared_error": skm.root_mean_squared_error,
                 "mean_prediction": flm.mean_prediction},
        y_true=frame["y_true"], y_pred=frame["y_pred"], sensitive_features=frame["sex"],
    )  # fmt: skip
    result = report["audits"]["sex"]
    for group, row in expected.by_group.iterrows():
        for name, value in row.items():
            ours = result["groups"][str(group)]["metrics"][name]
            assert ours["value"] == pytest.approx(value, abs=TOL)
            assert ours["interval"][0] < value < ours["interval"][1]
    gap = result["disparities"]["between_groups"]["mean_absolute_error_difference"]
    assert gap["value"] == pytest.approx(expected.difference()["mean_absolute_error"], abs=TOL)
    assert gap["groups"] == ["2", "1"]  # the worst group first
    assert metrics["fairness/sex/mean_absolute_error_difference"] == gap["value"]
    assert result["verdicts"] == {} and "no verdict" in report["status"]
