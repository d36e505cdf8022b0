"""The report's explain section: what the model relies on (permutation importance of features and
of groups of associated features, with intervals and rank stability), which features a disparity
passes through, and the partial dependence curves of the top features."""

from __future__ import annotations

from pathlib import Path

from pipeline.explain.result import (
    DEPENDENCE_CAVEAT,
    DISPARITY_CAVEAT,
    IMPORTANCE_CAVEAT,
    IMPORTANCE_FIGURE,
    ExplainResult,
    Importance,
    Shift,
)
from pipeline.report.markup import Fact, Page, number, table
from pipeline.report.sections import shown_figure, span

HEADING = "What the model relies on"
DRIVERS = "What drives a disparity"
SHOWN_DRIVERS = 8  # features listed per attribute and disparity, the largest change first
DISPARITIES = {
    "demographic_parity_difference": "demographic parity difference (selection rates)",
    "equal_opportunity_difference": "equal opportunity difference (true positive rates)",
}


def summary_facts(result: ExplainResult) -> list[Fact]:
    """The summary's lines: the features the model relies on most, and, per sensitive attribute,
    the feature through which most of its demographic-parity difference passes."""
    top = result.ranked()[:3]
    if not top:
        return []
    said = ", ".join(f"{i.name} ({number(i.mean)}, {interval(i)})" for i in top)
    facts = [Fact("Relies most on", f"{said}: the drop in {result.metric} when each is "
                  "shuffled.", (HEADING,))]  # fmt: skip
    for sensitive in result.disparity_figures:
        found = result.drivers(sensitive, "demographic_parity_difference")
        if found and found[0].change > 0:
            first = found[0]
            facts.append(Fact(f"Carries the {sensitive} gap", (
                f"{number(first.change)} of the {number(first.baseline)} demographic parity "
                f"difference goes away when {first.feature} is shuffled ({interval(first)}): "
                "association through the model, not causation."), (DRIVERS,)))  # fmt: skip
    return facts


def interval(found: Importance | Shift) -> str:
    return span((found.low, found.high)) if found.low is not None else "no interval"


def share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def importance_rows(found: list[Importance]) -> list[dict[str, object]]:
    return [
        {
            "rank": i.rank,
            "feature": i.name,
            "importance": number(i.mean),
            "interval": interval(i),
            "sd over shuffles": number(i.std),
            "keeps its rank": share(i.rank_stability),
            "in the top 5": share(i.top_share),
        }
        for i in found
    ]


def opening(result: ExplainResult) -> str:
    sample = (
        f"a seeded sample of {result.rows} of the {result.test_rows} test rows (explain.max_rows)"
        if result.sampled
        else f"all {result.rows} test rows"
    )
    bootstrap = (
        f"{result.ci_level:.0%} percentile intervals from {result.n_boot} bootstrap replicates "
        "of the test rows"
        if result.n_boot
        else "no intervals (explain.n_boot is 0)"
    )
    return (
        f"Importance is the drop in {result.metric} when a feature's values are shuffled, the "
        f"mean of {result.n_repeats} shuffles, on {sample}; {bootstrap}."
    )


def importance(page: Page, result: ExplainResult, plot_dir: Path) -> None:
    page.section(HEADING, opening(result))
    page.paragraph(IMPORTANCE_CAVEAT)
    shown_figure(page, plot_dir, IMPORTANCE_FIGURE)
    columns = ["rank", "feature", "importance", "interval", "sd over shuffles", "keeps its rank",
               "in the top 5"]  # fmt: skip
    page.add(table(importance_rows(result.ranked()), columns))
    groups = result.ranked("group")
    if groups:
        page.subsection("Groups of associated features")
        page.paragraph(
            f"Features whose association in the correlation stage reaches "
            f"explain.group_threshold {number(result.group_threshold)} are also shuffled "
            "together, keeping each row's values of the group together: a group can matter "
            "much more than each of its features alone, when they stand in for each other."
        )
        rows = importance_rows(groups)
        for row in rows:
            row["group"] = row.pop("feature")
        page.add(table(rows, ["rank", "group", "importance", "interval", "sd over shuffles",
                              "keeps its rank"]))  # fmt: skip


def drivers(page: Page, result: ExplainResult, plot_dir: Path) -> None:
    page.subsection(DRIVERS)
    if result.shifts_note is not None:
        page.paragraph(result.shifts_note)
        return
    page.paragraph(
        "For each sensitive attribute: the disparity of the model's predictions between its "
        "groups, and how much of it goes away when one feature is shuffled (change, with its "
        "interval; share: the change over the disparity)."
    )
    page.paragraph(DISPARITY_CAVEAT)
    for sensitive, figure in result.disparity_figures.items():
        for disparity, words in DISPARITIES.items():
            found = result.drivers(sensitive, disparity)
            if not found:
                continue
            page.paragraph(
                f"{sensitive}: {words} of the model's predictions {number(found[0].baseline)}."
            )
            rows = [
                {
                    "feature": s.feature,
                    "change": number(s.change),
                    "interval": interval(s),
                    "share of the disparity": share(s.share),
                    "disparity when shuffled": number(s.permuted),
                }
                for s in found[:SHOWN_DRIVERS]
            ]
            page.add(table(rows, ["feature", "change", "interval", "share of the disparity",
                                  "disparity when shuffled"]))  # fmt: skip
        shown_figure(page, plot_dir, figure)


def dependence(page: Page, result: ExplainResult, plot_dir: Path) -> None:
    page.subsection("Partial dependence")
    page.paragraph(
        f"The {len(result.curves)} most important features, on {result.dependence_rows} test "
        f"rows. {DEPENDENCE_CAVEAT}"
    )
    for curve in result.curves:
        if curve.note:
            page.paragraph(f"{curve.feature}: {curve.note}")
        if curve.figure is not None:
            shown_figure(page, plot_dir, curve.figure)


def explain(page: Page, result: ExplainResult, plot_dir: Path) -> None:
    importance(page, result, plot_dir)
    drivers(page, result, plot_dir)
    if result.curves:
        dependence(page, result, plot_dir)
