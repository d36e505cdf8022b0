"""Mitigations (pipeline/fairness/mitigation.py) apply to binary tasks with attributes to audit;
the comparison itself runs in tests/stages/test_fairness.py (slow)."""

from __future__ import annotations

from fairness.cases import schema, settings

from pipeline.fairness.mitigation import mitigation_skipped
from pipeline.fairness.mitigation_result import (
    MitigationComparison,
    MitigationRow,
    MitigationSkipped,
    read_mitigation,
)


def test_mitigation_is_skipped_with_the_reason() -> None:
    regression = mitigation_skipped(schema("regression", ("sex",), ()), settings())
    assert regression == MitigationSkipped("mitigation applies to binary tasks only")
    assert regression.to_json() == {"status": regression.status, "table": []}
    nothing = mitigation_skipped(schema(sensitive=()), settings())
    assert nothing is not None and nothing.status == "no sensitive attribute to mitigate for"
    assert mitigation_skipped(schema(), settings()) is None


def test_mitigation_results_round_trip() -> None:
    row = MitigationRow("unmitigated", "sex", 0.8, {"demographic_parity_difference": 0.1})
    compared = MitigationComparison("1 models compared", ("sex",), {"x": "failed: y"}, (row,))
    for mitigation in (compared, MitigationSkipped("mitigation applies to binary tasks only")):
        assert read_mitigation(mitigation.to_json()) == mitigation
    assert list(row.to_json()) == ["model", "audit", "accuracy_score",
                                   "demographic_parity_difference"]  # fmt: skip
