"""Cases about what validate must catch up front: the positive class of numeric and boolean
targets, labels spelt several ways, numbers read as text, infinities, sensitive columns that the
audit could not use, and sensitive names that MLflow would reject."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from corpus.runner import THROUGH_FAIRNESS, Case, csv_case, csv_overrides, table

from pipeline.data.findings import ValidationResult
from pipeline.fairness.result import FairnessResult
from pipeline.io import read_json
from pipeline.schema import read_schema

THROUGH_FEATURES = ("ingest", "validate", "features")
THROUGH_EVALUATE = ("ingest", "validate", "features", "train", "evaluate")
SPELLINGS = {"yes": ["yes", " yes", "Yes ", "YES"], "no": ["no", "No"]}


def relabel(mapping: dict[str, object]) -> pd.DataFrame:
    """table() with its target's yes/no replaced by `mapping`."""
    return table().assign(y=lambda f: f["y"].map(mapping))


def spelt(frame: pd.DataFrame) -> pd.DataFrame:
    """table() with each label written in turn in each of its SPELLINGS."""
    return frame.assign(y=[SPELLINGS[v][i % len(SPELLINGS[v])] for i, v in enumerate(frame["y"])])


def with_tokens(column: str, tokens: list[str], every: int = 97) -> pd.DataFrame:
    """table() with `column` as text and every `every`-th row one of `tokens` in turn."""
    frame = table().astype({column: object})
    rows = frame.index[::every]
    frame.loc[rows, column] = [tokens[i % len(tokens)] for i in range(len(rows))]
    return frame


def labelled(negative: object, positive: object) -> Callable[[Path], None]:
    """The schema's labels are (negative, positive), validate recorded the positive, and the
    features stage coded exactly the rows of the positive label as 1."""

    def check(folder: Path) -> None:
        schema = read_schema(folder / "data/features/schema.json")
        assert schema.task == "binary" and schema.labels == (negative, positive)
        assert type(schema.labels[1]) is type(positive)
        result = ValidationResult.from_json(read_json(folder / "reports/validation.json"))
        assert result.positive_label == positive
        coded = pd.concat(
            [pd.read_parquet(folder / f"data/features/{s}.parquet") for s in ("train", "test")]
        )
        assert int(coded["y"].sum()) == int((table()["y"] == "yes").sum())

    return check


def positive_runs_right(negative: object, positive: object) -> Callable[[Path], None]:
    def check(folder: Path) -> None:
        labelled(negative, positive)(folder)
        assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9

    return check


def hours_numeric(folder: Path) -> None:
    schema = read_schema(folder / "data/features/schema.json")
    assert "hours" in schema.numeric and schema.labels == ("no", "yes")


def age_audited_by_bins(folder: Path) -> None:
    result = FairnessResult.from_json(read_json(folder / "reports/fairness.json"))
    groups = result.audit("age").to_json()["groups"]
    labels = ["<35", "35-55", ">=55"]  # fairness.json sorts its keys: compare as a set
    assert set(groups) == set(labels)
    test = pd.read_parquet(folder / "data/features/test.parquet")
    expected = pd.cut(test["age"], [0, 35, 55, 200], right=False).value_counts(sort=False)
    assert [groups[g]["count"] for g in labels] == expected.tolist()
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9


def partly_missing(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(sex=frame["sex"].where(frame.index % 10 != 0))


INF_HOURS = table().assign(hours=lambda f: f["hours"].where(f.index % 200 != 7, np.inf))
INF_TARGET = table().assign(y=lambda f: f["age"] * 1.5 + f["hours"]).astype({"y": float})
INF_TARGET.loc[[3, 9], "y"] = [np.inf, -np.inf]
MANY_LEVELS = table().assign(sex=lambda f: [f"s{i % 70:02d}" for i in range(len(f))])

CASES = [
    Case("labels_9_10_run_right", csv_case(relabel({"no": 9, "yes": 10})), csv_overrides(),
         stages=THROUGH_EVALUATE, check=positive_runs_right(9, 10),
         warnings=(r"validate: binary target 'y': positive class 10 \(dataset\.positive_label\)",)),
    Case("labels_as_floats", csv_case(relabel({"no": 0.0, "yes": 1.0})), csv_overrides(),
         stages=THROUGH_FEATURES, check=labelled(0.0, 1.0)),
    Case("labels_true_false", csv_case(relabel({"no": False, "yes": True})), csv_overrides(),
         stages=THROUGH_FEATURES, check=labelled(False, True),
         warnings=(r"positive class True \(dataset\.positive_label\)",)),
    Case("positive_label_chosen_by_value", csv_case(relabel({"no": 10, "yes": 9})),
         csv_overrides("case.csv", "y", "[sex]", "dataset.positive_label=9"),
         stages=THROUGH_FEATURES, check=labelled(10, 9)),
    Case("positive_label_not_a_value", csv_case(relabel({"no": 9, "yes": 10})),
         csv_overrides("case.csv", "y", "[sex]", "dataset.positive_label=1"),
         error=r"dataset\.positive_label 1 is not a value of 'y' \(values: \[9, 10\]\); set "
               r"dataset\.positive_label to one of them"),
    Case("label_spelling_variants", csv_case(spelt(table())), csv_overrides(),
         error=r"target 'y' has labels that differ only in case or spaces .*'YES', 'Yes ', "
               r"'yes'; 'No', 'no'; set dataset\.normalise_text=true, or fix the source$"),
    Case("label_spelling_variants_normalised", csv_case(spelt(table())),
         csv_overrides("case.csv", "y", "[sex]", "dataset.normalise_text=true"),
         stages=THROUGH_FEATURES, check=labelled("no", "yes")),
    Case("sensitive_spelling_variants",
         csv_case(table().assign(sex=lambda f: f["sex"].where(f.index % 3 != 0, " Female"))),
         csv_overrides(),
         error=r"sensitive column 'sex' has values .*' Female', 'female'; set "
               r"dataset\.normalise_text=true"),
    Case("comma_decimals_read_as_text", csv_case(table(), sep=";", decimal=","),
         csv_overrides("case.csv", "y", "[sex]", "dataset.delimiter=';'"),
         warnings=(r"validate: warning: 'hours': read as text, although 100\.0% of its \d+ "
                   r"distinct values are numbers .*tokens that prevent parsing: '\d+,\d', .*; "
                   r'set dataset\.decimal=","$',)),
    Case("thousands_read_as_text",
         csv_case(table().assign(hours=lambda f: [f"{v * 1000:,.0f}".replace(",", " ")
                                                  for v in f["hours"]])),
         csv_overrides(),
         warnings=(r"'hours': read as text.*'\d+ \d{3}'.*set dataset\.thousands=\" \"$",)),
    Case("stray_na_token", csv_case(with_tokens("hours", ["n/a", "-"])), csv_overrides(),
         stages=THROUGH_FEATURES,
         warnings=(r"'hours': read as text, although 100\.0% .*tokens that prevent parsing: "
                   r"'n/a', '-'; add \"n/a\", \"-\" to dataset\.na_values$",)),
    Case("stray_na_token_declared", csv_case(with_tokens("hours", ["n/a", "-"])),
         csv_overrides("case.csv", "y", "[sex]", "dataset.na_values=[n/a,'-']"),
         stages=THROUGH_FEATURES, check=hours_numeric),
    Case("inf_in_a_feature", csv_case(INF_HOURS), csv_overrides(),
         error=r"column 'hours' has 3 infinite values \(inf or -inf\); replace them in the "
               r"source, or mark them missing"),
    Case("inf_in_the_target", csv_case(INF_TARGET),
         csv_overrides("case.csv", "y", "[sex]", "model=ridge"),
         error=r"target 'y' has 2 infinite values"),
    Case("sensitive_is_the_target", csv_case(table()), csv_overrides("case.csv", "y", "[sex,y]"),
         error=r"sensitive column 'y' is the target \(dataset\.target\).*remove it from "
               r"dataset\.sensitive"),
    Case("sensitive_all_missing", csv_case(table().assign(sex="")), csv_overrides(),
         error=r"sensitive column 'sex' is missing in every row; fill it in the source"),
    Case("sensitive_partly_missing", csv_case(partly_missing(table())), csv_overrides(),
         warnings=(r"validate: warning: 'sex': 60 rows \(10\.0%\) have no value: the fairness "
                   r"audit reports them as the group '\(missing\)'",)),
    Case("sensitive_of_70_levels", csv_case(MANY_LEVELS), csv_overrides(),
         error=r"sensitive column 'sex' has 70 distinct values, more than "
               r"validation\.max_sensitive_levels=20.*group its values in the source"),
    Case("age_as_sensitive_unbinned", csv_case(table()), csv_overrides("case.csv", "y", "[age]"),
         error=r"sensitive column 'age' has \d+ distinct values.*set "
               r"fairness\.bins=\{age: \[[\d, ]+\]\}, or raise validation\.max_sensitive_levels"),
    Case("age_as_sensitive_binned", csv_case(table()),
         csv_overrides("case.csv", "y", "[age]", "fairness.bins={age: [35, 55]}",
                       "features.include_sensitive=true"),
         stages=THROUGH_FAIRNESS, check=age_audited_by_bins),
]  # fmt: skip
