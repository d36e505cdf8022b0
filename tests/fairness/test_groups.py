"""Groups of one attribute or a combination (pipeline/fairness/groups.py): missing values, small
groups and groups without positives are reported, flagged and left out of disparities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from fairness.cases import TOL, binary_case, key_label, run_audit, schema, settings

from pipeline.errors import DataValidationError
from pipeline.fairness.groups import MISSING_GROUP, bin_labels, combine, factorize


def test_a_group_without_positives_is_null_flagged_and_left_out() -> None:
    frame = binary_case(1, 1500, no_positives="r2")
    report, _ = run_audit(frame, schema(), settings(n_boot=0), 0)
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


def test_missing_attribute_values_form_a_flagged_group() -> None:
    frame = binary_case(2, 1200)
    frame["race"] = frame["race"].astype(object)
    frame.loc[frame.index[:60], "race"] = None
    report, _ = run_audit(frame, schema(), settings(n_boot=0), 0)
    race = report["audits"]["race"]
    assert race["n_missing"] == 60 and race["groups"][MISSING_GROUP]["count"] == 60
    assert race["groups_excluded"][MISSING_GROUP] == ["the attribute is missing in these rows"]
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
    report, _ = run_audit(frame, schema(), settings(n_boot=0, min_group_size=25), 0)
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


def test_bins_have_plain_labels_in_order_and_keep_missing_apart() -> None:
    age = pd.Series([18, 25, 44.9, 45, 64, 65, 90, None], name="age")
    codes, labels = factorize(age, {"age": (25.0, 45.0, 65.0)})
    assert labels == ["<25", "25-45", "45-65", ">=65"]
    assert codes.tolist() == [0, 1, 1, 2, 2, 3, 3, -1]
    oracle = pd.cut(age, [-np.inf, 25, 45, 65, np.inf], right=False, labels=False)
    assert codes[:-1].tolist() == oracle[:-1].astype(int).tolist()
    groups = combine([(codes, labels)])
    assert groups.labels == ("<25", "25-45", "45-65", ">=65", MISSING_GROUP)
    assert groups.sizes.tolist() == [1, 2, 2, 2, 1]
    # other columns and no bins: the sorted values, as before
    assert factorize(age.rename("other"), {"age": (25.0,)})[1][:2] == ["18.0", "25.0"]


def test_bin_labels_of_fractions_and_negative_edges() -> None:
    assert bin_labels((0.5,)) == ["<0.5", ">=0.5"]
    assert bin_labels((-10.0, 0.0, 2.5)) == ["<-10", "-10 to 0", "0 to 2.5", ">=2.5"]


def test_binning_a_text_column_is_an_error_naming_the_key() -> None:
    with pytest.raises(DataValidationError, match="fairness.bins bins 'sex', which is not numeric"):
        factorize(pd.Series(["f", "m"], name="sex"), {"sex": (1.0,)})


def test_the_audit_groups_a_binned_attribute_by_its_bins() -> None:
    frame = binary_case(3, 1200)
    frame["age"] = np.random.default_rng(3).integers(18, 90, len(frame))
    found = settings(n_boot=0, bins={"age": [30, 50]}, sensitive=["age"])
    report, _ = run_audit(frame, schema(sensitive=("sex", "race", "age")), found, 0)
    groups = report["audits"]["age"]["groups"]
    assert list(groups) == ["<30", "30-50", ">=50"]
    sizes = pd.cut(frame["age"], [0, 30, 50, 100], right=False).value_counts(sort=False)
    assert [groups[g]["count"] for g in groups] == sizes.tolist()
