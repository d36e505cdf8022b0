"""The privacy stage's result (reports/privacy.json): what the report and the metrics read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PrivacyResult:
    """What the privacy stage writes: each re-identification assessment (exact values, then
    banded) with its plain words, the membership attack with its own, and what was not assessed
    and why."""

    reidentification: list[dict[str, Any]] = field(default_factory=list)
    membership: dict[str, Any] | None = None
    not_assessed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "reidentification": self.reidentification,
            "membership": self.membership,
            "not_assessed": self.not_assessed,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PrivacyResult:
        return cls(list(raw["reidentification"]), raw["membership"], list(raw["not_assessed"]))

    def metrics(self) -> dict[str, float | int]:
        """Headline numbers for `dvc metrics show` and MLflow: k and the share of unique rows of
        each assessment, and the attack's AUC and advantage with their intervals."""
        found: dict[str, float | int] = {}
        for assessment in self.reidentification:
            name = "banded" if assessment["bands"] else "exact"
            found[f"reidentification/{name}/k"] = assessment["k"]
            found[f"reidentification/{name}/share_unique"] = assessment["share_unique"]
        if self.membership is not None:
            for key in ("auc", "advantage"):
                estimate = self.membership[key]
                for part, suffix in (("value", ""), ("low", "_low"), ("high", "_high")):
                    if estimate[part] is not None:
                        found[f"membership/{key}{suffix}"] = estimate[part]
        return found
