"""The validate stage's main(): its report read back through the type, warnings printed, and the
first error raised with a count of the others."""

from __future__ import annotations

import pytest

from pipeline.data.findings import ValidationResult
from pipeline.errors import DataValidationError
from pipeline.io import read_json
from pipeline.stages import validate

pytestmark = pytest.mark.slow


def test_main_reports_a_planted_leak_and_passes(stages, capsys) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=1000", "dataset.plant_leak=true"],
        ["ingest", "validate"],
    )
    result = ValidationResult.from_json(read_json(folder / "reports/validation.json"))
    assert result.status == "passed" and result.task == "binary" and result.rows == 1000
    assert result.positive_label == 1
    assert [w.column for w in result.warnings if w.check == "leakage"] == ["leak"]
    assert set(result.columns) == {"x1", "x2", "z", "spurious", "color", "region", "group",
                                   "leak", "label"}  # fmt: skip
    out = capsys.readouterr().out
    assert "validate: warning: 'leak': " in out
    assert "validate: binary target 'label': positive class 1 (dataset.positive_label)\n" in out
    assert out.endswith("validate: 1000 rows, task binary, passed\n")


def test_main_raises_the_first_error_and_counts_the_rest(stages) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=100", "dataset.sensitive=[nope,gone]"], ["ingest"]
    )
    with pytest.raises(DataValidationError) as raised:
        validate.main()
    assert str(raised.value) == (
        "sensitive column 'nope' (dataset.sensitive) is missing; columns are ['x1', 'x2', 'z', "
        "'spurious', 'color', 'region', 'group', 'label'] (and 1 more in reports/validation.json)"
    )
    result = ValidationResult.from_json(read_json(folder / "reports/validation.json"))
    assert result.status == "failed" and [e.column for e in result.errors] == ["nope", "gone"]


def test_main_reads_the_bins_of_fairness_and_passes_a_binned_attribute(stages, capsys) -> None:
    overrides = ["dataset=synthetic", "dataset.n_rows=200", "dataset.sensitive=[group,x1]"]
    with pytest.raises(DataValidationError, match="sensitive column 'x1' has 200 distinct"):
        stages(overrides, ["ingest", "validate"])
    folder = stages([*overrides, "fairness.bins={x1: [0]}"], ["ingest", "validate"])
    result = ValidationResult.from_json(read_json(folder / "reports/validation.json"))
    assert result.status == "passed" and result.errors == ()
