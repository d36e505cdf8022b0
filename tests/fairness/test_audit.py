"""The audit as a whole (pipeline/fairness/audit.py): no attribute, same bytes for the same
inputs, and inputs that do not fit fail with the name of what to fix."""

from __future__ import annotations

import json

import pytest
from fairness.cases import binary_case, run_audit, schema, settings

from pipeline.errors import ConfigError, DataValidationError
from pipeline.io import dumps_json


def test_no_sensitive_attribute_says_so() -> None:
    frame = binary_case(0, 200)[["y_true", "y_pred", "y_score"]]
    report, metrics = run_audit(frame, schema(sensitive=()), settings(), 0)
    assert report["audits"] == {} and report["status"].startswith("no sensitive attribute")
    assert metrics == {"fairness/audits": 0}
    json.loads(dumps_json(report))


def test_same_inputs_give_the_same_bytes_and_strict_json() -> None:
    frame = binary_case(13, 1000)
    first = dumps_json(run_audit(frame, schema(), settings(n_boot=100), 5)[0])
    assert first == dumps_json(run_audit(frame, schema(), settings(n_boot=100), 5)[0])
    assert "NaN" not in first and "Infinity" not in first
    assert first != dumps_json(run_audit(frame, schema(), settings(n_boot=100), 6)[0])


def test_audits_that_do_not_fit_the_data_fail_with_the_name() -> None:
    frame = binary_case(0, 300)
    with pytest.raises(ConfigError, match="fairness.sensitive names 'age'"):
        run_audit(frame, schema(), settings(sensitive=["age"]), 0)
    with pytest.raises(ConfigError, match="'X' is not a group of sex"):
        run_audit(frame, schema(), settings(reference_group={"sex": "X"}), 0)
    with pytest.raises(DataValidationError, match="column 'race' \\(sensitive\\) is missing"):
        run_audit(frame.drop(columns="race"), schema(), settings(), 0)
