"""The report's sections, one function each, in the order the page shows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.environment import versions
from pipeline.report.figures import confusion, curve_figures
from pipeline.report.markup import Page, number, table


def data(page: Page, provenance: dict[str, Any], validation: dict[str, Any]) -> None:
    page.section(
        "Data",
        f"{provenance['rows']} rows x {provenance['columns']} columns from {provenance['source']}. "
        f"License: {provenance['license']}. Validation {validation['status']} with "
        f"{len(validation['warnings'])} warnings.",
    )
    page.add(table([{"file": k, "sha256": v} for k, v in provenance["source_sha256"].items()],
                   ["file", "sha256"]))  # fmt: skip
    if validation["warnings"]:
        page.add(table(validation["warnings"], ["check", "column", "message"]))


def performance(
    page: Page, task: str, seed: int, metrics: dict[str, Any], plot_dir: Path, figures_dir: Path
) -> None:
    page.section("Model performance", f"Task: {task}. Seed {seed}.")
    names = sorted({k.split("/", 1)[1] for k in metrics})
    rows = [{"metric": n, "test": metrics.get(f"test/{n}"), "train": metrics.get(f"train/{n}")}
            for n in names]  # fmt: skip
    page.add(table(rows, ["metric", "test", "train"]))
    confusion_pair, confusion_figure = confusion(plot_dir, figures_dir)
    page.add(confusion_pair)
    figures = curve_figures(plot_dir, figures_dir)
    figures += [confusion_figure] if confusion_figure else []
    page.figures(figures)


def fairness(page: Page, fairness: dict[str, Any], plot_dir: Path) -> None:
    page.section("Fairness", f"Status: {fairness['status']}.")
    for name, audit in sorted(fairness.get("audits", {}).items()):
        page.subsection(name)
        rows = [{"criterion": c, **{k: v.get(k) for k in ("value", "rule", "verdict")},
                 "interval": " to ".join(number(x) for x in v.get("interval") or []) or "n/a",
                 "conclusive": v.get("conclusive")}
                for c, v in sorted(audit.get("verdicts", {}).items())]  # fmt: skip
        page.add(table(rows, ["criterion", "value", "interval", "rule", "verdict", "conclusive"]))
        figure = plot_dir / "figures" / f"{name}.png"
        if figure.is_file():
            page.figure(figure)


def correlation(page: Page, correlation: dict[str, Any], plot_dir: Path) -> None:
    strongest = correlation.get("strongest_target_association") or {}
    page.section(
        "Correlation (training split)",
        f"Strongest association with the target: {strongest.get('feature')} "
        f"({strongest.get('measure')} {number(strongest.get('strength'))}). Association is not "
        "causation: see the caveats below.",
    )
    top = correlation.get("target_associations", [])[:10]
    page.add(table(top, ["rank", "feature", "strength_measure", "strength", "p_value", "q_value"]))
    if correlation.get("flagged_proxies"):
        page.subsection("Proxies of sensitive attributes")
        columns = ["sensitive", "feature", "strength_measure", "strength"]
        page.add(table(correlation["flagged_proxies"], columns))
    leaks = correlation.get("leakage", {}).get("leaks", [])
    if leaks:
        page.section("Target leakage", "These features are near-copies of the target:")
        page.add(table(leaks, sorted(leaks[0])))
    confounding = correlation.get("confounding", {})
    if confounding.get("pairs"):
        page.subsection("Controlling for confounders")
        page.add(table(confounding["pairs"], sorted(confounding["pairs"][0])))
    for figure in sorted(plot_dir.glob("*.png")):
        page.figure(figure)
    spurious = correlation.get("spurious", {})
    readings = [part.get("reading") for part in spurious.values() if isinstance(part, dict)]
    if readings:
        page.section("Spurious correlation, a worked example")
        for reading in filter(None, readings):
            page.paragraph(reading)
    caveats = correlation.get("caveats", {})
    if caveats:
        page.section("What these measures can and cannot say")
        page.items(caveats)


def environment(page: Page) -> None:
    """The footer: the software versions, because the environment is part of the result."""
    found = ", ".join(f"{k} {v}" for k, v in versions().items())
    page.footer(f"Environment: {found}.")
