"""The validate stage's limits and its typed report (reports/validation.json): the errors and
warnings found, each naming its check and column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.tasks import Label


@dataclass(frozen=True)
class ValidationConfig:
    """The limits of the `validation` section: below them a table is an error or a warning."""

    min_rows: int
    min_class_count: int
    max_missing_fraction: float
    max_duplicate_fraction: float
    min_minority_fraction: float
    max_categories: int
    # a sensitive column with more distinct values is an error unless fairness.bins bins it
    max_sensitive_levels: int = 20
    # a text column is reported as numbers read as text when this share of its distinct values
    # reads as a number (directly, or in a recognised pattern such as 1,5 or 1 000 or 12kg)
    min_number_share: float = 0.9


@dataclass(frozen=True)
class Finding:
    """One error or warning: which check, what it found, and the column when it is about one."""

    check: str
    message: str
    column: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "column": self.column, "message": self.message}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        column = data["column"]
        return cls(
            str(data["check"]), str(data["message"]), None if column is None else str(column)
        )


@dataclass(frozen=True)
class ColumnSummary:
    dtype: str
    missing: int
    unique: int  # distinct values, missing not counted

    def to_json(self) -> dict[str, Any]:
        return {"dtype": self.dtype, "missing": self.missing, "unique": self.unique}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ColumnSummary:
        return cls(str(data["dtype"]), int(data["missing"]), int(data["unique"]))


@dataclass(frozen=True)
class ValidationResult:
    """The validation report: the task the target supports (None when it cannot be resolved), the
    positive class of a binary target (None otherwise), a summary of each column, and the errors
    and warnings found."""

    dataset: str
    rows: int
    task: str | None
    columns: dict[str, ColumnSummary]
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    positive_label: Label = None

    @property
    def status(self) -> str:
        return "failed" if self.errors else "passed"

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "rows": self.rows,
            "task": self.task,
            "positive_label": self.positive_label,
            "columns": {name: summary.to_json() for name, summary in self.columns.items()},
            "errors": [f.to_json() for f in self.errors],
            "warnings": [f.to_json() for f in self.warnings],
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ValidationResult:
        task = data["task"]
        return cls(
            dataset=str(data["dataset"]),
            rows=int(data["rows"]),
            task=None if task is None else str(task),
            columns={str(k): ColumnSummary.from_json(v) for k, v in data["columns"].items()},
            errors=tuple(Finding.from_json(f) for f in data["errors"]),
            warnings=tuple(Finding.from_json(f) for f in data["warnings"]),
            positive_label=data["positive_label"],
        )
