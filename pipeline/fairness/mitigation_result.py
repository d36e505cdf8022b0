"""The `mitigation` part of fairness.json: accuracy and headline disparities of the model and of
each fairlearn mitigation, per audit, or why none was compared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ROW_KEYS = ("model", "audit", "accuracy_score")


@dataclass(frozen=True)
class MitigationRow:
    """One model (the unmitigated one, or a mitigation) on one audit."""

    model: str  # "unmitigated", or e.g. "threshold_optimizer/demographic_parity"
    audit: str
    accuracy_score: float | None
    disparities: dict[str, float | None]  # each headline disparity, in headline order

    def to_json(self) -> dict[str, Any]:
        row = {"model": self.model, "audit": self.audit, "accuracy_score": self.accuracy_score}
        return row | self.disparities

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MitigationRow:
        return cls(
            model=data["model"],
            audit=data["audit"],
            accuracy_score=data["accuracy_score"],
            disparities={k: v for k, v in data.items() if k not in ROW_KEYS},
        )


@dataclass(frozen=True)
class MitigationSkipped:
    """Nothing to compare (a task other than binary, or no sensitive attribute), and why."""

    status: str

    @property
    def table(self) -> tuple[MitigationRow, ...]:
        return ()

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "table": []}


@dataclass(frozen=True)
class MitigationComparison:
    """The models compared on the test split; a mitigation that failed or was skipped is noted."""

    status: str
    constraints_fit_on: tuple[str, ...]  # the attributes the mitigations were fit to
    notes: dict[str, str]  # model -> why it has no row
    table: tuple[MitigationRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "constraints_fit_on": list(self.constraints_fit_on),
            "notes": dict(self.notes),
            "table": [row.to_json() for row in self.table],
        }


Mitigation = MitigationSkipped | MitigationComparison


def read_mitigation(data: Mapping[str, Any]) -> Mitigation:
    """Either form back from fairness.json; only a comparison names the attributes it fit to."""
    if "constraints_fit_on" not in data:
        return MitigationSkipped(data["status"])
    return MitigationComparison(
        status=data["status"],
        constraints_fit_on=tuple(data["constraints_fit_on"]),
        notes=dict(data["notes"]),
        table=tuple(MitigationRow.from_json(row) for row in data["table"]),
    )
