"""Cases about the shape of the table and extreme values: a file that is not split by its delimiter,
a target with one class, values so large that arithmetic overflows, odd but usable names and
values that must run right."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from corpus.runner import (
    EVERY_STAGE,
    THROUGH_FAIRNESS,
    Case,
    csv_case,
    csv_overrides,
    raw_case,
    table,
)

from pipeline.io import read_json
from pipeline.schema import read_schema


def renamed(old: str, new: str):
    return csv_case(table().rename(columns={old: new}))


def with_column(name: str, values) -> object:
    frame = table()
    frame[name] = values(frame)
    return frame


def features_kept(*names: str):
    def check(folder: Path) -> None:
        schema = read_schema(folder / "data/features/schema.json")
        assert set(names) <= set(schema.features)
        assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9
        assert (folder / "reports/index.html").is_file()

    return check


def positive_is(label: object):
    def check(folder: Path) -> None:
        assert read_schema(folder / "data/features/schema.json").labels[1] == label

    return check


def groups_are(attribute: str, groups: set[str]):
    def check(folder: Path) -> None:
        audit = read_json(folder / "reports/fairness.json")["audits"][attribute]
        assert groups <= set(audit["groups"]), audit["groups"].keys()

    return check


LONG = "h" * 300
CASES = [
    Case(
        "semicolons_read_with_commas",
        csv_case(table(), sep=";"),
        csv_overrides(),
        error=r"header of data/case\.csv is one column.*set dataset\.delimiter=';'$",
    ),
    Case(
        "target_of_one_class",
        csv_case(with_column("y", lambda f: "yes")),
        csv_overrides(),
        error=r"target 'y' has the single value 'yes': there is nothing to classify",
    ),
    Case(
        "values_that_overflow",
        csv_case(with_column("hours", lambda f: f["hours"] * 1e300)),
        csv_overrides(),
        error=r"column 'hours' has values as large as \d\.\d+e\+301, beyond 1e\+150.*rescale it",
    ),
    Case(
        "empty_file",
        raw_case(b""),
        csv_overrides(),
        error=r"data/case\.csv cannot be read: No columns to parse.*dataset\.delimiter",
    ),
    Case(
        "unbalanced_quote",
        raw_case(b'age,colour,y\n"1,red,yes\n3,blue,no\n'),
        csv_overrides(sensitive="[]"),
        error=r"cannot be read: .*EOF inside string.*check dataset\.delimiter",
    ),
    Case(
        "saved_row_index",
        lambda folder: table().to_csv(folder / "data/case.csv", index=True),
        csv_overrides(),
        error=r"column 1 of 6 in the header of data/case\.csv has no name \(a saved row index",
    ),
    Case(
        "feature_name_of_300_characters",
        renamed("hours", LONG),
        csv_overrides(),
        stages=EVERY_STAGE,
        check=features_kept(LONG),
    ),
    Case(
        "line_break_in_a_feature_name",
        renamed("hours", "ho\nurs"),
        csv_overrides(),
        stages=EVERY_STAGE,
        check=features_kept("ho\nurs"),
    ),
    Case(
        "line_break_in_values",
        csv_case(with_column("colour", lambda f: f["colour"].str.replace("red", "re\nd"))),
        csv_overrides(),
        stages=EVERY_STAGE,
        check=features_kept("colour"),
    ),
    Case(
        "true_false_as_text",
        csv_case(with_column("y", lambda f: np.where(f["y"] == "yes", "True", "False"))),
        csv_overrides(),
        stages=THROUGH_FAIRNESS,
        check=positive_is(True),  # pandas reads True/False as booleans: True is positive
    ),
    Case(
        "boolean_sensitive_attribute",
        lambda folder: with_column("sex", lambda f: f["sex"] == "male").to_parquet(
            folder / "data/case.parquet"
        ),
        csv_overrides("case.parquet"),
        stages=THROUGH_FAIRNESS,
        check=groups_are("sex", {"False", "True"}),
    ),
    Case(
        "numeric_sensitive_attribute",
        csv_case(with_column("sex", lambda f: f.index % 3)),
        csv_overrides(),
        stages=THROUGH_FAIRNESS,
        check=groups_are("sex", {"0", "1", "2"}),
    ),
]
