"""The validate stage's checks on small in-memory tables, and its typed result."""

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.config import DatasetConfig
from pipeline.data.checks import ColumnSummary, ValidationConfig, ValidationResult, validate
from pipeline.io import dumps_json

LIMITS = ValidationConfig(
    min_rows=10, min_class_count=3, max_missing_fraction=0.5, max_duplicate_fraction=0.05,
    min_minority_fraction=0.05, max_categories=5,
)  # fmt: skip


def dataset(**changes) -> DatasetConfig:
    base = dict(
        name="t", source="x", target="y", task="auto", positive_label=None, sensitive=("sex",)
    )
    return DatasetConfig(**{**base, **changes})


def frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "colour": rng.choice(["r", "g"], n),
            "sex": rng.choice(["f", "m"], n),
            "y": rng.choice(["no", "yes"], n),
        }
    )


def messages(report: ValidationResult, kind: str) -> list[str]:
    return [f.message for f in getattr(report, kind)]


def test_a_clean_table_passes_with_its_task() -> None:
    report = validate(frame(), dataset(), LIMITS, "classification")
    assert report.status == "passed" and report.task == "binary"
    assert report.errors == () and report.warnings == ()
    assert report.columns["x"] == ColumnSummary(dtype="float64", missing=0, unique=40)
    assert report.to_json()["columns"]["x"] == {"dtype": "float64", "missing": 0, "unique": 40}


def test_missing_target_names_the_column_and_the_columns() -> None:
    report = validate(frame().drop(columns="y"), dataset(), LIMITS, "classification")
    assert report.status == "failed"
    assert messages(report, "errors") == [
        "column 'y' (dataset.target) is missing; columns are ['x', 'colour', 'sex']"
    ]


def test_missing_sensitive_column_is_an_error() -> None:
    report = validate(frame(), dataset(sensitive=("race",)), LIMITS, "classification")
    assert "sensitive column 'race' (dataset.sensitive) is missing" in messages(report, "errors")[0]


def test_model_and_task_mismatch_says_which_model_to_pick() -> None:
    report = validate(frame(), dataset(), LIMITS, "regression")
    assert "binary task but the model is for regression" in messages(report, "errors")[0]
    data = frame().assign(y=np.linspace(0, 1, 40))
    report = validate(data, dataset(), LIMITS, "classification")
    assert report.task == "regression"
    assert "-S model=ridge" in messages(report, "errors")[0]


def test_declared_binary_with_three_classes_is_an_error() -> None:
    data = frame().assign(y=["a", "b", "c", "d"] * 10)
    report = validate(data, dataset(task="binary"), LIMITS, "classification")
    assert "has 4 distinct values, not 2" in messages(report, "errors")[0]


def test_unknown_positive_label_lists_the_values() -> None:
    report = validate(frame(), dataset(positive_label="maybe"), LIMITS, "classification")
    assert "positive_label 'maybe' is not a value of 'y'" in messages(report, "errors")[0]


def test_rare_class_and_too_few_rows_are_errors() -> None:
    data = frame().assign(y=["a"] * 38 + ["b"] * 2)
    report = validate(data, dataset(), LIMITS, "classification")
    assert any("class 'b' has 2 rows" in m for m in messages(report, "errors"))
    report = validate(frame(5), dataset(), LIMITS, "classification")
    assert "5 rows, fewer than validation.min_rows=10" in messages(report, "errors")


def test_suspicious_columns_are_warnings() -> None:
    data = frame().assign(
        const=1, ident=[f"id{i}" for i in range(40)], holes=[None] * 30 + [1.0] * 10,
        many=[f"c{i % 8}" for i in range(40)],
    )  # fmt: skip
    data.loc[0, "y"] = None
    report = validate(data, dataset(), LIMITS, "classification")
    by_check = {(w.check, w.column) for w in report.warnings}
    assert {("constant", "const"), ("identifier", "ident"), ("missing", "holes")} <= by_check
    assert {("cardinality", "ident"), ("cardinality", "many"), ("target", "y")} <= by_check
    assert report.status == "passed"


def test_duplicates_and_imbalance_are_warnings() -> None:
    data = pd.concat([frame()] * 2, ignore_index=True)
    data["y"] = ["a"] * 77 + ["b"] * 3
    report = validate(data, dataset(), LIMITS, "classification")
    checks = {w.check for w in report.warnings}
    assert {"duplicates", "imbalance"} <= checks


@pytest.mark.parametrize("value", [None, np.nan])
def test_all_missing_target_is_an_error(value) -> None:
    data = frame().assign(y=value)
    report = validate(data, dataset(), LIMITS, "classification")
    assert messages(report, "errors") == ["every value of the target is missing"]


def test_the_result_reads_back_as_written() -> None:
    data = frame().assign(const=1)
    data.loc[0, "y"] = None
    report = validate(data, dataset(sensitive=("race",)), LIMITS, "classification")
    assert report.errors and report.warnings
    written = json.loads(dumps_json(report.to_json()))
    assert written["status"] == "failed"
    assert written["errors"][0] == {
        "check": "sensitive",
        "column": "race",
        "message": messages(report, "errors")[0],
    }
    assert ValidationResult.from_json(written) == report


def test_the_positive_class_is_chosen_by_value_and_read_back() -> None:
    data = frame().assign(y=[9, 10] * 20)
    report = validate(data, dataset(), LIMITS, "classification")
    assert report.task == "binary" and report.positive_label == 10
    written = json.loads(dumps_json(report.to_json()))
    assert written["positive_label"] == 10
    assert ValidationResult.from_json(written) == report
    report = validate(frame(), dataset(positive_label="no"), LIMITS, "classification")
    assert report.positive_label == "no"
    assert (
        validate(frame().assign(y=range(40)), dataset(), LIMITS, "regression").positive_label
        is None
    )


def test_spelling_variants_in_the_target_are_the_one_target_error() -> None:
    labels = ["yes", " yes", "Yes ", "YES", "no", "No", "maybe"]
    data = frame(42).assign(y=labels * 6)
    report = validate(data, dataset(), LIMITS, "classification")
    assert report.task is None
    (error,) = [e for e in report.errors if e.column == "y"]
    assert error.message == (
        "target 'y' has labels that differ only in case or spaces and would count as different "
        "classes: ' yes', 'YES', 'Yes ', 'yes'; 'No', 'no'; set dataset.normalise_text=true, or "
        "fix the source"
    )


def test_spelling_variants_split_sensitive_groups_or_feature_categories() -> None:
    data = frame().assign(sex=["f", "F", "m", "m "] * 10, colour=["red", "Red"] * 20)
    report = validate(data, dataset(), LIMITS, "classification")
    assert messages(report, "errors") == [
        "sensitive column 'sex' has values that differ only in case or spaces and would count as "
        "different groups: 'F', 'f'; 'm', 'm '; set dataset.normalise_text=true, or fix the source"
    ]
    (warning,) = [w for w in report.warnings if w.check == "spelling"]
    assert warning.column == "colour" and "'Red', 'red'" in warning.message


@pytest.mark.parametrize("column", ["x", "y"])
def test_infinite_values_are_an_error_naming_the_column_and_count(column) -> None:
    data = frame().assign(y=np.linspace(0, 1, 40))
    data.loc[[1, 5, 7], column] = [np.inf, -np.inf, np.inf]
    report = validate(data, dataset(), LIMITS, "regression")
    role = "target" if column == "y" else "column"
    assert messages(report, "errors") == [
        f"{role} '{column}' has 3 infinite values (inf or -inf); replace them in the source, or "
        "mark them missing (for a CSV, add the tokens to dataset.na_values)"
    ]


def test_numbers_read_as_text_are_a_warning() -> None:
    data = frame().assign(x=[f"{v:.2f}".replace(".", ",") for v in np.linspace(1, 9, 40)])
    report = validate(data, dataset(), LIMITS, "classification")
    (warning,) = [w for w in report.warnings if w.check == "numbers_as_text"]
    assert warning.column == "x" and warning.message.endswith('set dataset.decimal=","')


def wide_frame(n: int = 200, seed: int = 1) -> pd.DataFrame:
    """300 pixel-like uint8 columns: 60 constant, 100 with one value in over 99% of the rows, 20
    more than half missing, and a label."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, (n, 300)).astype(np.uint8)
    values[:, :60] = 0
    values[:, 60:160] = 0
    values[0, 60:160] = 7  # one row of 200 inked: 99.5% zeros
    data = pd.DataFrame(values, columns=[f"pixel_{i:03d}" for i in range(300)])
    for i in range(160, 180):
        data[f"pixel_{i:03d}"] = data[f"pixel_{i:03d}"].astype(float).mask(rng.random(n) < 0.7)
    return data.assign(sex=rng.choice(["f", "m"], n), y=rng.choice(["no", "yes"], n))


def test_hundreds_of_columns_give_a_few_summarised_warnings() -> None:
    report = validate(wide_frame(), dataset(), LIMITS, "classification")
    by_check = {}
    for warning in report.warnings:
        by_check.setdefault(warning.check, []).append(warning)
    assert len(by_check["constant"]) == 1 and len(by_check["missing"]) == 1
    constant = by_check["constant"][0]
    assert constant.column is None
    assert constant.message.startswith(
        "60 columns have a single value ('pixel_000', 'pixel_001', 'pixel_002', 'pixel_003', "
        "'pixel_004' and 55 more) and 100 have one value in at least 99% of their rows "
        "('pixel_060',"
    )
    assert "features.drop" in constant.message
    missing = by_check["missing"][0].message
    assert missing.startswith("20 columns ('pixel_160', ") and "and 15 more" in missing
    assert len(report.warnings) < 10
    # the per-column summary stays complete, with pandas' own counts
    data = wide_frame()
    assert report.columns["pixel_200"].unique == data["pixel_200"].nunique()
    assert report.columns["pixel_170"].unique == data["pixel_170"].nunique(dropna=True)


def test_a_few_near_constant_columns_are_named_one_by_one() -> None:
    data = frame(400).assign(rare=[1] + [0] * 399)
    report = validate(data, dataset(), LIMITS, "classification")
    found = [w for w in report.warnings if w.check == "constant"]
    assert [(w.column, w.message) for w in found] == [
        ("rare", "one value in at least 99% of its rows (99.75%)")
    ]


def test_fast_counts_and_duplicates_agree_with_pandas() -> None:
    from pipeline.data.wide import Counts, column_counts, duplicate_fraction

    rng = np.random.default_rng(2)
    data = pd.DataFrame(rng.integers(0, 3, (500, 4)).astype(np.uint8), columns=list("abcd"))
    data["e"] = rng.integers(-5, 5, 500)
    data["f"] = rng.choice(["x", "y", None], 500)
    for name in data.columns:
        counts = column_counts(data[name])
        top = data[name].value_counts().max()
        assert (counts.unique, counts.top) == (data[name].nunique(), top)
    integers = data.drop(columns="f")
    assert duplicate_fraction(integers) == pytest.approx(integers.duplicated().mean(), abs=0)
    assert duplicate_fraction(data) == pytest.approx(data.duplicated().mean(), abs=0)
    assert duplicate_fraction(integers.iloc[:0]) == 0.0
    # floats: -0.0 equals 0.0 and missing values equal each other, as for pandas
    floats = pd.DataFrame({"g": rng.choice([0.0, -0.0, 1.5, np.nan, float("-nan")], 500),
                           "h": rng.choice(["x", None, np.nan], 500),
                           "i": rng.integers(0, 4, 500)})  # fmt: skip
    floats.loc[:9, "g"] = [0.5 + i / 3 for i in range(10)]  # unique values
    for name in floats.columns:
        counts = column_counts(floats[name])
        expected = floats[name].value_counts()
        assert (counts.unique, counts.top, counts.present) == (
            floats[name].nunique(),
            expected.max(),
            expected.sum(),
        ), name
    assert floats.duplicated().mean() > 0.5
    assert duplicate_fraction(floats) == pytest.approx(floats.duplicated().mean(), abs=0)
    assert duplicate_fraction(floats.iloc[:10]) == 0.0
    assert column_counts(pd.Series([np.nan, np.nan])) == Counts(0, 0, 0)
    payload = np.frombuffer(np.uint64(0x7FF8000000000001).tobytes(), np.float64)[0]  # another NaN
    pairs = pd.DataFrame({"g": [0.0, -0.0, np.nan, payload, 1.0], "h": ["a", "a", "b", "b", "c"]})
    assert pairs.duplicated().tolist() == [False, True, False, True, False]
    assert duplicate_fraction(pairs) == 0.4
