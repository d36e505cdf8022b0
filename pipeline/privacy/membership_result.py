"""The membership attack's result: numbers with intervals, overall and per group, as JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.privacy.losses import KINDS
from pipeline.privacy.membership_words import summary

CHANCE_ALPHA = 0.05  # the advantage that chance alone exceeds this often, with no leak at all


def chance_advantage(members: int, nonmembers: int, alpha: float = CHANCE_ALPHA) -> float:
    """The advantage that rows with no leak at all exceed with probability `alpha`.

    The advantage is the one-sided two-sample Kolmogorov-Smirnov statistic of the two sides'
    losses; its tail is exp(-2 z^2 - 2 z c) for z = sqrt(e) d, e = P N / (P + N) and
    c = (P + 2 N) / (3 sqrt(P N (P + N))) with P >= N (Hodges' approximation, as scipy's
    ks_2samp uses for large samples; ties in the losses only make the tail smaller).
    """
    if members == 0 or nonmembers == 0:
        return float("nan")
    big, small = max(members, nonmembers), min(members, nonmembers)
    e = big * small / (big + small)
    c = (big + 2 * small) / math.sqrt(big * small * (big + small)) / 3.0
    # 2 z^2 + 2 c z + ln(alpha) = 0, the positive root
    z = (-c + math.sqrt(c * c - 2.0 * math.log(alpha))) / 2.0
    return z / math.sqrt(e)


def json_float(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class Estimate:
    """A number and its bootstrap interval (None without replicates or where undefined)."""

    value: float
    low: float | None = None
    high: float | None = None

    def to_json(self) -> dict[str, float | None]:
        return {"value": json_float(self.value), "low": self.low, "high": self.high}

    def text(self, digits: int = 3) -> str:
        interval = "" if self.low is None or self.high is None else (
            f" [{self.low:.{digits}f}, {self.high:.{digits}f}]"
        )  # fmt: skip
        return f"{self.value:.{digits}f}{interval}"


@dataclass(frozen=True)
class GroupAttack:
    """The attack within one group: its rows per side, and its numbers unless too small."""

    group: str
    members: int
    nonmembers: int
    auc: Estimate | None  # None: fewer than min_group_size rows on a side
    advantage: Estimate | None

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "members": self.members,
            "nonmembers": self.nonmembers,
            "too_small": self.auc is None,
            "auc": None if self.auc is None else self.auc.to_json(),
            "advantage": None if self.advantage is None else self.advantage.to_json(),
            "advantage_chance": json_float(chance_advantage(self.members, self.nonmembers)),
        }


@dataclass(frozen=True)
class Membership:
    """The loss-threshold attack's result."""

    score_kind: str  # a key of pipeline.privacy.losses.KINDS
    rows_per_side: int  # rows drawn from each side
    members_available: int
    nonmembers_available: int
    auc: Estimate  # members positive, score -loss, ties half
    advantage: Estimate  # max over thresholds of TPR - FPR
    member_loss: float  # mean loss of the drawn members
    nonmember_loss: float
    loss_gap: Estimate  # mean loss of non-members minus members
    member_accuracy: float | None  # classification only
    nonmember_accuracy: float | None
    accuracy_gap: Estimate | None  # accuracy of members minus non-members
    groups: dict[str, list[GroupAttack]]
    n_boot: int
    ci_level: float
    seed: int
    min_group_size: int
    loss_quantum: float  # losses were rounded to multiples of this (0: not rounded)

    @property
    def advantage_chance(self) -> float:
        """The advantage chance alone exceeds one time in 20 with this many rows per side."""
        return chance_advantage(self.rows_per_side, self.rows_per_side)

    def to_json(self) -> dict[str, Any]:
        def maybe(value: float | None) -> float | None:
            return None if value is None else json_float(value)

        return {
            "score_kind": self.score_kind,
            "score_meaning": KINDS[self.score_kind],
            "rows_per_side": self.rows_per_side,
            "members_available": self.members_available,
            "nonmembers_available": self.nonmembers_available,
            "auc": self.auc.to_json(),
            "advantage": self.advantage.to_json(),
            "advantage_chance": json_float(self.advantage_chance),
            "member_loss": json_float(self.member_loss),
            "nonmember_loss": json_float(self.nonmember_loss),
            "loss_gap": self.loss_gap.to_json(),
            "member_accuracy": maybe(self.member_accuracy),
            "nonmember_accuracy": maybe(self.nonmember_accuracy),
            "accuracy_gap": None if self.accuracy_gap is None else self.accuracy_gap.to_json(),
            "groups": {a: [g.to_json() for g in rows] for a, rows in sorted(self.groups.items())},
            "n_boot": self.n_boot,
            "ci_level": float(self.ci_level),
            "seed": self.seed,
            "min_group_size": self.min_group_size,
            "loss_quantum": float(self.loss_quantum),
        }

    def summary(self) -> list[str]:
        """The result in plain words, for the report."""
        return summary(self)
