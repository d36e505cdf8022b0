"""Verdicts (pipeline/fairness/verdicts.py): against a reference group or between groups, with
intervals that cover a planted bias."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from fairness.cases import TOL, binary_case, key_label, metric_frame, run_audit, schema, settings

from pipeline.data.synthetic import make_synthetic


def test_reference_group_disparities_and_verdicts() -> None:
    frame = binary_case(7, 3000)
    config = settings(n_boot=100, reference_group={"sex": "M", "race": "r0"})
    report, metrics = run_audit(frame, schema(), config, 0)
    for name, attributes, reference in (
        ("sex", ["sex"], "M"), ("race", ["race"], "r0"), ("sex_x_race", ["sex", "race"], "M, r0"),
    ):  # fmt: skip
        by_group = metric_frame(frame, attributes, {"selection_rate": flm.selection_rate}).by_group
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


@pytest.mark.slow  # 32 audits with bootstrap intervals, two of them on 20000 rows
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
        report, _ = run_audit(frame, schema(sensitive=("group",)), settings(n_boot=400), seed)
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
    report, _ = run_audit(frame, schema(sensitive=("group",)), settings(), 42)
    verdict = report["audits"]["group"]["verdicts"]["demographic_parity_ratio"]
    assert verdict["interval"][0] <= 1 - bias <= verdict["interval"][1]
    assert verdict["conclusive"] and verdict["interval"][1] < 0.8
    unbiased = make_synthetic(20000, 42, bias=0.0, proxy_strength=0.9)
    frame = pd.DataFrame({"y_true": unbiased["label"], "y_pred": unbiased["label"],
                          "group": unbiased["group"]})  # fmt: skip
    report, _ = run_audit(frame, schema(sensitive=("group",)), settings(), 42)
    assert report["audits"]["group"]["verdicts"]["demographic_parity_ratio"]["verdict"] == "pass"
