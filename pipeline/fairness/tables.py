"""The CSV tables under paths.fairness_plots (for `dvc plots`): per plotted metric, every group's
value and interval; every verdict; the mitigation comparison."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.fairness.estimates import Comparison
from pipeline.fairness.result import FairnessResult, MulticlassAudit

PLOTTED = {
    "binary": ("selection_rate", "true_positive_rate", "false_positive_rate", "precision_score"),
    "multiclass": ("accuracy_score", "selection_rate", "true_positive_rate"),
    "regression": ("mean_absolute_error", "root_mean_squared_error", "mean_prediction"),
}


def plot_frames(result: FairnessResult) -> dict[str, pd.DataFrame]:
    """Per plotted metric: audit, group, value, lower, upper, eligible, overall."""
    rows: dict[str, list[dict[str, Any]]] = {metric: [] for metric in PLOTTED[result.task]}
    for audit in result.audits:
        blocks: list[tuple[str, Comparison]] = [("", audit.comparison)]
        if isinstance(audit, MulticlassAudit):
            blocks += [(f" | class {c.label}", c.comparison) for c in audit.classes]
        for suffix, block in blocks:
            for group in block.groups:
                for metric, found in group.metrics.items():
                    if metric in rows and not (suffix and metric == "accuracy_score"):
                        low, high = found.interval or (None, None)
                        rows[metric].append(
                            {
                                "audit": audit.name,
                                "group": f"{audit.name}: {group.label}{suffix}",
                                metric: found.value,
                                "lower": low,
                                "upper": high,
                                "eligible": group.eligible,
                                "overall": block.overall[metric].value,
                            }
                        )
    return {metric: pd.DataFrame(found) for metric, found in rows.items() if found}


def verdict_table(result: FairnessResult) -> pd.DataFrame:
    """One row per verdict (multiclass: per class): the criterion, its value and interval."""
    rows = []
    for audit in result.audits:
        for label, found in audit.verdict_rows():
            low, high = found.interval or (None, None)
            rows.append({
                "audit": audit.name, "class": "" if label is None else label,
                "criterion": found.criterion, "rule": found.rule, "value": found.value,
                "lower": low, "upper": high, "verdict": found.verdict,
                "conclusive": found.conclusive,
            })  # fmt: skip
    columns = ["audit", "class", "criterion", "rule", "value", "lower", "upper", "verdict"]
    return pd.DataFrame(rows, columns=[*columns, "conclusive"])


def mitigation_table(result: FairnessResult) -> pd.DataFrame:
    """One row per model and audit (empty without a mitigation comparison)."""
    table = () if result.mitigation is None else result.mitigation.table
    return pd.DataFrame([row.to_json() for row in table])
