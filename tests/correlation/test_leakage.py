"""Target leakage: near-copies of the target found on any column type, in validate too; and the
module stays free of the report's prose and plots, since validate imports it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import DatasetConfig
from pipeline.correlation.leakage import find_leakage
from pipeline.data.checks import ValidationConfig, validate
from pipeline.data.synthetic import make_synthetic
from tools.dag import closure

LIMITS = ValidationConfig(min_rows=10, min_class_count=2, max_missing_fraction=0.5,
                          max_duplicate_fraction=0.05, min_minority_fraction=0.05,
                          max_categories=100)  # fmt: skip


def test_validate_warns_loudly_about_a_near_copy_of_the_target(correlation_config) -> None:
    frame = make_synthetic(3000, seed=1, bias=0.3, proxy_strength=0.9, plant_leak=True)
    dataset = DatasetConfig(name="synthetic", source="-", target="label", task="binary",
                            positive_label=1, sensitive=("group",))  # fmt: skip
    report = validate(frame, dataset, LIMITS, "classification", correlation_config())
    leaks = [w for w in report.warnings if w.check == "leakage"]
    assert [w.column for w in leaks] == ["leak"] and "TARGET LEAKAGE" in leaks[0].message
    assert report.status == "passed"
    clean = validate(
        frame.drop(columns="leak"), dataset, LIMITS, "classification", correlation_config()
    )
    assert not [w for w in clean.warnings if w.check == "leakage"]
    strict = validate(
        frame, dataset, LIMITS, "classification", correlation_config(leakage_threshold=1.0)
    )
    assert not [w for w in strict.warnings if w.check == "leakage"]


def test_leakage_check_covers_regression_and_text_columns(correlation_config) -> None:
    rng = np.random.default_rng(2)
    y = rng.normal(size=500)
    frame = pd.DataFrame({
        "copy": np.exp(y),  # a monotone transform: Spearman is 1
        "noise": rng.normal(size=500),
        "ident": [f"row{i}" for i in range(500)],  # unique text: lumped, not a leak
        "y": y,
    })  # fmt: skip
    leaks = find_leakage(frame, "y", "regression", correlation_config())
    assert [(leak["column"], leak["measure"]) for leak in leaks] == [("copy", "spearman")]
    labels = pd.DataFrame(
        {"outcome": np.where(y > 0, "yes", "no"), "tag": np.where(y > 0, "A", "B")}
    )
    leaks = find_leakage(labels, "outcome", "binary", correlation_config())
    assert [(leak["column"], round(leak["value"], 12)) for leak in leaks] == [("tag", 1.0)]
    assert set(leaks[0]) == {"column", "measure", "value", "message"}


def test_leakage_imports_nothing_that_formats_the_report() -> None:
    """validate imports `leakage`: editing the report's prose, tables or figures must not make
    DVC re-run validation."""
    report_side = {"analysis", "caveats", "figures", "result", "spurious", "tables"}
    files = closure("pipeline.correlation.leakage")
    assert "pipeline/correlation/leakage.py" in files
    assert not [f for f in files if Path(f).stem in report_side or f == "pipeline/plots.py"]
