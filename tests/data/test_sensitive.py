"""Sensitive attributes checked up front (pipeline/data/sensitive.py): present, not the target,
not empty, few enough groups or binned, and names MLflow accepts."""

import numpy as np
import pandas as pd
import pytest
from data.test_checks import LIMITS, dataset, frame, messages
from fairness.cases import settings

from pipeline.data.checks import validate
from pipeline.data.sensitive import suggested_edges
from pipeline.fairness.groups import factorize


def ages(n: int = 40, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(18, 88, n)


def test_a_sensitive_column_that_is_the_target_is_an_error() -> None:
    report = validate(frame(), dataset(sensitive=("y",)), LIMITS, "classification")
    assert messages(report, "errors") == [
        "sensitive column 'y' is the target (dataset.target): the audit would compare groups "
        "that each hold one outcome; remove it from dataset.sensitive"
    ]


def test_an_empty_sensitive_column_is_an_error_a_partial_one_a_warning() -> None:
    report = validate(frame().assign(sex=None), dataset(), LIMITS, "classification")
    assert messages(report, "errors") == [
        "sensitive column 'sex' is missing in every row; fill it in the source or remove it "
        "from dataset.sensitive"
    ]
    data = frame()
    data.loc[:5, "sex"] = None
    report = validate(data, dataset(), LIMITS, "classification")
    assert report.status == "passed"
    (warning,) = [w for w in report.warnings if w.check == "sensitive"]
    assert warning.message == (
        "6 rows (15.0%) have no value: the fairness audit reports them as the group '(missing)' "
        "and leaves them out of every disparity and verdict"
    )


def test_too_many_levels_is_an_error_with_both_fixes() -> None:
    data = frame().assign(age=ages())
    limits = LIMITS
    report = validate(data, dataset(sensitive=("sex", "age")), limits, "classification")
    edges = ", ".join(f"{e:g}" for e in suggested_edges(data["age"]))
    assert messages(report, "errors") == [
        f"sensitive column 'age' has {data['age'].nunique()} distinct values, more than "
        f"validation.max_sensitive_levels=20: groups that small cannot be compared; bin it, e.g. "
        f"set fairness.bins={{age: [{edges}]}}, or raise validation.max_sensitive_levels=20"
    ]
    text = frame().assign(sex=[f"s{i}" for i in range(40)])
    (error,) = validate(text, dataset(), LIMITS, "classification").errors
    assert error.message.endswith("group its values in the source, or raise "
                                  "validation.max_sensitive_levels=20")  # fmt: skip


def test_suggested_edges_are_rounded_quartiles() -> None:
    values = pd.Series(np.arange(18, 91))
    assert suggested_edges(values) == [36.0, 54.0, 72.0]
    assert suggested_edges(pd.Series([0.0012, 0.0019, 0.0031, 0.0044])) == [0.0017, 0.0025, 0.0034]


def test_binned_columns_pass_and_form_the_bins_as_groups() -> None:
    data = frame().assign(age=ages())
    fairness = settings(bins={"age": [25, 45, 65]})
    report = validate(data, dataset(sensitive=("sex", "age")), LIMITS, "classification",
                      fairness=fairness)  # fmt: skip
    assert report.status == "passed", report.errors
    codes, labels = factorize(data["age"], fairness.bins)
    assert labels == ["<25", "25-45", "45-65", ">=65"]
    expected = pd.cut(data["age"], [-np.inf, 25, 45, 65, np.inf], right=False, labels=False)
    assert codes.tolist() == expected.tolist()


def test_bins_on_text_or_on_a_column_not_sensitive_are_errors() -> None:
    fairness = settings(bins={"sex": [1], "x": [0.0]})
    report = validate(frame(), dataset(), LIMITS, "classification", fairness=fairness)
    assert messages(report, "errors") == [
        f"fairness.bins bins 'sex', which is not numeric ({frame()['sex'].dtype}); remove it from "
        "fairness.bins",
        "fairness.bins names 'x', which is not in dataset.sensitive (sex); add it there or remove "
        "it from fairness.bins",
    ]


@pytest.mark.parametrize("name", ["a(b)", "x" * 300, "../../x", '<b>"s"</b>'])
def test_any_sensitive_name_validates(name) -> None:
    """Names MLflow refuses inside a key are renamed by the track stage, not refused here."""
    data = frame().rename(columns={"sex": name})
    assert validate(data, dataset(sensitive=(name,)), LIMITS, "classification").errors == ()
