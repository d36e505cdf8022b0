"""The flat metrics file for `dvc metrics` (fairness_metrics.json): per audit, each headline
disparity by the verdicts' method (multiclass: of the worst class), the criteria assessed and the
failed ones (null when none was assessed)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.fairness.estimates import Comparison
from pipeline.fairness.result import Audit, MulticlassAudit

HEADLINE = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "predictive_parity_difference",
    "average_odds_difference",
)

Value = float | int | None


def headline(audit: Audit | MulticlassAudit, task: str) -> dict[str, Value]:
    """One audit's headline numbers by name (regression: every disparity, no verdicts)."""
    method = audit.comparison.method
    if task == "regression":
        table = audit.comparison.disparities[method]
        return {k: table[k].value for k in table}
    blocks: list[Comparison] = (
        [audit.comparison] if isinstance(audit, Audit) else [c.comparison for c in audit.classes]
    )
    out: dict[str, Value] = {}
    for key in HEADLINE:
        values = [b.disparities[method][key].value for b in blocks]
        defined = [v for v in values if v is not None]
        worst = max if key.endswith("difference") else min
        out[key] = worst(defined) if defined else None
    # with no criterion assessed (every group below the size limits), "0 failed" would be false
    out["criteria_assessed"] = audit.assessed
    out["criteria_failed"] = audit.failed if audit.assessed else None
    return out


def headline_metrics(audits: Sequence[Audit | MulticlassAudit], task: str) -> dict[str, Value]:
    """`fairness/audits` and every audit's headline numbers as `fairness/<audit>/<name>`."""
    metrics: dict[str, Value] = {"fairness/audits": len(audits)}
    for audit in audits:
        metrics |= {f"fairness/{audit.name}/{k}": v for k, v in headline(audit, task).items()}
    return metrics
