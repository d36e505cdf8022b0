"""Cases about the table as a whole: a clean control that must run right, a missing file, too few
rows."""

from __future__ import annotations

from pathlib import Path

from corpus.runner import THROUGH_FAIRNESS, Case, csv_case, csv_overrides, table

from pipeline.io import read_json
from pipeline.schema import read_schema


def clean_runs_right(folder: Path) -> None:
    schema = read_schema(folder / "data/features/schema.json")
    assert schema.task == "binary" and schema.labels == ("no", "yes")
    assert schema.numeric == ("age", "hours") and schema.categorical == ("colour",)
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9


CASES = [
    Case(
        "clean_control",
        csv_case(table()),
        csv_overrides(),
        stages=THROUGH_FAIRNESS,
        check=clean_runs_right,
    ),
    Case(
        "missing_file",
        lambda folder: None,
        csv_overrides("absent.csv"),
        error=r"dataset\.source 'data/absent\.csv' does not exist.*set dataset\.path",
    ),
    Case(
        "too_few_rows",
        csv_case(table(30)),
        csv_overrides(),
        error=r"30 rows, fewer than validation\.min_rows=50",
    ),
]
