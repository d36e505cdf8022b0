"""Fairness verdicts in words: a fail whose interval crosses the threshold reads and looks
different from a conclusive one, and the verdicts of a run are counted by kind for the summary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.fairness.disparities import (
    BINARY_DISPARITIES,
    COMPONENTS,
    REGRESSION_DISPARITIES,
)
from pipeline.fairness.estimates import Comparison, Verdict
from pipeline.fairness.result import FairnessResult, MulticlassAudit
from pipeline.report.markup import Styled, number

CROSSES = "interval crosses the threshold"
METRICS = BINARY_DISPARITIES | REGRESSION_DISPARITIES
HOW_TO_READ = (
    "Each criterion's rule compares its value with a threshold; its interval says whether "
    "another test sample of the same size could reverse the verdict. A verdict reads:"
)
LEGEND = (
    (Styled("fail (conclusive)", "verdict fail conclusive"),
     "the whole interval fails the rule: the disparity is larger than sampling noise"),
    (Styled(f"fail? ({CROSSES})", "verdict fail inconclusive"),
     "the value fails but the interval reaches the passing side: this test set cannot tell the "
     "disparity from noise; more test rows (split.test_size) or larger groups would"),
    (Styled("pass (conclusive)", "verdict pass conclusive"),
     "the whole interval passes the rule"),
    (Styled(f"pass? ({CROSSES})", "verdict pass inconclusive"),
     "the value passes but the interval reaches the failing side"),
)  # fmt: skip
READING_TABLES = (
    "A criterion is set by the groups at the extremes of the rate it compares (between groups: "
    "from the lowest to the highest; against a reference group: the farthest one). The group "
    "table gives each group's size and base rate: a disparity between small groups is noisy, "
    "and where base rates differ, equal selection rates and equal error rates cannot all hold "
    "at once."
)


def verdict_cell(verdict: Verdict) -> Styled:
    """The verdict as words and CSS classes: `fail (conclusive)`, `fail? (interval crosses the
    threshold)`, `fail (no interval)`, or n/a with the reason the value is undefined."""
    found = verdict.verdict
    if found is None:
        why = f" ({verdict.undefined})" if verdict.undefined else ""
        return Styled(f"n/a{why}", "verdict undefined")
    if verdict.conclusive is None:
        return Styled(f"{found} (no interval)", f"verdict {found} no-interval")
    if verdict.conclusive:
        return Styled(f"{found} (conclusive)", f"verdict {found} conclusive")
    return Styled(f"{found}? ({CROSSES})", f"verdict {found} inconclusive")


def set_by(comparison: Comparison, name: str) -> str:
    """The groups at the extremes of disparity `name` by the verdicts' method, with their values
    of the rate it compares, lowest to highest: `selection_rate from Female (0.0866) to Male
    (0.2560)`. Equalized odds is set by whichever of its two rates gives its value."""
    method = comparison.method
    table = comparison.disparities[method]
    if name not in table or name.endswith("_mean"):
        return ""
    kind = "ratio" if name.endswith("_ratio") else "difference"
    prefix = re.sub(r"_(difference|ratio)$", "", name)
    # equalized odds: the component whose disparity is the combined value
    parts = [table.get(f"{c}_{kind}") for c in COMPONENTS.get(prefix, (prefix,))]
    found = next((d for d in parts if d is not None and d.value == table[name].value), None)
    component = COMPONENTS.get(prefix, (prefix,))[parts.index(found)] if found else prefix
    if found is None or not found.groups:
        return ""
    metric = METRICS.get(component, component)
    values = {g.label: g.metrics.get(metric) for g in comparison.groups}

    def shown(label: str) -> str:
        estimate = values.get(label)
        value = None if estimate is None else estimate.value
        return label if value is None else f"{label} ({number(value)})"

    if method == "to_reference":
        reference = shown(comparison.reference_group or "")
        return f"{metric}: {shown(found.groups[0])}, farthest from the reference {reference}"
    if len(found.groups) < 2:
        return f"{metric}: {shown(found.groups[0])}"
    return f"{metric} from {shown(found.groups[1])} to {shown(found.groups[0])}"


class Judged(NamedTuple):
    """One verdict of a run: its audit, its class (multiclass) or None, and the verdict."""

    audit: str
    class_label: str | None
    verdict: Verdict
    set_by: str

    def words(self) -> str:
        """`sex: demographic_parity_ratio 0.3383 (must be >= 0.8; selection_rate: ...)`."""
        where = (
            self.audit if self.class_label is None else f"{self.audit}, class {self.class_label}"
        )
        extremes = f"; {self.set_by}" if self.set_by else ""
        rule = self.verdict.rule.removeprefix(self.verdict.criterion).strip()
        value = number(self.verdict.value)
        return f"{where}: {self.verdict.criterion} {value} (must be {rule}{extremes})"


@dataclass(frozen=True)
class Tally:
    """The verdicts of a run by kind, in the audits' order."""

    conclusive_fails: tuple[Judged, ...]
    inconclusive_fails: tuple[Judged, ...]
    fails_without_interval: tuple[Judged, ...]
    passes: tuple[Judged, ...]
    inconclusive_passes: tuple[Judged, ...]  # among `passes`

    @property
    def fails(self) -> int:
        return (
            len(self.conclusive_fails)
            + len(self.inconclusive_fails)
            + len(self.fails_without_interval)
        )

    @property
    def assessed(self) -> int:
        return self.fails + len(self.passes)


def tally(result: FairnessResult) -> Tally:
    """Every verdict of `result`, sorted into conclusive and inconclusive fails and passes."""
    judged = []
    for audit in result.audits:
        comparisons: dict[str | None, Comparison] = {None: audit.comparison}
        if isinstance(audit, MulticlassAudit):
            comparisons |= {c.label: c.comparison for c in audit.classes}
        for row in audit.verdict_rows():
            comparison = comparisons.get(row.class_label, audit.comparison)
            extremes = set_by(comparison, row.verdict.criterion)
            judged.append(Judged(audit.name, row.class_label, row.verdict, extremes))

    def pick(verdict: str, conclusive: bool | None) -> tuple[Judged, ...]:
        return tuple(
            j for j in judged if j.verdict.verdict == verdict and j.verdict.conclusive is conclusive
        )

    return Tally(
        conclusive_fails=pick("fail", True),
        inconclusive_fails=pick("fail", False),
        fails_without_interval=pick("fail", None),
        passes=tuple(j for j in judged if j.verdict.verdict == "pass"),
        inconclusive_passes=pick("pass", False),
    )
