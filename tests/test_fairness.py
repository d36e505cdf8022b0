"""The fairness stage: fairlearn (MetricFrame and its metric functions) is the oracle."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from fairlearn import metrics as flm
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from pipeline import fairness_metrics as fm
from pipeline.config import from_mapping, load_config
from pipeline.datasets import make_synthetic
from pipeline.errors import ConfigError, DataValidationError
from pipeline.io import dumps_json, read_json
from pipeline.schema import Schema
from pipeline.stages import fairness
from pipeline.stages.fairness import FairnessConfig, audit

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = yaml.safe_load((ROOT / "params/fairness/default.yaml").read_text())
TOL = 1e-12
EVERY_GROUP = {"min_group_size": 0, "min_positives": 0, "min_negatives": 0}


def settings(**changes) -> FairnessConfig:
    """The defaults of params/fairness/default.yaml with `changes`, checked as the stage does."""
    return from_mapping(FairnessConfig, DEFAULTS | changes, "fairness")


def schema(task: str = "binary", sensitive=("sex", "race"), labels=(0, 1)) -> Schema:
    return Schema(
        task=task, target="y", numeric=(), categorical=(), sensitive=tuple(sensitive),
        classes=labels, labels=labels,
    )  # fmt: skip


def binary_case(seed: int, n: int, no_positives: str | None = None) -> pd.DataFrame:
    """Predictions with group-dependent base and selection rates; sex x race has 6 groups."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n, p=[0.4, 0.6])
    race = rng.choice(["r0", "r1", "r2"], n, p=[0.6, 0.3, 0.1])
    base = 0.2 + 0.2 * (sex == "M") + 0.1 * (race == "r1")
    y_true = (rng.random(n) < base).astype(np.int64)
    if no_positives is not None:
        y_true[race == no_positives] = 0
    y_score = np.clip(0.35 * y_true + rng.normal(0.3, 0.2, n) + 0.1 * (sex == "M"), 0, 1)
    y_score = np.round(y_score, 2)  # ties, as tree models give
    y_pred = (y_score > 0.45).astype(np.int64)
    return pd.DataFrame({"y_true": y_true, "y_pred": y_pred, "y_score": y_score, "sex": sex,
                         "race": race})  # fmt: skip


def key_label(key) -> str:
    return ", ".join(map(str, key if isinstance(key, tuple) else (key,)))


def ppv(y_true, y_pred):
    return skm.precision_score(y_true, y_pred, zero_division=np.nan)


def npv(y_true, y_pred):
    return skm.precision_score(y_true, y_pred, pos_label=0, zero_division=np.nan)


ORACLE = {  # our metric -> fairlearn's function or scikit-learn's through MetricFrame
    "base_rate": lambda y_true, y_pred: flm.mean_prediction(y_pred, y_true),
    "selection_rate": flm.selection_rate,
    "accuracy_score": skm.accuracy_score,
    "true_positive_rate": flm.true_positive_rate,
    "false_negative_rate": flm.false_negative_rate,
    "false_positive_rate": flm.false_positive_rate,
    "true_negative_rate": flm.true_negative_rate,
    "precision_score": ppv,
    "false_discovery_rate": lambda y_true, y_pred: 1.0 - ppv(y_true, y_pred),
    "negative_predictive_value": npv,
    "false_omission_rate": lambda y_true, y_pred: 1.0 - npv(y_true, y_pred),
}
# fairlearn's rates come from confusion_matrix(normalize="true"), which gives 0, not "undefined",
# for a group without positives (true/false negative rate) or without negatives (false/true
# positive rate): the misleading 0 this stage reports as null with the reason.
MISLEADING_ZERO = {
    "true_positive_rate": "positives", "false_negative_rate": "positives",
    "false_positive_rate": "negatives", "true_negative_rate": "negatives",
}  # fmt: skip


def metric_frame(frame: pd.DataFrame, attributes, metrics=ORACLE, **columns) -> flm.MetricFrame:
    return flm.MetricFrame(
        metrics=metrics,
        y_true=columns.get("y_true", frame["y_true"]),
        y_pred=columns.get("y_pred", frame["y_pred"]),
        sensitive_features=frame[list(attributes)],
    )


def check_groups(result: dict, frame: pd.DataFrame, attributes) -> float:
    """Every group's (and the overall) rate equals fairlearn's; returns the largest gap."""
    expected = metric_frame(frame, attributes)
    worst = 0.0
    for key, row in expected.by_group.iterrows():
        group = result["groups"][key_label(key)]
        rows = frame[(frame[list(attributes)] == np.array(key, ndmin=1)).all(axis=1)]
        assert group["count"] == len(rows)
        for name, value in row.items():
            ours = group["metrics"][name]["value"]
            if ours is None and name in MISLEADING_ZERO:
                side = MISLEADING_ZERO[name]
                present = (
                    rows["y_true"].sum() if side == "positives" else (1 - rows["y_true"]).sum()
                )
                assert present == 0 and value == 0.0, (key, name)  # fairlearn's misleading 0
                assert side[:-1] in group["metrics"][name]["undefined"]
                continue
            if ours is None:
                assert np.isnan(value), (key, name, value)
                continue
            worst = max(worst, abs(ours - value))
            assert ours == pytest.approx(value, abs=TOL), (key, name)
    for name, value in expected.overall.items():
        worst = max(worst, abs(result["overall"]["metrics"][name]["value"] - value))
    assert worst <= TOL
    return worst


@pytest.mark.parametrize("seed", range(9))
def test_group_rates_equal_metricframe_on_random_cases(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 2500))
    frame = binary_case(seed, n, no_positives="r2" if seed % 3 == 0 else None)
    report, _ = audit(frame, schema(), settings(n_boot=0, **EVERY_GROUP), seed)
    for name, attributes in (("sex", ["sex"]), ("race", ["race"]), ("sex_x_race", ["sex", "race"])):
        check_groups(report["audits"][name], frame, attributes)


def test_a_group_without_positives_is_null_flagged_and_left_out() -> None:
    frame = binary_case(1, 1500, no_positives="r2")
    report, _ = audit(frame, schema(), settings(n_boot=0), 0)
    race = report["audits"]["race"]
    tpr = race["groups"]["r2"]["metrics"]["true_positive_rate"]
    assert tpr["value"] is None and "no positives" in tpr["undefined"]
    assert race["groups_excluded"]["r2"] == ["0 positives < min_positives 5"]
    assert race["groups_compared"] == ["r0", "r1"]
    # fairlearn counts the group's misleading 0 as its true positive rate:
    misleading = flm.equal_opportunity_difference(
        frame["y_true"], frame["y_pred"], sensitive_features=frame["race"]
    )
    kept = frame[frame["race"] != "r2"]
    fair = flm.equal_opportunity_difference(
        kept["y_true"], kept["y_pred"], sensitive_features=kept["race"]
    )
    ours = race["disparities"]["between_groups"]["equal_opportunity_difference"]["value"]
    assert ours == pytest.approx(fair, abs=TOL)
    assert misleading > fair + 0.1
    # the joint groups with r2 are left out too, each for its own reason
    joint = report["audits"]["sex_x_race"]
    assert set(joint["groups_excluded"]) == {"F, r2", "M, r2"}


def test_disparity_functions_equal_fairlearn() -> None:
    frame = binary_case(100, 2500)
    report, _ = audit(frame, schema(), settings(n_boot=0, **EVERY_GROUP), 0)
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
    report, _ = audit(frame, schema(sensitive=("group",)), settings(n_boot=0), 0)
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


@pytest.mark.parametrize("seed", range(6))
def test_disparities_equal_metricframe_differences_and_ratios(seed: int) -> None:
    frame = binary_case(100 + seed, int(np.random.default_rng(seed).integers(300, 3000)))
    report, _ = audit(frame, schema(), settings(n_boot=0, **EVERY_GROUP), seed)
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


def test_reference_group_disparities_and_verdicts() -> None:
    frame = binary_case(7, 3000)
    config = settings(n_boot=100, reference_group={"sex": "M", "race": "r0"})
    report, metrics = audit(frame, schema(), config, 0)
    for name, attributes, reference in (
        ("sex", ["sex"], "M"), ("race", ["race"], "r0"), ("sex_x_race", ["sex", "race"], "M, r0"),
    ):  # fmt: skip
        by_group = metric_frame(frame, attributes).by_group
        by_group.index = [key_label(k) for k in by_group.index]
        rates = by_group["selection_rate"]
        others = rates.drop(reference)
        result = report["audits"][name]
        found = result["disparities"]["to_reference"]
        expected = (others - rates[reference]).abs().max()
        assert found["demographic_parity_difference"]["value"] == pytest.approx(expected, abs=TOL)
        ratios = np.minimum(others, rates[reference]) / np.maximum(others, rates[reference])
        assert found["demographic_parity_ratio"]["value"] == pytest.approx(ratios.min(), abs=TOL)
        assert found["demographic_parity_ratio"]["groups"] == [ratios.idxmin()]
        verdict = result["verdicts"]["demographic_parity_ratio"]
        assert verdict["method"] == "to_reference"
        assert verdict["verdict"] == ("pass" if ratios.min() >= 0.8 else "fail")
        assert metrics[f"fairness/{name}/demographic_parity_ratio"] == verdict["value"]


def test_score_metrics_by_group_equal_scikit_learn() -> None:
    frame = binary_case(3, 2500)
    report, _ = audit(frame, schema(), settings(n_boot=0), 0)
    expected = flm.MetricFrame(
        metrics={"roc_auc_score": skm.roc_auc_score, "brier_score_loss": skm.brier_score_loss},
        y_true=frame["y_true"], y_pred=frame["y_score"],
        sensitive_features=frame[["sex", "race"]],
    )  # fmt: skip
    joint = report["audits"]["sex_x_race"]
    for key, row in expected.by_group.iterrows():
        group = frame[(frame["sex"] == key[0]) & (frame["race"] == key[1])]
        prob_true, prob_pred = calibration_curve(group["y_true"], group["y_score"], n_bins=10)
        counts = np.bincount(fm.calibration_bins(group["y_score"].to_numpy(), 10), minlength=10)
        ece = np.sum(counts[counts > 0] * np.abs(prob_true - prob_pred)) / len(group)
        metrics = joint["groups"][key_label(key)]["metrics"]
        for name, value in [*row.items(), ("expected_calibration_error", ece)]:
            assert metrics[name]["value"] == pytest.approx(value, abs=TOL), (key, name)
    overall = joint["overall"]["metrics"]["roc_auc_score"]["value"]
    assert overall == pytest.approx(skm.roc_auc_score(frame["y_true"], frame["y_score"]), abs=TOL)


def test_decision_scores_have_auc_but_no_calibration() -> None:
    frame = binary_case(4, 800).assign(y_score=lambda f: 4 * f["y_score"] - 2)
    report, _ = audit(frame, schema(), settings(n_boot=0), 0)
    metrics = report["audits"]["sex"]["groups"]["F"]["metrics"]
    rows = frame[frame["sex"] == "F"]
    assert report["scores"] == "decision"
    expected = skm.roc_auc_score(rows["y_true"], rows["y_score"])
    assert metrics["roc_auc_score"]["value"] == pytest.approx(expected, abs=TOL)
    assert metrics["brier_score_loss"]["value"] is None
    assert "not probabilities" in metrics["expected_calibration_error"]["undefined"]


def test_favourable_label_can_be_the_negative_class() -> None:
    frame = binary_case(5, 1000)
    labels = ("bad", "good")
    plain, _ = audit(frame, schema(labels=labels), settings(n_boot=0), 0)
    flipped, _ = audit(frame, schema(labels=labels), settings(n_boot=0, positive_label="bad"), 0)
    assert (plain["positive_label"], flipped["positive_label"]) == ("good", "bad")
    a = plain["audits"]["race"]["groups"]["r1"]["metrics"]
    b = flipped["audits"]["race"]["groups"]["r1"]["metrics"]
    assert b["selection_rate"]["value"] == pytest.approx(1 - a["selection_rate"]["value"], abs=TOL)
    assert b["true_positive_rate"]["value"] == a["true_negative_rate"]["value"]
    assert b["roc_auc_score"]["value"] == pytest.approx(a["roc_auc_score"]["value"], abs=TOL)
    with pytest.raises(ConfigError, match="fairness.positive_label is 'ugly'"):
        audit(frame, schema(labels=labels), settings(positive_label="ugly"), 0)


def test_multiclass_one_vs_rest_rates_equal_fairlearn() -> None:
    rng = np.random.default_rng(9)
    n = 2000
    frame = pd.DataFrame({"sex": rng.choice(["F", "M"], n), "y_true": rng.integers(0, 4, n)})
    noisy = rng.random(n) < np.where(frame["sex"] == "F", 0.3, 0.15)
    frame["y_pred"] = np.where(noisy, rng.integers(0, 4, n), frame["y_true"])
    config = settings(n_boot=0, **EVERY_GROUP)
    report, metrics = audit(frame, schema("multiclass", ("sex",), (0, 1, 2, 3)), config, 0)
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


def test_regression_errors_by_group_and_worst_gap() -> None:
    rng = np.random.default_rng(11)
    n = 1500
    sex = rng.choice([1, 2], n)
    y_true = rng.normal(150, 50, n)
    y_pred = y_true + rng.normal(5 * (sex == 2), 20 + 15 * (sex == 2))
    frame = pd.DataFrame({"sex": sex, "y_true": y_true, "y_pred": y_pred})
    report, metrics = audit(frame, schema("regression", ("sex",), ()), settings(n_boot=200), 0)
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


def test_no_sensitive_attribute_says_so() -> None:
    frame = binary_case(0, 200)[["y_true", "y_pred", "y_score"]]
    report, metrics = audit(frame, schema(sensitive=()), settings(), 0)
    assert report["audits"] == {} and report["status"].startswith("no sensitive attribute")
    assert metrics == {"fairness/audits": 0}
    json.loads(dumps_json(report))


def test_missing_attribute_values_form_a_flagged_group() -> None:
    frame = binary_case(2, 1200)
    frame["race"] = frame["race"].astype(object)
    frame.loc[frame.index[:60], "race"] = None
    report, _ = audit(frame, schema(), settings(n_boot=0), 0)
    race = report["audits"]["race"]
    assert race["n_missing"] == 60 and race["groups"][fm.MISSING_GROUP]["count"] == 60
    assert race["groups_excluded"][fm.MISSING_GROUP] == ["the attribute is missing in these rows"]
    assert report["audits"]["sex_x_race"]["n_missing"] == 60
    overall = race["overall"]["metrics"]["selection_rate"]["value"]
    assert overall == pytest.approx(frame["y_pred"].mean(), abs=TOL)  # every row counts overall
    kept = frame[frame["race"].notna()]
    expected = flm.demographic_parity_ratio(
        kept["y_true"], kept["y_pred"], sensitive_features=kept["race"]
    )
    ours = race["disparities"]["between_groups"]["demographic_parity_ratio"]["value"]
    assert ours == pytest.approx(expected, abs=TOL)


def test_small_groups_are_reported_but_not_compared() -> None:
    frame = binary_case(6, 400)
    report, _ = audit(frame, schema(), settings(n_boot=0, min_group_size=25), 0)
    joint = report["audits"]["sex_x_race"]
    sizes = frame.groupby(["sex", "race"]).size()
    small = {key_label(k) for k, v in sizes.items() if v < 25}
    assert small and set(joint["groups_excluded"]) >= small
    for label in small:
        group = joint["groups"][label]
        assert not group["eligible"] and group["metrics"]["selection_rate"]["value"] is not None
    labels = [f"{a}, {b}" for a, b in zip(frame["sex"], frame["race"], strict=True)]
    kept = frame[[label not in joint["groups_excluded"] for label in labels]]
    expected = flm.demographic_parity_difference(
        kept["y_true"], kept["y_pred"], sensitive_features=kept[["sex", "race"]]
    )
    ours = joint["disparities"]["between_groups"]["demographic_parity_difference"]["value"]
    assert ours == pytest.approx(expected, abs=TOL)


def test_disparities_with_fewer_than_two_groups_are_null_with_reason() -> None:
    frame = binary_case(8, 300).assign(sex="F")
    report, metrics = audit(frame, schema(), settings(n_boot=50), 0)
    verdict = report["audits"]["sex"]["verdicts"]["demographic_parity_ratio"]
    assert verdict["value"] is None and verdict["verdict"] is None
    assert "fewer than two compared groups" in verdict["undefined"]
    assert metrics["fairness/sex/demographic_parity_ratio"] is None
    json.loads(dumps_json(report))  # strict JSON: nulls, no NaN


def test_count_bootstrap_matches_resampling_rows() -> None:
    """Multinomial draws of a group's cells have the law of resampling the group's rows."""
    frame = binary_case(12, 600)
    cells = fm.binary_cells(fm.confusion_counts(np.zeros(600, np.int64), 1, frame.y_true,
                                                frame.y_pred))  # fmt: skip
    rng = np.random.default_rng(0)
    n_boot = 4000
    from_counts = fm.rates(fm.bootstrap_cells(cells, n_boot, rng)[:, 0])["true_positive_rate"]
    rows = rng.integers(0, 600, size=(n_boot, 600))
    truth, predicted = frame.y_true.to_numpy()[rows], frame.y_pred.to_numpy()[rows]
    from_rows = (truth & predicted).sum(1) / truth.sum(1)
    assert from_counts.mean() == pytest.approx(from_rows.mean(), abs=0.003)
    assert from_counts.std() == pytest.approx(from_rows.std(), rel=0.06)


def test_percentile_interval_equals_numpy_and_skips_undefined() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=(1000, 3))
    values[rng.random((1000, 3)) < np.array([0.0, 0.3, 0.7])] = np.nan
    lower, upper, defined = fm.percentile_interval(values, 0.9)
    for column in range(2):
        expected = np.nanquantile(values[:, column], [0.05, 0.95])
        np.testing.assert_allclose([lower[column], upper[column]], expected, rtol=0, atol=TOL)
    assert np.isnan(lower[2]) and defined[2] < 0.5


def test_planted_bias_is_found_and_its_size_recovered() -> None:
    """Synthetic data: group b's base rate is (1 - bias) times group a's, in expectation.

    With predictions equal to the labels, the selection rates are the base rates, so the
    demographic parity ratio estimates 1 - bias; its interval covers the planted value.
    """
    bias = 0.3
    covered = []
    for seed in range(30):
        data = make_synthetic(4000, seed, bias=bias, proxy_strength=0.9)
        frame = pd.DataFrame({"y_true": data["label"], "y_pred": data["label"],
                              "group": data["group"]})  # fmt: skip
        report, _ = audit(frame, schema(sensitive=("group",)), settings(n_boot=400), seed)
        verdict = report["audits"]["group"]["verdicts"]["demographic_parity_ratio"]
        low, high = verdict["interval"]
        covered.append(low <= 1 - bias <= high)
        assert verdict["verdict"] == "fail"
        assert report["audits"]["group"]["disparities"]["between_groups"][
            "demographic_parity_ratio"
        ]["groups"] == ["a", "b"]
    assert sum(covered) >= 26  # a 95% interval: about 28.5 of 30 in expectation
    data = make_synthetic(20000, 42, bias=bias, proxy_strength=0.9)
    frame = pd.DataFrame({"y_true": data["label"], "y_pred": data["label"], "group": data["group"]})
    report, _ = audit(frame, schema(sensitive=("group",)), settings(), 42)
    verdict = report["audits"]["group"]["verdicts"]["demographic_parity_ratio"]
    assert verdict["interval"][0] <= 1 - bias <= verdict["interval"][1]
    assert verdict["conclusive"] and verdict["interval"][1] < 0.8
    unbiased = make_synthetic(20000, 42, bias=0.0, proxy_strength=0.9)
    frame = pd.DataFrame({"y_true": unbiased["label"], "y_pred": unbiased["label"],
                          "group": unbiased["group"]})  # fmt: skip
    report, _ = audit(frame, schema(sensitive=("group",)), settings(), 42)
    assert report["audits"]["group"]["verdicts"]["demographic_parity_ratio"]["verdict"] == "pass"


def test_same_inputs_give_the_same_bytes_and_strict_json() -> None:
    frame = binary_case(13, 1000)
    first = dumps_json(audit(frame, schema(), settings(n_boot=100), 5)[0])
    assert first == dumps_json(audit(frame, schema(), settings(n_boot=100), 5)[0])
    assert "NaN" not in first and "Infinity" not in first
    assert first != dumps_json(audit(frame, schema(), settings(n_boot=100), 6)[0])


def test_bad_configuration_and_data_fail_with_the_name() -> None:
    with pytest.raises(ConfigError, match="unknown key 'fairness.n_bootstrap'"):
        from_mapping(FairnessConfig, DEFAULTS | {"n_bootstrap": 10}, "fairness")
    with pytest.raises(ConfigError, match="missing key 'fairness.ci_level'"):
        from_mapping(FairnessConfig, {k: v for k, v in DEFAULTS.items() if k != "ci_level"},
                     "fairness")  # fmt: skip
    with pytest.raises(ConfigError, match="fairness.ci_level is 1.5"):
        settings(ci_level=1.5)
    with pytest.raises(ConfigError, match="fairness.mitigation_constraints names 'parity'"):
        settings(mitigation_constraints=["parity"])
    frame = binary_case(0, 300)
    with pytest.raises(ConfigError, match="fairness.sensitive names 'age'"):
        audit(frame, schema(), settings(sensitive=["age"]), 0)
    with pytest.raises(ConfigError, match="'X' is not a group of sex"):
        audit(frame, schema(), settings(reference_group={"sex": "X"}), 0)
    with pytest.raises(DataValidationError, match="column 'race' \\(sensitive\\) is missing"):
        audit(frame.drop(columns="race"), schema(), settings(), 0)
    with pytest.raises(DataValidationError, match="'y_pred' of binary predictions is not 0/1"):
        audit(frame.assign(y_pred=2), schema(), settings(), 0)


def test_composed_params_hold_a_valid_fairness_section(tmp_path: Path, monkeypatch) -> None:
    from pipeline.stages.params import compose

    monkeypatch.chdir(tmp_path)
    compose(Path("params.yaml"), ["fairness.n_boot=10"], config_dir=ROOT / "params")
    config = load_config()
    assert config.section(FairnessConfig, "fairness") == settings(n_boot=10)
    assert config.paths.fairness_metrics.endswith(".json")


def test_stage_is_declared_in_dvc_yaml() -> None:
    stage = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]["fairness"]
    assert stage["cmd"] == "python -m pipeline.stages.fairness"
    for dep in (
        "pipeline/stages/fairness.py",
        "pipeline/fairness_metrics.py",
        "${paths.predictions}",
    ):
        assert dep in stage["deps"]
    assert {"fairness", "seed", "dataset.sensitive"} <= set(stage["params"])
    assert stage["metrics"] == [{"${paths.fairness_metrics}": {"cache": False}}]


@pytest.mark.slow
def test_stage_end_to_end_on_synthetic_data(stages) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=2000", "model.max_iter=50",
                     "fairness.n_boot=200"])  # fmt: skip
    fairness.main()
    report = read_json(folder / "reports/fairness.json")
    metrics = read_json(folder / "reports/fairness_metrics.json")
    predictions = pd.read_parquet(folder / "data/predictions/test.parquet")
    check_groups(report["audits"]["group"], predictions, ["group"])
    expected = flm.demographic_parity_ratio(
        predictions["y_true"], predictions["y_pred"], sensitive_features=predictions["group"]
    )
    assert metrics["fairness/group/demographic_parity_ratio"] == pytest.approx(expected, abs=TOL)
    plots = folder / "reports/plots/fairness"
    assert (plots / "figures" / "group.png").stat().st_size > 1000
    table = pd.read_csv(plots / "selection_rate.csv")
    assert list(table["group"]) == ["group: a", "group: b"]
    verdicts = pd.read_csv(plots / "verdicts.csv").set_index("criterion")
    found = report["audits"]["group"]["verdicts"]["demographic_parity_ratio"]
    assert verdicts.loc["demographic_parity_ratio", "verdict"] == found["verdict"]
    first = {
        p.name: p.read_bytes() for p in [*plots.rglob("*.*"), folder / "reports/fairness.json"]
    }
    fairness.main()
    again = {
        p.name: p.read_bytes() for p in [*plots.rglob("*.*"), folder / "reports/fairness.json"]
    }
    assert first == again


@pytest.mark.slow
def test_mitigation_comparison_on_small_synthetic_data(stages) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=3000", "model=logistic_regression",
                     "fairness.n_boot=0", "fairness.mitigation=true",
                     "fairness.mitigation_max_iter=10"])  # fmt: skip
    fairness.main()
    mitigation = read_json(folder / "reports/fairness.json")["mitigation"]
    table = {row["model"]: row for row in mitigation["table"]}
    assert set(table) == {
        "unmitigated", "threshold_optimizer/demographic_parity",
        "threshold_optimizer/equalized_odds", "exponentiated_gradient/demographic_parity",
        "exponentiated_gradient/equalized_odds",
    }  # fmt: skip
    before = table["unmitigated"]["demographic_parity_difference"]
    for name in (
        "threshold_optimizer/demographic_parity",
        "exponentiated_gradient/demographic_parity",
    ):
        assert table[name]["demographic_parity_difference"] < before
    predictions = pd.read_parquet(folder / "data/predictions/test.parquet")
    unmitigated = skm.accuracy_score(predictions["y_true"], predictions["y_pred"])
    assert table["unmitigated"]["accuracy_score"] == pytest.approx(unmitigated, abs=TOL)
    assert (folder / "reports/plots/fairness/mitigation.csv").exists()
