"""The `fairness` section of the parameters (params/fairness/default.yaml), checked on load."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.config import check_level
from pipeline.errors import ConfigError
from pipeline.fairness.verdicts import CRITERIA
from pipeline.tasks import Label

# fairlearn's constraints that `mitigation_constraints` may name
CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")


@dataclass(frozen=True)
class FairnessConfig:
    """The audit's parameters: what to audit, when a group is too small to compare, the bootstrap,
    the verdict thresholds and the mitigation comparison. Checked on load, naming the key."""

    sensitive: tuple[str, ...] | None  # None: every attribute of dataset.sensitive
    intersectional: bool  # also audit the combination of all the attributes
    positive_label: Label  # binary: the favourable outcome; None: dataset.positive_label
    reference_group: dict[str, Label] | None  # attribute -> group; None: all pairs and overall
    min_group_size: int
    min_positives: int  # classification: per group (multiclass: per class and group)
    min_negatives: int
    n_boot: int  # 0: no intervals
    ci_level: float
    calibration_bins: int  # equal-width bins of the expected calibration error
    min_demographic_parity_ratio: float  # the four-fifths rule: 0.8
    max_equalized_odds_difference: float
    max_equal_opportunity_difference: float
    max_predictive_parity_difference: float
    mitigation: bool  # compare fairlearn's ThresholdOptimizer and ExponentiatedGradient
    mitigation_constraints: tuple[str, ...]
    mitigation_eps: float
    mitigation_max_iter: int
    # attribute -> increasing edges: a numeric attribute audited by bins (<25, 25-45, >=45)
    bins: dict[str, tuple[float, ...]] | None = None

    def __post_init__(self) -> None:
        if self.bins is not None:
            object.__setattr__(
                self, "bins", {str(k): bin_edges(k, v) for k, v in self.bins.items()}
            )
        for key in ("min_group_size", "min_positives", "min_negatives", "n_boot"):
            if getattr(self, key) < 0:
                raise ConfigError(f"fairness.{key} is {getattr(self, key)}; use 0 or more")
        check_level("fairness", self.ci_level)
        for key in ("calibration_bins", "mitigation_max_iter"):
            if getattr(self, key) < 1:
                raise ConfigError(f"fairness.{key} is {getattr(self, key)}; use 1 or more")
        if self.mitigation_eps <= 0:
            raise ConfigError(f"fairness.mitigation_eps is {self.mitigation_eps}; use more than 0")
        for criterion in CRITERIA:
            threshold = getattr(self, criterion.key)
            if not 0.0 <= threshold <= 1.0:
                raise ConfigError(f"fairness.{criterion.key} is {threshold}; use a value in [0, 1]")
        for name in self.mitigation_constraints:
            if name not in CONSTRAINTS:
                raise ConfigError(
                    f"fairness.mitigation_constraints names {name!r}; use {', '.join(CONSTRAINTS)}"
                )


def bin_edges(attribute: str, edges: object) -> tuple[float, ...]:
    """The edges of fairness.bins.<attribute> as floats: one or more finite, increasing numbers."""
    key = f"fairness.bins.{attribute}"
    if not isinstance(edges, list | tuple) or not edges:
        raise ConfigError(
            f"{key} is {edges!r}; give a list of increasing numbers, e.g. [25, 45, 65]"
        )
    for edge in edges:
        if isinstance(edge, bool) or not isinstance(edge, int | float) or not math.isfinite(edge):
            raise ConfigError(f"{key} has {edge!r}; every edge must be a finite number")
    if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ConfigError(f"{key} is {list(edges)}; the edges must increase, e.g. [25, 45, 65]")
    return tuple(float(edge) for edge in edges)
