"""The model card's quantitative analyses (the fairness verdicts with their intervals, the groups'
sizes and rates, the proxies) and what the model relies on (from the explain stage, when run)."""

from __future__ import annotations

from pipeline.fairness.estimates import Comparison
from pipeline.fairness.result import Audit, MulticlassAudit
from pipeline.report.markup import Page, table
from pipeline.report.run import Run
from pipeline.report.sections import span
from pipeline.report.verdicts import set_by, tally, verdict_cell

TOP_FEATURES = 10  # features listed by importance
PARITY = "demographic_parity_difference"
TOP_DRIVERS = 3  # features listed per sensitive attribute, the largest change first
GROUP_RATES = {
    "binary": {"base_rate": "base rate", "selection_rate": "selection rate",
               "true_positive_rate": "true positive rate",
               "false_positive_rate": "false positive rate"},
    "multiclass": {"accuracy_score": "accuracy"},
    "regression": {"mean_absolute_error": "MAE", "mean_prediction": "mean prediction"},
}  # fmt: skip


def bounds(low: float | None, high: float | None) -> str:
    return span(None if low is None or high is None else (low, high))


def verdict_table(page: Page, audit: Audit | MulticlassAudit) -> None:
    comparisons: dict[str | None, Comparison] = {None: audit.comparison}
    if isinstance(audit, MulticlassAudit):
        comparisons |= {c.label: c.comparison for c in audit.classes}
    rows = [
        {"class": row.class_label, "criterion": row.verdict.criterion, "value": row.verdict.value,
         "interval": span(row.verdict.interval), "rule": row.verdict.rule,
         "verdict": verdict_cell(row.verdict),
         "set by": set_by(comparisons.get(row.class_label, audit.comparison),
                          row.verdict.criterion) or "n/a"}
        for row in audit.verdict_rows()
    ]  # fmt: skip
    columns = ["criterion", "value", "interval", "rule", "verdict", "set by"]
    if isinstance(audit, MulticlassAudit):
        columns = ["class", *columns]
    page.add(table(rows, columns))


def group_table(page: Page, audit: Audit | MulticlassAudit, task: str) -> None:
    rates = GROUP_RATES[task]
    rows = []
    for group in audit.groups:
        row: dict[str, object] = {"group": group.label, "test rows": group.count}
        for key, heading in rates.items():
            found = group.metrics.get(key)
            row[heading] = None if found is None else found.value
        rows.append(row)
    page.add(table(rows, ["group", "test rows", *rates.values()]))


def analyses(page: Page, run: Run) -> None:
    """The verdicts of every audit, each group's size and rates, and the flagged proxies."""
    page.subsection("Quantitative analyses")
    result = run.fairness
    if not result.audits:
        page.paragraph(f"Nothing audited: {result.status}.")
    elif result.task == "regression":
        page.paragraph(
            "Regression has no verdict criteria: the groups' errors and mean predictions "
            "are compared below."
        )
    else:
        found = tally(result)
        unsure = len(found.inconclusive_fails) + len(found.inconclusive_passes)
        page.paragraph(
            f"{found.fails} of {found.assessed} fairness criteria fail "
            f"({len(found.conclusive_fails)} conclusively); {len(found.passes)} pass; "
            f"{unsure} verdicts have an interval that crosses their threshold. Intervals are "
            f"{result.settings.ci_level:.0%} bootstrap intervals over the test rows."
        )
    for audit in result.audits:
        page.paragraph(f"Audit {audit.name}:")
        if result.task != "regression":
            verdict_table(page, audit)
        group_table(page, audit, result.task)
    correlation = run.correlation
    threshold = correlation.config.proxy_threshold
    if correlation.flagged_proxies:
        page.paragraph(
            f"Proxies: features whose association with a sensitive attribute reaches "
            f"correlation.proxy_threshold {threshold} on the training split."
        )
        rows = [p.to_json() for p in correlation.flagged_proxies]
        page.add(table(rows, ["sensitive", "feature", "strength_measure", "strength"]))
    elif run.schema.sensitive:
        page.paragraph(
            f"No feature reaches correlation.proxy_threshold {threshold} with a sensitive "
            "attribute on the training split."
        )


def relies_on(page: Page, run: Run) -> None:
    """Permutation importance of the top features and the features that carry each sensitive
    attribute's demographic-parity difference (the explain stage)."""
    page.subsection("What the model relies on")
    found = run.explain
    page.paragraph(
        f"Permutation importance on the test rows (the drop in {found.metric} when a "
        "feature's values are shuffled), strongest first:"
    )
    rows = [{"feature": i.name, "importance": i.mean, "interval": bounds(i.low, i.high)}
            for i in found.ranked()[:TOP_FEATURES]]  # fmt: skip
    page.add(table(rows, ["feature", "importance", "interval"]))
    if found.shifts_note is not None:
        page.paragraph(found.shifts_note)
        return
    page.paragraph(
        "What drives a disparity: the change in the demographic-parity difference "
        "between groups when a feature's values are shuffled (association through the model, "
        "not causation):"
    )
    rows = [{"sensitive": s.sensitive, "feature": s.feature, "change": s.change,
             "interval": bounds(s.low, s.high)}
            for sensitive in found.disparity_figures
            for s in found.drivers(sensitive, PARITY)[:TOP_DRIVERS]]  # fmt: skip
    page.add(table(rows, ["sensitive", "feature", "change", "interval"]))
