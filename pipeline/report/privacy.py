"""The report's privacy section: how many training rows the dataset's quasi-identifiers single
out (k-anonymity, unique rows, l-diversity and t-closeness of the disclosed attributes), and how
well a membership inference attack tells the model's training rows from rows it never saw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.privacy.figures import FIGURE
from pipeline.privacy.result import PrivacyResult
from pipeline.report.markup import Fact, Page, number, table
from pipeline.report.sections import shown_figure, with_span

HEADING = "Privacy"
CAVEAT = (
    "Both numbers are lower bounds on the risk, not guarantees: an outsider may know more facts "
    "than the quasi-identifiers listed here, and stronger attacks than a loss threshold exist. "
    "Neither says that the data or the model is safe to publish."
)


def estimate(found: dict[str, Any] | None) -> str:
    """`0.505 (0.497 to 0.513)`, or n/a."""
    if found is None:
        return "n/a"
    return with_span(
        found["value"], None if found["low"] is None else (found["low"], found["high"])
    )


def assessments(page: Page, found: list[dict[str, Any]]) -> None:
    rows = []
    for a in found:
        row = {
            "quasi-identifiers": ", ".join(
                f"{q} (bands)" if q in a["bands"] else q for q in a["quasi_identifiers"]
            ),
            "rows": a["n_rows"], "classes": a["n_classes"], "k": a["k"],
            "unique rows": f"{a['share_unique']:.1%}",
            "rows in classes < 5": f"{a['share_below_5']:.1%}",
        }  # fmt: skip
        for attribute in a["attributes"]:
            row[f"l, t of {attribute['name']}"] = f"{attribute['l']}, {number(attribute['t'])}"
        rows.append(row)
    page.add(table(rows, list(rows[0])))
    for a in found:
        page.paragraph(a["words"])


def attack(page: Page, membership: dict[str, Any]) -> None:
    for words in membership["words"]:
        page.paragraph(words)
    rows = [
        {"attribute": attribute, "group": g["group"], "training rows": g["members"],
         "unseen rows": g["nonmembers"], "attack AUC": estimate(g["auc"]),
         "advantage": estimate(g["advantage"]) if not g["too_small"] else "too few rows"}
        for attribute, groups in membership["groups"].items() for g in groups
    ]  # fmt: skip
    if rows:
        page.paragraph(
            f"Per group (a group needs {membership['min_group_size']} rows on each side for "
            "numbers of its own): an interval above 0.5 says the model leaves a trace of that "
            "group's training rows."
        )
        page.add(table(rows, list(rows[0])))


def privacy(page: Page, result: PrivacyResult, plot_dir: Path) -> None:
    page.section(HEADING, CAVEAT)
    if result.reidentification:
        page.subsection("Re-identification by quasi-identifiers (training split)")
        assessments(page, result.reidentification)
    if result.membership is not None:
        page.subsection("Membership inference")
        attack(page, result.membership)
    if result.reidentification or result.membership is not None:
        shown_figure(page, plot_dir, FIGURE)
    for reason in result.not_assessed:
        page.paragraph(f"Not assessed: {reason}.")


def summary_facts(result: PrivacyResult) -> list[Fact]:
    """The summary's line: the share of unique rows by the exact quasi-identifiers, and the
    attack's AUC."""
    said = []
    if result.reidentification:
        first = result.reidentification[0]
        said.append(f"k = {first['k']}, {first['share_unique']:.1%} of the training rows unique "
                    "by their quasi-identifiers")  # fmt: skip
    if result.membership is not None:
        said.append(f"membership inference AUC {estimate(result.membership['auc'])}")
    return [Fact("Privacy", "; ".join(said) + ".", (HEADING,))] if said else []
