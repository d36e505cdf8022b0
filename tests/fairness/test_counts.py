"""Rates from confusion counts per group (pipeline/fairness/counts.py), against fairlearn."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from fairness.cases import (
    EVERY_GROUP,
    TOL,
    binary_case,
    check_groups,
    metric_frame,
    run_audit,
    schema,
    settings,
)
from sklearn import metrics as skm

SLOW = pytest.mark.slow
AUDITS = {"sex": ["sex"], "race": ["race"], "sex_x_race": ["sex", "race"]}
# seed 0 (a race without positives) on the joint groups runs in the fast suite; the other cases,
# about half a second of fairlearn's MetricFrame each, with the slow tests
CASES = [
    (seed, name) if (seed, name) == (0, "sex_x_race") else pytest.param(seed, name, marks=SLOW)
    for seed in range(9)
    for name in AUDITS
]


@pytest.mark.parametrize(("seed", "name"), CASES)
def test_group_rates_equal_metricframe_on_random_cases(seed: int, name: str) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 2500))
    frame = binary_case(seed, n, no_positives="r2" if seed % 3 == 0 else None)
    report, _ = run_audit(frame, schema(), settings(n_boot=0, **EVERY_GROUP), seed)
    check_groups(report["audits"][name], frame, AUDITS[name])


def test_multiclass_one_vs_rest_rates_equal_fairlearn() -> None:
    rng = np.random.default_rng(9)
    n = 2000
    frame = pd.DataFrame({"sex": rng.choice(["F", "M"], n), "y_true": rng.integers(0, 4, n)})
    noisy = rng.random(n) < np.where(frame["sex"] == "F", 0.3, 0.15)
    frame["y_pred"] = np.where(noisy, rng.integers(0, 4, n), frame["y_true"])
    config = settings(n_boot=0, **EVERY_GROUP)
    report, metrics = run_audit(frame, schema("multiclass", ("sex",), (0, 1, 2, 3)), config, 0)
    result = report["audits"]["sex"]
    accuracy = metric_frame(frame, ["sex"], {"a": skm.accuracy_score}).by_group["a"]
    for group, value in accuracy.items():
        ours = result["groups"][group]["metrics"]["accuracy_score"]["value"]
        assert ours == pytest.approx(value, abs=TOL)
    for c in range(4):
        truth, predicted = (frame["y_true"] == c).astype(int), (frame["y_pred"] == c).astype(int)
        selection = partial(flm.selection_rate, pos_label=c)
        by_class = metric_frame(frame, ["sex"], {"selection_rate": selection}).by_group
        by_rate = metric_frame(frame, ["sex"], {"true_positive_rate": flm.true_positive_rate,
                               "false_positive_rate": flm.false_positive_rate},
                               y_true=truth, y_pred=predicted).by_group  # fmt: skip
        block = result["classes"][str(c)]
        for group in ("F", "M"):
            ours = block["groups"][group]["metrics"]
            for name, value in [*by_class.loc[group].items(), *by_rate.loc[group].items()]:
                assert ours[name]["value"] == pytest.approx(value, abs=TOL), (c, group, name)
        expected = flm.equalized_odds_difference(truth, predicted, sensitive_features=frame["sex"])
        assert block["disparities"]["between_groups"]["equalized_odds_difference"]["value"] == (
            pytest.approx(expected, abs=TOL)
        )
    worst = max(
        result["classes"][str(c)]["disparities"]["between_groups"]["equalized_odds_difference"][
            "value"
        ]
        for c in range(4)
    )
    assert metrics["fairness/sex/equalized_odds_difference"] == worst
