"""Cases of the explain stage: a metric of another task, no sensitive attribute, a constant and an
all-missing feature, and a text feature with missing values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from corpus.runner import Case, csv_case, csv_overrides, table

from pipeline.explain.result import ExplainResult
from pipeline.io import read_json

THROUGH_EXPLAIN = ("ingest", "validate", "features", "train", "evaluate", "correlation", "explain")


def explained(folder: Path) -> ExplainResult:
    return ExplainResult.from_json(read_json(folder / "reports/explain.json"))


def nothing_to_attribute(folder: Path) -> None:
    found = explained(folder)
    assert found.shifts == () and found.disparity_figures == {}
    assert found.shifts_note is not None and "dataset.sensitive" in found.shifts_note
    # age and colour carry the signal; hours is noise
    assert {i.name for i in found.ranked()[:2]} == {"age", "colour"}


def odd_columns_are_explained_or_skipped_by_name(folder: Path) -> None:
    found = explained(folder)
    assert {i.name for i in found.ranked()} >= {"age", "colour", "flat", "hours"}
    flat = next(i for i in found.ranked() if i.name == "flat")
    assert flat.mean == 0.0  # shuffling a constant column changes nothing
    plots = folder / "reports/plots/explain"
    for curve in found.curves:
        if curve.figure is not None:
            path = curve.figure_path(plots)
            assert path is not None and path.is_file()
        else:
            assert curve.note and "nothing varies" in curve.note
    colour = next(c for c in found.curves if c.feature == "colour")
    assert colour.note is not None and "shown as (missing)" in colour.note


def odd_columns() -> pd.DataFrame:
    frame = table()
    frame["flat"] = 7.0
    frame.loc[frame.index[::10], "colour"] = np.nan
    return frame


CASES = [
    Case(
        "explain_metric_of_another_task",
        csv_case(table()),
        (*csv_overrides(), "explain.metric=r2"),
        stages=THROUGH_EXPLAIN,
        error=r"explain\.metric is 'r2'.*use one of",
    ),
    Case(
        "explain_without_sensitive_attributes",
        csv_case(table().drop(columns="sex")),
        csv_overrides(sensitive="[]"),
        stages=THROUGH_EXPLAIN,
        check=nothing_to_attribute,
    ),
    Case(
        "explain_constant_feature_and_missing_text",
        csv_case(odd_columns()),
        (*csv_overrides(), "explain.dependence_features=4"),
        stages=THROUGH_EXPLAIN,
        warnings=(r"flat",),
        check=odd_columns_are_explained_or_skipped_by_name,
    ),
]
