"""The report's sections, one function each, in the order the page shows them."""

from __future__ import annotations

from pathlib import Path

from pipeline.correlation.result import CorrelationResult
from pipeline.data.checks import ValidationResult
from pipeline.data.provenance import Provenance
from pipeline.environment import versions
from pipeline.fairness.result import FairnessResult
from pipeline.models.evaluation import Metrics
from pipeline.report.figures import confusion, curve_figures
from pipeline.report.markup import Page, number, table


def data(page: Page, provenance: Provenance, validation: ValidationResult) -> None:
    page.section(
        "Data",
        f"{provenance.rows} rows x {provenance.columns} columns from {provenance.source}. "
        f"License: {provenance.license}. Validation {validation.status} with "
        f"{len(validation.warnings)} warnings.",
    )
    page.add(table([{"file": k, "sha256": v} for k, v in provenance.source_sha256.items()],
                   ["file", "sha256"]))  # fmt: skip
    if validation.warnings:
        page.add(table([w.to_json() for w in validation.warnings], ["check", "column", "message"]))


def performance(
    page: Page, task: str, seed: int, metrics: Metrics, plot_dir: Path, figures_dir: Path
) -> None:
    page.section("Model performance", f"Task: {task}. Seed {seed}.")
    rows = [{"metric": n, "test": metrics.value("test", n), "train": metrics.value("train", n)}
            for n in metrics.names]  # fmt: skip
    page.add(table(rows, ["metric", "test", "train"]))
    confusion_pair, confusion_figure = confusion(plot_dir, figures_dir)
    page.add(confusion_pair)
    figures = curve_figures(plot_dir, figures_dir)
    figures += [confusion_figure] if confusion_figure else []
    page.figures(figures)


def fairness(page: Page, result: FairnessResult, plot_dir: Path) -> None:
    page.section("Fairness", f"Status: {result.status}.")
    for audit in sorted(result.audits, key=lambda a: a.name):
        page.subsection(audit.name)
        verdicts = audit.verdict_rows()
        classes = list(dict.fromkeys(row.class_label for row in verdicts))  # the audit's order
        found = sorted(verdicts, key=lambda r: (classes.index(r.class_label), r.verdict.criterion))
        rows = [
            {
                "class": row.class_label,
                "criterion": row.verdict.criterion,
                "value": row.verdict.value,
                "interval": " to ".join(number(x) for x in row.verdict.interval or ()) or "n/a",
                "rule": row.verdict.rule,
                "verdict": row.verdict.verdict,
                "conclusive": row.verdict.conclusive,
            }
            for row in sorted(
                found, key=lambda r: (classes.index(r.class_label), r.verdict.criterion)
            )
        ]
        columns = ["criterion", "value", "interval", "rule", "verdict", "conclusive"]
        if classes and classes != [None]:  # multiclass: each class against the rest
            columns = ["class", *columns]
        page.add(table(rows, columns))
        if (figure := audit.figure_path(plot_dir)).is_file():
            page.figure(figure)


def correlation(page: Page, result: CorrelationResult, plot_dir: Path) -> None:
    strongest = result.strongest_target_association
    feature, measure = (strongest.feature, strongest.measure) if strongest else (None, None)
    page.section(
        "Correlation (training split)",
        f"Strongest association with the target: {feature} "
        f"({measure} {number(strongest.strength if strongest else None)}). Association is not "
        "causation: see the caveats below.",
    )
    top = [row.to_json() for row in result.target_associations[:10]]
    page.add(table(top, ["rank", "feature", "strength_measure", "strength", "p_value", "q_value"]))
    if result.flagged_proxies:
        page.subsection("Proxies of sensitive attributes")
        columns = ["sensitive", "feature", "strength_measure", "strength"]
        page.add(table([proxy.to_json() for proxy in result.flagged_proxies], columns))
    if leaks := [leak.to_json() for leak in result.leakage.leaks]:
        page.section("Target leakage", "These features are near-copies of the target:")
        page.add(table(leaks, sorted(leaks[0])))
    if pairs := [pair.to_json() for pair in result.confounding.pairs]:
        page.subsection("Controlling for confounders")
        page.add(table(pairs, sorted(pairs[0])))
    for name in sorted(result.figures):
        page.figure(plot_dir / name)
    page.section("Spurious correlation, a worked example")
    for reading in filter(None, result.spurious.readings):
        page.paragraph(reading)
    if result.caveats:
        page.section("What these measures can and cannot say")
        page.items(result.caveats)


def environment(page: Page) -> None:
    """The footer: the software versions, because the environment is part of the result."""
    found = ", ".join(f"{k} {v}" for k, v in versions().items())
    page.footer(f"Environment: {found}.")
