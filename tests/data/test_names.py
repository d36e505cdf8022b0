"""Sensitive names that become MLflow metric keys (pipeline/data/names.py), with MLflow's own
validator as the oracle."""

import numpy as np
import pytest
from mlflow.exceptions import MlflowException
from mlflow.utils.validation import MAX_ENTITY_KEY_LENGTH, _validate_metric_name

from pipeline.data.names import (
    LONGEST_METRIC,
    MAX_KEY_LENGTH,
    check_names,
    key_problem,
    longest_metric,
)
from pipeline.fairness.disparities import REGRESSION_DISPARITIES
from pipeline.fairness.headline import HEADLINE


def mlflow_accepts(key: str) -> bool:
    """What the tracking store checks before it logs metric `key`."""
    try:
        _validate_metric_name(key)
    except MlflowException:
        return False
    return len(key) <= MAX_ENTITY_KEY_LENGTH


NAMES = [
    "sex", "race", "sex_x_race", "native-country", "marital status", "age.group", "a:b",
    "région", "group/sub", "a(b)", "a,b", "a#b", "a\tb", "a\nb", "a/", "/a", ".", "..", "a/./b",
    "a//b", "a/../b", "..a", "a..b", "", " ", "x" * 210, "x" * 211, "x" * 300, "é" * 211,
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_the_rule_agrees_with_mlflow(name: str) -> None:
    key = f"fairness/{name}/{longest_metric(None)}"
    assert (key_problem(key) is None) == mlflow_accepts(key)


def test_the_rule_agrees_with_mlflow_on_random_names() -> None:
    rng = np.random.default_rng(0)
    alphabet = list("ab_-. /:()#,é\\?*\n")
    for _ in range(2000):
        name = "".join(rng.choice(alphabet, rng.integers(1, 8)))
        key = f"fairness/{name}/{longest_metric(None)}"
        assert (key_problem(key) is None) == mlflow_accepts(key), repr(name)


def test_the_longest_headline_metric_bounds_every_key() -> None:
    assert MAX_KEY_LENGTH == MAX_ENTITY_KEY_LENGTH
    names = [*HEADLINE, "criteria_failed", "criteria_assessed"]
    assert max(names, key=len) == LONGEST_METRIC["binary"] == LONGEST_METRIC["multiclass"]
    regression = [f"{p}_{k}" for p in REGRESSION_DISPARITIES for k in ("difference", "ratio")]
    assert max(regression, key=len) == LONGEST_METRIC["regression"]


def test_a_regression_audit_name_must_fit_the_longer_regression_metrics() -> None:
    name = "s" * (MAX_KEY_LENGTH - len("fairness//demographic_parity_difference"))
    assert check_names([name], intersectional=False, task="binary") == []
    (found,) = check_names([name], intersectional=False, task="regression")
    assert "fairness/" in found.message and "root_mean_squared_error_difference" in found.message
    assert check_names([name], intersectional=False) == [found]  # task unknown: the longest


def test_errors_name_the_column_the_key_and_the_fix() -> None:
    (found,) = check_names(["sex", "a(b)"], intersectional=False, task="binary")
    assert found.column == "a(b)" and found.check == "name"
    assert found.message == (
        "sensitive column 'a(b)' makes the metric key 'fairness/a(b)/demographic_parity_"
        "difference', which MLflow rejects: it holds '(', ')', outside letters, digits, _ - . / : "
        "and space; rename the column in the source"
    )
    (found,) = check_names(["x" * 300], intersectional=False, task="binary")
    assert "it has 339 characters, more than MLflow's 250" in found.message
    assert len(found.message) < 300 and "..." in found.message  # the name is shortened


def test_the_combined_name_can_be_too_long_when_each_name_is_not() -> None:
    names = ["a" * 110, "b" * 110]
    assert check_names(names, intersectional=False) == []
    (found,) = check_names(names, intersectional=True)
    assert found.column == "_x_".join(names)
    assert found.message.endswith("or set fairness.intersectional=false")
