"""The dp stage's result (reports/dp.json): one row per model (the model fitted on the real
training rows, then one per epsilon), with test accuracy and each audit's disparities and
per-group accuracy, every number with its interval."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OFF = "off: dp.epsilons is empty; e.g. dvc exp run -S 'dp.epsilons=[1]'"
DISPARITIES = ("demographic_parity_difference", "equalized_odds_difference")


def epsilon_key(epsilon: float | None) -> str:
    """`real` for the model fitted on the real rows, else `epsilon_<value>` (`epsilon_0.5`)."""
    return "real" if epsilon is None else f"epsilon_{epsilon:g}"


@dataclass(frozen=True)
class DpRun:
    """One model on the real test split, or the mean of several (one per release) at one
    epsilon, each estimate then with a t interval across the releases and their values. `epsilon`
    None: fitted on the real training rows. `release`: which release (0, 1, ...) a single one is."""

    epsilon: float | None
    train_rows: int  # rows it was fitted on (synthetic: the noisy total, less rows_without_target)
    rows_without_target: int  # synthetic rows whose target came back missing, dropped
    missing_cells: int  # synthetic feature cells that came back missing (dropped categories)
    accuracy: dict[str, Any]  # {"value", "interval"}
    audits: list[dict[str, Any]]  # {"name", "disparities": {name: estimate}, "groups": [...]}
    release: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "epsilon": self.epsilon,
            "release": self.release,
            "train_rows": self.train_rows,
            "rows_without_target": self.rows_without_target,
            "missing_cells": self.missing_cells,
            "accuracy": self.accuracy,
            "audits": self.audits,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> DpRun:
        return cls(
            raw["epsilon"],
            raw["train_rows"],
            raw["rows_without_target"],
            raw["missing_cells"],
            dict(raw["accuracy"]),
            list(raw["audits"]),
            raw["release"],
        )


@dataclass(frozen=True)
class DpResult:
    """What the dp stage writes: whether it ran and why not, the guarantee, the rows a reader
    compares (the real model's, then one per epsilon over its releases) and every release."""

    status: str
    guarantee: dict[str, Any] = field(default_factory=dict)
    runs: list[DpRun] = field(default_factory=list)
    releases: list[DpRun] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "guarantee": self.guarantee,
            "runs": [run.to_json() for run in self.runs],
            "releases": [run.to_json() for run in self.releases],
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> DpResult:
        runs = [DpRun.from_json(run) for run in raw["runs"]]
        releases = [DpRun.from_json(run) for run in raw["releases"]]
        return cls(raw["status"], dict(raw["guarantee"]), runs, releases)

    def metrics(self) -> dict[str, float | int]:
        """Per compared row: accuracy and each audit's disparities, with their interval ends, as
        `dp/<real|epsilon_1>/accuracy`, `dp/epsilon_1/<audit>/<disparity>_low`, ..."""
        found: dict[str, float | int] = {}

        def put(prefix: str, estimate: Mapping[str, Any]) -> None:
            if estimate["value"] is None:
                return
            found[prefix] = estimate["value"]
            if estimate["interval"] is not None:
                found[f"{prefix}_low"], found[f"{prefix}_high"] = estimate["interval"]

        for run in self.runs:
            key = f"dp/{epsilon_key(run.epsilon)}"
            put(f"{key}/accuracy", run.accuracy)
            for audit in run.audits:
                for name, estimate in audit["disparities"].items():
                    put(f"{key}/{audit['name']}/{name}", estimate)
        return found
