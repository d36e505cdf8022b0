"""What drives a disparity: fairlearn's differences as oracle, the planted proxy found, Adult's
sex gap traced to marital status."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_difference, equal_opportunity_difference

from pipeline.explain.disparity import shifts
from pipeline.explain.permutation import Permuted, answers, permuted, row_orders
from pipeline.models.intervals import Answers
from pipeline.stats.resample import multiplicities

DP, EO = "demographic_parity_difference", "equal_opportunity_difference"


def explain(fitted, sensitive, n_boot, seed=5, min_group_size=30, level=0.95):
    x = fitted.inputs
    targets = [(c, (c,)) for c in x.columns]
    found = permuted(fitted.model, x, targets, row_orders(len(x), 3, seed), "binary", True)
    baseline = answers(fitted.model, x, "binary", True)
    result = shifts(fitted.y, fitted.test[sensitive], baseline, found, min_group_size, n_boot,
                    level, seed)  # fmt: skip
    return result, baseline, found


def test_point_values_are_fairlearns(synthetic) -> None:
    result, baseline, found = explain(synthetic, ["group", "region"], n_boot=0)
    y = synthetic.y
    checked = [s for s in result if s.feature in ("region", "noise")]
    for s in checked:
        column = synthetic.test[s.sensitive]
        fn = demographic_parity_difference if s.disparity == DP else equal_opportunity_difference
        assert s.baseline == pytest.approx(fn(y, baseline.y_pred, sensitive_features=column),
                                           abs=1e-12)  # fmt: skip
        target = next(t for t in found if t.name == s.feature)
        each = [fn(y, a.y_pred, sensitive_features=column) for a in target.answers]
        assert s.permuted == pytest.approx(np.mean(each), abs=1e-12)
        assert s.change == pytest.approx(s.baseline - s.permuted, abs=1e-15)
        assert s.share == pytest.approx(s.change / s.baseline)
        assert s.low is None and s.high is None
    assert {(s.sensitive, s.disparity) for s in result} == {
        ("group", DP), ("group", EO), ("region", DP), ("region", EO)}  # fmt: skip
    assert len(result) == 4 * 7


def test_the_planted_proxy_carries_the_group_gap(synthetic) -> None:
    result, _, _ = explain(synthetic, ["group"], n_boot=100)
    parity = [s for s in result if s.disparity == DP]
    assert parity[0].feature == "region"  # the largest change comes first
    assert parity[0].low > 0 and parity[0].change > 0.5 * parity[0].baseline
    assert [s.change for s in parity] == sorted((s.change for s in parity), reverse=True)
    noise = next(s for s in parity if s.feature == "noise")
    assert noise.low < 0 < noise.high
    assert all(s.low <= s.change <= s.high for s in result)
    assert set(result[0].to_json()) == {"sensitive", "disparity", "feature", "baseline",
                                        "permuted", "change", "low", "high", "share"}  # fmt: skip


def test_the_sex_gap_of_adult_goes_partly_through_marital_status(adult) -> None:
    result, _, _ = explain(adult, ["sex"], n_boot=100)
    parity = {s.feature: s for s in result if s.disparity == DP}
    marital = parity["marital-status"]
    assert marital.baseline > 0.1
    assert marital.low > 0 and marital.share > 0.3
    assert next(iter(parity)) == "marital-status"


def test_replicates_are_the_disparities_of_the_resampled_rows() -> None:
    rng = np.random.default_rng(0)
    n = 300
    y = rng.integers(0, 2, n)
    sensitive = pd.DataFrame({"s": rng.choice(["p", "q", "r"], n)})
    baseline = Answers(y_pred=rng.integers(0, 2, n))
    target = Permuted("f", ("f",), (Answers(y_pred=rng.integers(0, 2, n)),
                                    Answers(y_pred=rng.integers(0, 2, n))))  # fmt: skip
    level = 1 - 1e-12  # with two replicates: the interval is (min, max)
    [dp, eo] = shifts(y, sensitive, baseline, [target], 1, 2, level, 9)
    expected = {DP: [], EO: []}
    for b in range(2):
        rows = np.repeat(np.arange(n), multiplicities(9, b, [n]))
        column = sensitive["s"].to_numpy()[rows]
        for name, fn in ((DP, demographic_parity_difference), (EO, equal_opportunity_difference)):
            gap = [fn(y[rows], a.y_pred[rows], sensitive_features=column)
                   for a in (baseline, *target.answers)]  # fmt: skip
            expected[name].append(gap[0] - np.mean(gap[1:]))
    for found in (dp, eo):
        assert found.low == pytest.approx(min(expected[found.disparity]), abs=1e-9)
        assert found.high == pytest.approx(max(expected[found.disparity]), abs=1e-9)


def test_small_groups_missing_values_and_groups_without_positives_are_left_out() -> None:
    y = np.array([1, 0, 1, 0, 1, 0, 0, 0, 1, 0])
    pred = np.array([1, 1, 0, 0, 1, 1, 1, 0, 1, 1])
    sensitive = pd.DataFrame({"s": ["a", "a", "a", "a", "b", "b", "c", "c", None, "d"]})
    baseline = Answers(y_pred=pred)
    target = Permuted("f", ("f",), (Answers(y_pred=np.zeros(10, int)),))
    [dp, eo] = shifts(y, sensitive, baseline, [target], 2, 0, 0.95, 0)
    # a: selection 2/4, TPR 1/2; b: selection 2/2, TPR 1; c: selection 1/2, no positives;
    # d (1 row) and the missing row are left out
    assert (dp.disparity, dp.baseline, dp.permuted, dp.change) == (DP, 0.5, 0.0, 0.5)
    assert (eo.disparity, eo.baseline, eo.share) == (EO, 0.5, 1.0)
    assert shifts(y, sensitive, baseline, [target], 5, 0, 0.95, 0) == []  # no two groups
