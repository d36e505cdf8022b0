"""One row of each table in correlation.json, typed: a pair, a feature ranked against the target
or a sensitive attribute, a leak, a redundant pair, a partial correlation, a column's summary.

None stands for a coefficient that was not computed or is undefined (a constant column).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from pipeline.correlation.records import Record

NUMERIC = "numeric"  # a column's kind, as correlation.json names it
CATEGORICAL = "categorical"


@dataclass(frozen=True)
class Pair(Record):
    """A pair of columns with every coefficient, on the rows where both are present."""

    a: str
    b: str
    kind: str  # numeric-numeric, numeric-categorical or categorical-categorical
    n: int
    pearson: float | None
    pearson_p: float | None
    spearman: float | None
    spearman_p: float | None
    eta: float | None
    eta_p: float | None
    cramers_v: float | None
    cramers_v_corrected: float | None
    cramers_v_p: float | None
    mutual_info: float | None  # plug-in estimate (nats) on the binned columns, biased upward
    mutual_info_expected: float | None  # its mean between independent columns: the bias
    adjusted_mutual_info: float | None  # (MI - expected) / (mean entropy - expected), as sklearn
    mutual_info_r: float | None  # sqrt(1 - exp(-2 max(MI - expected, 0)))
    mutual_info_p: float | None  # G-test
    mutual_info_q: float | None  # Benjamini-Hochberg of mutual_info_p, over every pair
    strength: float | None  # |the first configured coefficient for the kind|
    strength_measure: str | None  # the field `strength` comes from
    p_value: float | None  # the p-value of `strength_measure`
    q_value: float | None  # Benjamini-Hochberg, over every pair


@dataclass(frozen=True)
class TargetAssociation(Record):
    """A feature's association with the target, ranked strongest first."""

    rank: int
    feature: str
    kind: str
    strength_measure: str | None
    strength: float | None
    p_value: float | None
    q_value: float | None  # Benjamini-Hochberg, over the features
    mutual_info: float | None
    mutual_info_r: float | None
    leakage_score: float | None  # largest |Pearson, Spearman, eta, corrected V|
    leakage_measure: str | None
    n: int


@dataclass(frozen=True)
class Proxy(Record):
    """A feature's association with one sensitive attribute, ranked strongest first."""

    rank: int
    feature: str
    kind: str
    strength_measure: str | None
    strength: float | None
    p_value: float | None
    q_value: float | None  # Benjamini-Hochberg, within the attribute's features
    mutual_info_r: float | None
    n: int
    flagged: bool  # strength reaches correlation.proxy_threshold


@dataclass(frozen=True)
class FlaggedProxy(Record):
    """A feature that reaches the proxy threshold for a sensitive attribute."""

    sensitive: str
    feature: str
    strength_measure: str
    strength: float


@dataclass(frozen=True)
class Leak(Record):
    """A column almost identical to the target, and the warning that says so."""

    column: str
    measure: str
    value: float
    message: str


@dataclass(frozen=True)
class RedundantPair(Record):
    """Two features that nearly determine each other."""

    a: str
    b: str
    measure: str
    value: float


@dataclass(frozen=True)
class PartialCorrelation(Record):
    """Pearson's r of a numeric pair before and after removing the confounders' linear effect."""

    a: str
    b: str
    n: int
    raw: float | None
    raw_p: float | None
    partial: float | None
    partial_p: float | None
    confounder_terms: int  # regressors of the confounders (one-hot levels counted)
    raw_q: float | None
    partial_q: float | None
    explained: bool  # significant raw, not significant partial
    involves_target: bool
    shrink: float | None  # |raw| - |partial|


@dataclass(frozen=True)
class ColumnSummary(Record):
    """A column of the matrix: its kind, missing rows, levels (or bins) and lumped levels."""

    kind: str  # numeric or categorical
    missing: int
    levels: int  # categorical: levels kept; numeric: bins for mutual information
    lumped_levels: int

    def to_json(self) -> dict[str, Any]:
        count = "levels" if self.kind == CATEGORICAL else "bins"
        return {
            "kind": self.kind,
            "missing": self.missing,
            count: self.levels,
            "lumped_levels": self.lumped_levels,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        count = "levels" if data["kind"] == CATEGORICAL else "bins"
        return cls(
            kind=str(data["kind"]),
            missing=int(data["missing"]),
            levels=int(data[count]),
            lumped_levels=int(data["lumped_levels"]),
        )
