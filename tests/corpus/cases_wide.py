"""Cases of wide tables: 500 pixel-like columns, most of them constant or nearly so. Validation
gives one summarised warning instead of hundreds; correlation and explain stay bounded and still
find the two columns that carry the signal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from corpus.cases_explain import THROUGH_EXPLAIN, explained
from corpus.runner import Case, csv_case, csv_overrides

from pipeline.correlation.result import CorrelationResult
from pipeline.correlation.wide import MAX_PAIRS
from pipeline.data.findings import ValidationResult
from pipeline.io import read_json

SIGNAL = ("p498", "p499")  # the two columns that decide y


def pixels(n: int = 600, seed: int = 4) -> pd.DataFrame:
    """500 integer columns 0-255: 350 constant, 100 inked in 2 rows of 600, 48 of noise, and two
    whose sum decides the binary target y."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, (n, 500))
    values[:, :450] = 0
    values[:2, 350:450] = 9
    frame = pd.DataFrame(values, columns=[f"p{i:03d}" for i in range(500)])
    score = frame[SIGNAL[0]] + frame[SIGNAL[1]] - 255 + rng.normal(0, 25, n)
    return frame.assign(y=np.where(score > 0, "yes", "no"))


def one_warning_for_the_constant_columns(folder: Path) -> None:
    report = ValidationResult.from_json(read_json(folder / "reports/validation.json"))
    constant = [w for w in report.warnings if w.check == "constant"]
    assert len(constant) == 1 and constant[0].column is None
    assert len(report.warnings) <= 3 and report.status == "passed" and report.task == "binary"
    assert report.columns["p000"].unique == 1 and report.columns["p499"].unique > 200


def bounded_and_right(folder: Path) -> None:
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9
    path = folder / "reports/correlation.json"
    assert path.stat().st_size < 1_000_000  # every pair in full: about 13 MB
    found = CorrelationResult.from_json(read_json(path))
    assert len(found.constant_columns) == 350 and len(found.pairs) == MAX_PAIRS
    assert found.screening is not None and found.screening.columns == 151
    assert {a.feature for a in found.target_associations[:2]} == set(SIGNAL)
    result = explained(folder)
    assert result.screening is not None and result.screening.features == 500
    assert len(result.ranked()) == result.screening.kept == 10
    assert {i.name for i in result.ranked()[:2]} == set(SIGNAL)


CASES = [
    Case(
        "wide_500_columns_mostly_constant",
        csv_case(pixels()),
        csv_overrides("case.csv", "y", "[]"),
        warnings=(
            r"validate: warning: 350 columns have a single value \('p000', 'p001', 'p002', "
            r"'p003', 'p004' and 345 more\) and 100 have one value in at least 99% of their rows",
        ),
        check=one_warning_for_the_constant_columns,
    ),
    Case(
        "wide_500_columns_correlated_and_explained",
        csv_case(pixels()),
        (
            *csv_overrides("case.csv", "y", "[]"),
            "explain.max_features=10",
            "explain.screen_rows=100",
        ),
        stages=THROUGH_EXPLAIN,
        warnings=(
            r"correlation: WARNING: 350 constant columns .* left out of every pair",
            r"explain: 500 features, more than explain\.max_features=10",
        ),
        check=bounded_and_right,
    ),
]
