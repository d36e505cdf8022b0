"""The validate stage's checks on the raw table, before anything is fitted on it.

Errors stop the pipeline with one line naming the column and the fix; warnings go to the report
(reports/validation.json, typed as `ValidationResult`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline import tasks
from pipeline.config import DatasetConfig
from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.leakage import find_leakage
from pipeline.errors import DataValidationError
from pipeline.schema import binary_labels, is_categorical, resolve_task


@dataclass(frozen=True)
class ValidationConfig:
    """The limits of the `validation` section: below them a table is an error or a warning."""

    min_rows: int
    min_class_count: int
    max_missing_fraction: float
    max_duplicate_fraction: float
    min_minority_fraction: float
    max_categories: int


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
    """The validation report: the task the target supports (None when it cannot be resolved), a
    summary of each column, and the errors and warnings found."""

    dataset: str
    rows: int
    task: str | None
    columns: dict[str, ColumnSummary]
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def status(self) -> str:
        return "failed" if self.errors else "passed"

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "rows": self.rows,
            "task": self.task,
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
        )


def check_target(
    frame: pd.DataFrame, dataset: DatasetConfig, limits: ValidationConfig, model_task: str
) -> tuple[str | None, list[Finding], list[Finding]]:
    """Resolve the task and check the target column; returns (task, errors, warnings)."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    target = frame[dataset.target]
    missing = int(target.isna().sum())
    if missing == len(frame):
        return None, [Finding("target", "every value of the target is missing", dataset.target)], []
    if missing:
        warnings.append(
            Finding("target", f"{missing} rows have no target and will be dropped", dataset.target)
        )
    try:
        task = resolve_task(target, dataset.task)
        if task == "binary":
            binary_labels(target, dataset.positive_label)
    except DataValidationError as error:
        return None, [Finding("task", str(error), dataset.target)], warnings
    if tasks.model_task(task) != model_task:
        errors.append(
            Finding(
                "model",
                f"the data is a {task} task but the model is for {model_task}; "
                f"choose a {tasks.model_task(task)} model, e.g. -S model="
                + ("ridge" if task == "regression" else "hist_gradient_boosting"),
            )
        )
    if task != "regression":
        counts = target.value_counts()
        rare = counts[counts < limits.min_class_count]
        if len(rare):
            errors.append(
                Finding(
                    "classes",
                    f"class {rare.index[0]!r} has {int(rare.iloc[0])} rows, fewer than "
                    f"validation.min_class_count={limits.min_class_count}; merge or drop rare "
                    "classes",
                    dataset.target,
                )
            )
        minority = counts.min() / counts.sum()
        if minority < limits.min_minority_fraction:
            warnings.append(
                Finding(
                    "imbalance",
                    f"the rarest class {counts.idxmin()!r} is {minority:.1%} of rows: "
                    "accuracy is misleading, read balanced accuracy and recall",
                    dataset.target,
                )
            )
    return task, errors, warnings


def check_columns(frame: pd.DataFrame, target: str, limits: ValidationConfig) -> list[Finding]:
    """Warnings about single columns and about the rows as a whole."""
    warnings = []
    for column in frame.columns:
        values = frame[column]
        missing = values.isna().mean()
        if missing > limits.max_missing_fraction:
            warnings.append(Finding("missing", f"{missing:.1%} of values are missing", column))
        n_unique = values.nunique(dropna=True)
        if column == target:
            continue
        if n_unique <= 1:
            warnings.append(Finding("constant", "the column has a single value", column))
        categorical = is_categorical(values)
        if categorical and n_unique > limits.max_categories:
            warnings.append(
                Finding(
                    "cardinality",
                    f"{n_unique} categories; rare ones are grouped by features.min_frequency",
                    column,
                )
            )
        if (categorical or pd.api.types.is_integer_dtype(values)) and n_unique == len(frame) > 1:
            warnings.append(
                Finding("identifier", "every value is distinct: an identifier? drop it", column)
            )
    duplicates = frame.duplicated().mean() if len(frame) else 0.0
    if duplicates > limits.max_duplicate_fraction:
        warnings.append(Finding("duplicates", f"{duplicates:.1%} of rows are exact duplicates"))
    return warnings


def check_roles(
    frame: pd.DataFrame, dataset: DatasetConfig, limits: ValidationConfig
) -> list[Finding]:
    """Errors about the table as a whole: sensitive columns, the number of rows, any feature."""
    errors = []
    columns = list(frame.columns)
    for column in dataset.sensitive:
        if column not in frame.columns:
            errors.append(
                Finding(
                    "sensitive",
                    f"sensitive column '{column}' (dataset.sensitive) is missing; "
                    f"columns are {columns}",
                    column,
                )
            )
    if len(frame) < limits.min_rows:
        errors.append(
            Finding("rows", f"{len(frame)} rows, fewer than validation.min_rows={limits.min_rows}")
        )
    if len(set(columns) - {dataset.target, *dataset.sensitive}) == 0:
        errors.append(Finding("features", "no column is left to use as a feature"))
    return errors


def validate(
    frame: pd.DataFrame,
    dataset: DatasetConfig,
    limits: ValidationConfig,
    model_task: str,
    correlation: CorrelationConfig | None = None,
) -> ValidationResult:
    """The validation report for `frame`: task, column summary, errors and warnings.

    With `correlation`, a column almost identical to the target is a leakage warning.
    """
    errors: list[Finding] = []
    warnings: list[Finding] = []
    task = None
    columns = list(frame.columns)
    if dataset.target not in frame.columns:
        errors.append(
            Finding(
                "target",
                f"column '{dataset.target}' (dataset.target) is missing; columns are {columns}",
                dataset.target,
            )
        )
    else:
        task, target_errors, target_warnings = check_target(frame, dataset, limits, model_task)
        errors += target_errors
        warnings += target_warnings
    errors += check_roles(frame, dataset, limits)
    warnings += check_columns(frame, dataset.target, limits)
    if task is not None and correlation is not None:
        for leak in find_leakage(frame, dataset.target, task, correlation):
            warnings.append(Finding("leakage", leak["message"], leak["column"]))
    summaries = {
        str(c): ColumnSummary(
            str(frame[c].dtype), int(frame[c].isna().sum()), int(frame[c].nunique(dropna=True))
        )
        for c in columns
    }
    return ValidationResult(
        dataset.name, len(frame), task, summaries, tuple(errors), tuple(warnings)
    )
