"""Groups of one attribute or a combination (pipeline/fairness/groups.py): missing values, small
groups and groups without positives are reported, flagged and left out of disparities."""

from __future__ import annotations

import pytest
from fairlearn import metrics as flm
from fairness.cases import TOL, binary_case, key_label, run_audit, schema, settings

from pipeline.fairness.groups import MISSING_GROUP


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
