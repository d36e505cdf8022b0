"""The typed parts of one audit in fairness.json: estimates with their intervals, disparities,
verdicts, per-group rows, and the comparison of the groups that holds them.

Each `to_json()` gives exactly the dict written to the report (floats unrounded: io.write_json
rounds them) and `from_json()` reads it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Interval = tuple[float, float]


def interval_json(interval: Interval | None) -> list[float] | None:
    return None if interval is None else list(interval)


def read_interval(data: Any) -> Interval | None:
    return None if data is None else (data[0], data[1])


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its bootstrap percentile interval; a null value says why it is null."""

    value: float | None
    interval: Interval | None
    undefined: str | None = None  # why the value is null (set exactly when it is)
    interval_undefined: str | None = None  # why a defined value has no interval

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "interval": interval_json(self.interval)}
        if self.undefined is not None:
            out["undefined"] = self.undefined
        if self.interval_undefined is not None:
            out["interval_undefined"] = self.interval_undefined
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Estimate:
        return cls(
            value=data["value"],
            interval=read_interval(data["interval"]),
            undefined=data.get("undefined"),
            interval_undefined=data.get("interval_undefined"),
        )


@dataclass(frozen=True)
class Disparity(Estimate):
    """A disparity between groups, and the groups behind it: [largest, smallest], or the one
    farthest from the overall or reference value. None for the combined disparities (equalized
    odds), which no single metric's groups explain."""

    groups: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        if self.groups is not None:
            out["groups"] = list(self.groups)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Disparity:
        estimate = Estimate.from_json(data)
        groups = data.get("groups")
        return cls(
            value=estimate.value,
            interval=estimate.interval,
            undefined=estimate.undefined,
            interval_undefined=estimate.interval_undefined,
            groups=None if groups is None else tuple(groups),
        )


@dataclass(frozen=True)
class Verdict:
    """Pass or fail of one criterion; `conclusive` when its whole interval is on one side."""

    criterion: str  # the disparity judged, e.g. demographic_parity_ratio
    method: str  # between_groups, or to_reference when a reference group is set
    rule: str  # e.g. "demographic_parity_ratio >= 0.8"
    value: float | None
    interval: Interval | None
    verdict: str | None  # pass or fail; None when the value is undefined
    conclusive: bool | None  # None without a value or an interval
    undefined: str | None = None  # why the value is null (set exactly when it is)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "rule": self.rule,
            "value": self.value,
            "interval": interval_json(self.interval),
            "verdict": self.verdict,
            "conclusive": self.conclusive,
        }
        if self.undefined is not None:
            out["undefined"] = self.undefined
        return out

    @classmethod
    def from_json(cls, criterion: str, data: Mapping[str, Any]) -> Verdict:
        return cls(
            criterion=criterion,
            method=data["method"],
            rule=data["rule"],
            value=data["value"],
            interval=read_interval(data["interval"]),
            verdict=data["verdict"],
            conclusive=data["conclusive"],
            undefined=data.get("undefined"),
        )


def verdicts_json(verdicts: tuple[Verdict, ...]) -> dict[str, Any]:
    return {verdict.criterion: verdict.to_json() for verdict in verdicts}


def read_verdicts(data: Mapping[str, Any]) -> tuple[Verdict, ...]:
    return tuple(Verdict.from_json(criterion, found) for criterion, found in data.items())


@dataclass(frozen=True)
class GroupRow:
    """One group: its size, why it is left out of disparities (empty: compared), its metrics."""

    label: str
    count: int
    excluded_because: tuple[str, ...]
    metrics: dict[str, Estimate]

    @property
    def eligible(self) -> bool:
        return not self.excluded_because

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "eligible": self.eligible,
            "excluded_because": list(self.excluded_because),
            "metrics": {name: found.to_json() for name, found in self.metrics.items()},
        }

    @classmethod
    def from_json(cls, label: str, data: Mapping[str, Any]) -> GroupRow:
        return cls(
            label=label,
            count=data["count"],
            excluded_because=tuple(data["excluded_because"]),
            metrics={name: Estimate.from_json(found) for name, found in data["metrics"].items()},
        )


@dataclass(frozen=True)
class Comparison:
    """Per-group metrics, the same metrics overall, and the disparities between the groups, by
    method (between_groups, to_overall and, with a reference group, to_reference)."""

    groups: tuple[GroupRow, ...]
    reference_group: str | None
    overall_count: int
    overall: dict[str, Estimate]
    disparities: dict[str, dict[str, Disparity]]

    @property
    def method(self) -> str:
        """The method verdicts and headline metrics use."""
        return "to_reference" if self.reference_group is not None else "between_groups"

    def to_json(self) -> dict[str, Any]:
        return {
            "groups_compared": [group.label for group in self.groups if group.eligible],
            "groups_excluded": {
                group.label: list(group.excluded_because)
                for group in self.groups
                if not group.eligible
            },
            "reference_group": self.reference_group,
            "groups": {group.label: group.to_json() for group in self.groups},
            "overall": {
                "count": self.overall_count,
                "metrics": {name: found.to_json() for name, found in self.overall.items()},
            },
            "disparities": {
                method: {name: found.to_json() for name, found in table.items()}
                for method, table in self.disparities.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Comparison:
        """Read back; `groups_compared` and `groups_excluded` follow from the groups' rows."""
        overall = data["overall"]
        return cls(
            groups=tuple(GroupRow.from_json(label, row) for label, row in data["groups"].items()),
            reference_group=data["reference_group"],
            overall_count=overall["count"],
            overall={name: Estimate.from_json(found) for name, found in overall["metrics"].items()},
            disparities={
                method: {name: Disparity.from_json(found) for name, found in table.items()}
                for method, table in data["disparities"].items()
            },
        )
