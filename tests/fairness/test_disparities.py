"""Disparities between groups (pipeline/fairness/disparities.py), against fairlearn's functions
and MetricFrame's differences and ratios; undefined ones are null with the reason."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from fairness.cases import (
    EVERY_GROUP,
    TOL,
    binary_case,
    metric_frame,
    ppv,
    run_audit,
    schema,
    seeds,
    settings,
)
from sklearn import metrics as skm

from pipeline.data.synthetic import make_synthetic
from pipeline.io import dumps_json


@pytest.mark.slow  # 48 calls of fairlearn's functions: several seconds
def test_disparity_functions_equal_fairlearn() -> None:
    frame = binary_case(100, 2500)
    report, _ = run_audit(frame, schema(), settings(n_boot=0, **EVERY_GROUP), 0)
    y = (frame["y_true"], frame["y_pred"])
    for name, attributes in (("sex", ["sex"]), ("race", ["race"]), ("sex_x_race", ["sex", "race"])):
        features = frame[attributes]
        for method in ("between_groups", "to_overall"):
            ours = report["audits"][name]["disparities"][method]
            for function, agg in (
                (flm.demographic_parity_difference, None), (flm.demographic_parity_ratio, None),
                (flm.equalized_odds_difference, None), (flm.equalized_odds_ratio, None),
                (flm.equalized_odds_difference, "mean"), (flm.equalized_odds_ratio, "mean"),
                (flm.equal_opportunity_difference, None), (flm.equal_opportunity_ratio, None),
            ):  # fmt: skip
                extra = {"agg": agg} if agg else {}
                value = function(*y, sensitive_features=features, method=method, **extra)
                key = function.__name__ + ("_mean" if agg else "")
                assert ours[key]["value"] == pytest.approx(value, abs=TOL), (name, method, key)
        value = flm.accuracy_score_difference(*y, sensitive_features=features)
        found = report["audits"][name]["disparities"]["between_groups"]["accuracy_score_difference"]
        assert found["value"] == pytest.approx(value, abs=TOL)


def test_equalized_odds_ratio_with_an_undefined_part_is_null() -> None:
    """Perfect predictions: every false positive rate is 0, so their ratio is 0/0.

    fairlearn's equalized_odds_ratio takes Python's min over [tpr ratio, fpr ratio] = [1.0, nan],
    which keeps 1.0 (a NaN that comes second never compares smaller), and agg="mean" skips the
    NaN: both report perfect equalized odds from half of the criterion. Here it is null.
    """
    data = make_synthetic(3000, 1, bias=0.3, proxy_strength=0.9)
    frame = pd.DataFrame({"y_true": data["label"], "y_pred": data["label"], "group": data["group"]})
    report, _ = run_audit(frame, schema(sensitive=("group",)), settings(n_boot=0), 0)
    found = report["audits"]["group"]["disparities"]["between_groups"]
    y, features = (frame["y_true"], frame["y_pred"]), {"sensitive_features": frame["group"]}
    assert np.isnan(flm.false_positive_rate_ratio(*y, **features))
    assert flm.equalized_odds_ratio(*y, **features) == 1.0
    assert flm.equalized_odds_ratio(*y, **features, agg="mean") == 1.0
    for name in ("equalized_odds_ratio", "equalized_odds_ratio_mean"):
        assert found[name]["value"] is None
        assert found[name]["undefined"] == "false_positive_rate is 0 in every compared group"
    expected = flm.equalized_odds_difference(*y, **features)
    assert found["equalized_odds_difference"]["value"] == pytest.approx(expected, abs=TOL)


def average_odds(y_true, y_pred) -> float:
    return (flm.true_positive_rate(y_true, y_pred) + flm.false_positive_rate(y_true, y_pred)) / 2


@pytest.mark.parametrize("seed", seeds(6))
def test_disparities_equal_metricframe_differences_and_ratios(seed: int) -> None:
    frame = binary_case(100 + seed, int(np.random.default_rng(seed).integers(300, 3000)))
    report, _ = run_audit(frame, schema(), settings(n_boot=0, **EVERY_GROUP), seed)
    prefixes = {
        "demographic_parity": flm.selection_rate, "equal_opportunity": flm.true_positive_rate,
        "false_positive_rate": flm.false_positive_rate, "predictive_parity": ppv,
        "average_odds": average_odds, "accuracy_score": skm.accuracy_score,
    }  # fmt: skip
    for name, attributes in (("sex", ["sex"]), ("race", ["race"]), ("sex_x_race", ["sex", "race"])):
        expected = metric_frame(frame, attributes, prefixes)
        for method in ("between_groups", "to_overall"):
            ours = report["audits"][name]["disparities"][method]
            differences, ratios = expected.difference(method=method), expected.ratio(method=method)
            for prefix in prefixes:
                for kind, value in (("difference", differences[prefix]), ("ratio", ratios[prefix])):
                    found = ours[f"{prefix}_{kind}"]["value"]
                    assert found == pytest.approx(value, abs=TOL), (name, method, prefix, kind)
            worst = max(differences["equal_opportunity"], differences["false_positive_rate"])
            assert ours["equalized_odds_difference"]["value"] == pytest.approx(worst, abs=TOL)


def test_disparities_with_fewer_than_two_groups_are_null_with_reason() -> None:
    frame = binary_case(8, 300).assign(sex="F")
    report, metrics = run_audit(frame, schema(), settings(n_boot=50), 0)
    verdict = report["audits"]["sex"]["verdicts"]["demographic_parity_ratio"]
    assert verdict["value"] is None and verdict["verdict"] is None
    assert "fewer than two compared groups" in verdict["undefined"]
    assert metrics["fairness/sex/demographic_parity_ratio"] is None
    json.loads(dumps_json(report))  # strict JSON: nulls, no NaN
