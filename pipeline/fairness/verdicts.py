"""The verdict criteria (thresholds in params/fairness/default.yaml) and the verdicts of a
comparison of groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.fairness.estimates import Comparison, Verdict

if TYPE_CHECKING:
    from pipeline.fairness.config import FairnessConfig


@dataclass(frozen=True)
class Criterion:
    """Disparity `disparity` must be `rule` the threshold held in FairnessConfig field `key`."""

    disparity: str
    key: str  # the FairnessConfig field holding the threshold
    rule: str  # ">=" or "<="

    def passes(self, value: float, threshold: float) -> bool:
        return value >= threshold if self.rule == ">=" else value <= threshold


CRITERIA = (
    Criterion("demographic_parity_ratio", "min_demographic_parity_ratio", ">="),
    Criterion("equalized_odds_difference", "max_equalized_odds_difference", "<="),
    Criterion("equal_opportunity_difference", "max_equal_opportunity_difference", "<="),
    Criterion("predictive_parity_difference", "max_predictive_parity_difference", "<="),
)


def verdicts(comparison: Comparison, settings: FairnessConfig) -> tuple[Verdict, ...]:
    """Pass or fail per criterion: against the reference group if set, else between groups.

    `conclusive` says whether the whole interval lies on the same side of the threshold.
    """
    method = comparison.method
    out = []
    for criterion in CRITERIA:
        threshold = getattr(settings, criterion.key)
        found = comparison.disparities[method][criterion.disparity]
        value, interval = found.value, found.interval
        verdict = conclusive = undefined = None
        if value is None:
            undefined = found.undefined
        else:
            verdict = "pass" if criterion.passes(value, threshold) else "fail"
            if interval is not None:
                sides = {criterion.passes(bound, threshold) for bound in interval}
                conclusive = len(sides) == 1
        out.append(
            Verdict(
                criterion=criterion.disparity,
                method=method,
                rule=f"{criterion.disparity} {criterion.rule} {threshold}",
                value=value,
                interval=interval,
                verdict=verdict,
                conclusive=conclusive,
                undefined=undefined,
            )
        )
    return tuple(out)
