"""The report's fairness section: per audit, the verdicts (conclusive or not) with the groups that
set them, each group's size and base rate, and every disparity with its extreme groups."""

from __future__ import annotations

from pathlib import Path

from pipeline.fairness.estimates import Comparison, Estimate
from pipeline.fairness.result import Audit, FairnessResult, MulticlassAudit
from pipeline.report.markup import Page, Styled, table
from pipeline.report.sections import shown_figure, span
from pipeline.report.verdicts import HOW_TO_READ, LEGEND, READING_TABLES, set_by, verdict_cell

# per-group columns: the metric in fairness.json and its heading
BINARY_COLUMNS = {
    "selection_rate": "selection rate",
    "true_positive_rate": "true positive rate",
    "false_positive_rate": "false positive rate",
    "precision_score": "precision",
    "accuracy_score": "accuracy",
}
REGRESSION_COLUMNS = {
    "mean_prediction": "mean prediction",
    "mean_absolute_error": "MAE",
    "root_mean_squared_error": "RMSE",
}
NOTHING_ASSESSED = (
    "Nothing assessed: no criterion has a verdict, because fewer than two groups reach the size "
    "limits (fairness.min_group_size, fairness.min_positives, fairness.min_negatives). This is "
    "not a pass."
)
OVERALL = Styled("overall (every row)", "overall")


def fairness(page: Page, result: FairnessResult, plot_dir: Path) -> None:
    page.section("Fairness", f"Status: {result.status}.")
    if result.task != "regression" and result.audits:
        page.paragraph(HOW_TO_READ)
        legend = [{"verdict": cell, "meaning": meaning} for cell, meaning in LEGEND]
        page.add(table(legend, ["verdict", "meaning"]))
        page.paragraph(READING_TABLES)
    for audit in sorted(result.audits, key=lambda a: a.name):
        page.subsection(audit.name)
        if result.task != "regression" and not audit.assessed:
            page.paragraph(NOTHING_ASSESSED)
        if result.task != "regression":
            verdicts(page, audit)
        page.add(groups_table(audit, result))
        disparities(page, audit.comparison)
        if audit.figure is not None:
            shown_figure(page, plot_dir, audit.figure)


def verdicts(page: Page, audit: Audit | MulticlassAudit) -> None:
    """The verdicts of an audit (multiclass: of each class against the rest)."""
    comparisons: dict[str | None, Comparison] = {None: audit.comparison}
    if isinstance(audit, MulticlassAudit):
        comparisons |= {c.label: c.comparison for c in audit.classes}
    found = audit.verdict_rows()
    classes = list(dict.fromkeys(row.class_label for row in found))  # the audit's order
    rows = [
        {
            "class": row.class_label,
            "criterion": row.verdict.criterion,
            "value": row.verdict.value,
            "interval": span(row.verdict.interval),
            "rule": row.verdict.rule,
            "verdict": verdict_cell(row.verdict),
            "set by": set_by(comparisons[row.class_label], row.verdict.criterion) or "n/a",
        }
        for row in sorted(found, key=lambda r: (classes.index(r.class_label), r.verdict.criterion))
    ]
    columns = ["criterion", "value", "interval", "rule", "verdict", "set by"]
    if classes and classes != [None]:  # multiclass: each class against the rest
        columns = ["class", *columns]
    page.add(table(rows, columns))


def compared(excluded_because: tuple[str, ...]) -> str:
    return "no: " + "; ".join(excluded_because) if excluded_because else "yes"


def value(estimate: Estimate | None) -> float | None:
    return None if estimate is None else estimate.value


def groups_table(audit: Audit | MulticlassAudit, result: FairnessResult) -> tuple[str, str]:
    """Each group's size, whether it is compared, its base rate and the rates compared."""
    comparison = audit.comparison
    columns: dict[str, str] = {}
    shares: dict[str, Comparison] = {}  # base-rate heading -> the comparison that holds it
    if result.task == "binary":
        positive = getattr(result.target, "positive_label", "the favourable label")
        columns = {"base_rate": f"base rate (share of {positive})"} | BINARY_COLUMNS
    elif result.task == "regression":
        columns = dict(REGRESSION_COLUMNS)
    else:
        columns = {"accuracy_score": "accuracy"}
        if isinstance(audit, MulticlassAudit):
            shares = {f"base rate of {c.label}": c.comparison for c in audit.classes}
    rows: list[dict[str, object]] = []
    for group in comparison.groups:
        row: dict[str, object] = {"group": group.label, "rows": group.count,
                                  "compared": compared(group.excluded_because)}  # fmt: skip
        row |= {heading: value(group.metrics.get(key)) for key, heading in columns.items()}
        for heading, found in shares.items():
            match = [g for g in found.groups if g.label == group.label]
            row[heading] = value(match[0].metrics.get("base_rate")) if match else None
        rows.append(row)
    overall: dict[str, object] = {"group": OVERALL, "rows": comparison.overall_count,
                                  "compared": ""}  # fmt: skip
    overall |= {heading: value(comparison.overall.get(key)) for key, heading in columns.items()}
    for heading, found in shares.items():
        overall[heading] = value(found.overall.get("base_rate"))
    return table([*rows, overall], ["group", "rows", "compared", *columns.values(), *shares])


def disparities(page: Page, comparison: Comparison) -> None:
    """Every difference and ratio by the verdicts' method, with the groups at its extremes."""
    method = comparison.method
    found = comparison.disparities.get(method, {})
    rows = [
        {"disparity": name, "value": d.value, "interval": span(d.interval),
         "set by": set_by(comparison, name) or "n/a"}
        for name, d in sorted(found.items()) if not name.endswith("_mean")
    ]  # fmt: skip
    if rows:
        against = "against the reference group" if method == "to_reference" else "between groups"
        page.paragraph(f"Disparities {against}, and the groups that set them:")
        page.add(table(rows, ["disparity", "value", "interval", "set by"]))
