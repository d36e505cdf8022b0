"""The audit's view of the predictions (pipeline/fairness/outcomes.py): the favourable label."""

from __future__ import annotations

import pytest
from fairness.cases import TOL, binary_case, run_audit, schema, settings

from pipeline.errors import ConfigError, DataValidationError


def test_favourable_label_can_be_the_negative_class() -> None:
    frame = binary_case(5, 1000)
    labels = ("bad", "good")
    plain, _ = run_audit(frame, schema(labels=labels), settings(n_boot=0), 0)
    flipped, _ = run_audit(
        frame, schema(labels=labels), settings(n_boot=0, positive_label="bad"), 0
    )
    assert (plain["positive_label"], flipped["positive_label"]) == ("good", "bad")
    a = plain["audits"]["race"]["groups"]["r1"]["metrics"]
    b = flipped["audits"]["race"]["groups"]["r1"]["metrics"]
    assert b["selection_rate"]["value"] == pytest.approx(1 - a["selection_rate"]["value"], abs=TOL)
    assert b["true_positive_rate"]["value"] == a["true_negative_rate"]["value"]
    assert b["roc_auc_score"]["value"] == pytest.approx(a["roc_auc_score"]["value"], abs=TOL)
    with pytest.raises(ConfigError, match="fairness.positive_label is 'ugly'"):
        run_audit(frame, schema(labels=labels), settings(positive_label="ugly"), 0)


def test_binary_predictions_must_be_zero_or_one() -> None:
    frame = binary_case(0, 300)
    with pytest.raises(DataValidationError, match="'y_pred' of binary predictions is not 0/1"):
        run_audit(frame.assign(y_pred=2), schema(), settings(), 0)
