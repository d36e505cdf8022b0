"""The report's differential privacy section: what the guarantee protects, test accuracy and the
fairness audit's disparities at each epsilon against the model fitted on the real rows, and each
group's accuracy, so that a reader sees whether privacy costs some groups more than others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.dp.figures import FIGURE
from pipeline.dp.result import DpResult, DpRun
from pipeline.report.markup import Fact, Page, number, table
from pipeline.report.sections import shown_figure, with_span

HEADING = "Differentially private training"
NOISE = (
    "The privacy noise comes from a secure source that no seed reaches: another run at the same "
    "epsilon releases other synthetic tables and fits other models."
)


def caveat(releases: int) -> str:
    """What the private rows' intervals cover."""
    if releases == 1:
        return (
            f"{NOISE} With one release per epsilon (dp.releases), the intervals cover the sampling "
            "of the test rows only, not the release: on Adult two releases at epsilon 0.5 gave "
            "accuracy 0.775 and 0.834. Set dp.releases to 3 or more to see that spread."
        )
    return (
        f"{NOISE} Each private row is the mean over {releases} releases at its epsilon, with a "
        "Student t interval across them: it shows how far one release's result can move. The "
        "test rows are the same for every release, so their sampling adds each release's own "
        "interval (about the real model's) on top."
    )


def estimate(found: dict[str, Any] | None) -> str:
    """`0.801 (0.794 to 0.808)`, or n/a."""
    if found is None:
        return "n/a"
    return with_span(
        found["value"], None if found["interval"] is None else tuple(found["interval"])
    )


def name(run: DpRun) -> str:
    return (
        "real rows (no privacy)" if run.epsilon is None else f"private, epsilon = {run.epsilon:g}"
    )


def guarantee_words(guarantee: dict[str, Any]) -> str:
    epsilons = ", ".join(f"{e:g}" for e in guarantee["epsilons"])
    return (
        f"Each private model was fitted only on a synthetic table released with "
        f"(epsilon, delta)-differential privacy, epsilon in {epsilons} and delta = "
        f"{guarantee['delta']:g}, the unit being {guarantee['unit']}: whether any one person's "
        "row was in the training split changes the chance of any released table by a factor of "
        "at most e^epsilon (plus delta). The model inherits the guarantee, since it sees nothing "
        f"else. Mechanism: {guarantee['mechanism']}. Public, outside the guarantee: "
        f"{guarantee['public']}. Each epsilon is a separate release: together the sweep spends "
        "their sum."
    )


def cost_words(runs: list[DpRun]) -> list[str]:
    """Per audit, the groups whose accuracy fell most and least at the smallest epsilon."""
    real, private = runs[0], min(runs[1:], key=lambda run: run.epsilon or 0.0)
    said = []
    for i, audit in enumerate(real.audits):
        drops = []
        for g, group in enumerate(audit["groups"]):
            before = group["accuracy"]["value"]
            after = private.audits[i]["groups"][g]["accuracy"]["value"]
            if group["eligible"] and before is not None and after is not None:
                drops.append((before - after, str(group["label"]), before, after))
        if len(drops) < 2:
            continue
        most, least = max(drops), min(drops)
        said.append(
            f"By {audit['name']}, at epsilon = {private.epsilon:g}: accuracy fell most for "
            f"{most[1]} ({number(most[2])} to {number(most[3])}) and least for {least[1]} "
            f"({number(least[2])} to {number(least[3])}). Small groups have wide intervals (the "
            "table below): a difference in the fall that the intervals cover is not evidence that "
            "privacy costs that group more."
        )
    return said


def runs_table(page: Page, runs: list[DpRun]) -> None:
    rows = []
    for run in runs:
        row = {"training data": name(run), "rows fitted on": run.train_rows,
               "test accuracy": estimate(run.accuracy)}  # fmt: skip
        for audit in run.audits:
            for key, found in audit["disparities"].items():
                row[f"{key.replace('_', ' ')} ({audit['name']})"] = estimate(found)
        rows.append(row)
    page.add(table(rows, list(rows[0])))


def groups_table(page: Page, runs: list[DpRun]) -> None:
    for i, audit in enumerate(runs[0].audits):
        rows = [
            {"group": str(group["label"]), "test rows": group["count"]}
            | {name(run): estimate(run.audits[i]["groups"][g]["accuracy"]) for run in runs}
            for g, group in enumerate(audit["groups"])
        ]
        page.paragraph(f"Test accuracy per group of {audit['name']}:")
        page.add(table(rows, list(rows[0])))


def dp_section(page: Page, result: DpResult, plot_dir: Path) -> None:
    if not result.runs:
        page.section(HEADING, f"Not run ({result.status}). A release takes about 35 s on Adult.")
        return
    page.section(HEADING, caveat(result.guarantee["releases"]))
    page.paragraph(guarantee_words(result.guarantee))
    runs_table(page, result.runs)
    dropped = sum(run.rows_without_target for run in result.runs)
    missing = sum(run.missing_cells for run in result.runs[1:])
    page.paragraph(
        f"The synthetic tables held {missing} missing feature values (categories too rare to "
        f"clear the release threshold come back missing) and {dropped} rows without a target "
        "(dropped)."
    )
    for words in cost_words(result.runs):
        page.paragraph(words)
    shown_figure(page, plot_dir, FIGURE)
    groups_table(page, result.runs)


def summary_facts(result: DpResult) -> list[Fact]:
    """The summary's line: accuracy at the smallest epsilon against the real rows'."""
    if not result.runs:
        return []
    real, private = result.runs[0], min(result.runs[1:], key=lambda run: run.epsilon or 0.0)
    releases = result.guarantee.get("releases", 1)
    mean = f" (mean of {releases} releases)" if releases > 1 else ""
    said = (
        f"test accuracy {estimate(private.accuracy)}{mean} at epsilon = {private.epsilon:g}, "
        f"against {estimate(real.accuracy)} with the real rows."
    )
    return [Fact("Differential privacy", said, (HEADING,))]
