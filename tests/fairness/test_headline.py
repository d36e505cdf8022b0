"""The flat metrics file (pipeline/fairness/headline.py): headline disparities by the verdicts'
method, and the failed criteria, per audit."""

from __future__ import annotations

from fairness.cases import audit_result, binary_case, schema, settings

from pipeline.fairness.headline import HEADLINE, headline_metrics


def test_headline_metrics_name_every_audit_and_count_failed_criteria() -> None:
    result = audit_result(binary_case(4, 900), schema(), settings(n_boot=0), 0)
    metrics = headline_metrics(result.audits, result.task)
    assert metrics["fairness/audits"] == 3
    for audit in result.audits:
        method = audit.comparison.method
        for key in HEADLINE:
            expected = audit.comparison.disparities[method][key].value
            assert metrics[f"fairness/{audit.name}/{key}"] == expected
        failed = sum(row.verdict.verdict == "fail" for row in audit.verdict_rows())
        assert metrics[f"fairness/{audit.name}/criteria_failed"] == failed
