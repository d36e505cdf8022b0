"""The validate stage's checks on the raw table, before anything is fitted on it.

Errors stop the pipeline with one line naming the column and the fix; warnings go to the report
(reports/validation.json, typed as `ValidationResult`). The checks of one kind live beside this
module: the target (target.py), spelling variants (labels.py), numbers read as text
(text_numbers.py), sensitive attributes (sensitive.py), constant columns and the bounds that keep
hundreds of columns' warnings short (wide.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.config import DatasetConfig
from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.leakage import find_leakage
from pipeline.data.findings import ColumnSummary, Finding, ValidationConfig, ValidationResult
from pipeline.data.labels import check_spelling
from pipeline.data.sensitive import check_quasi_identifiers, check_sensitive
from pipeline.data.target import check_target
from pipeline.data.text_numbers import numbers_as_text
from pipeline.data.wide import (
    Counts,
    column_counts,
    constant_findings,
    duplicate_fraction,
    summarise,
)
from pipeline.fairness.config import FairnessConfig
from pipeline.schema import is_categorical

__all__ = ["ColumnSummary", "Finding", "ValidationConfig", "ValidationResult", "validate"]


def check_columns(
    frame: pd.DataFrame, target: str, limits: ValidationConfig, counts: dict[str, Counts]
) -> list[Finding]:
    """Warnings about single columns and about the rows as a whole; `counts` by column."""
    warnings = []
    for column in frame.columns:
        values = frame[column]
        missing = values.isna().mean()
        if missing > limits.max_missing_fraction:
            warnings.append(Finding("missing", f"{missing:.1%} of values are missing", column))
        numbers = numbers_as_text(values, limits.min_number_share)
        if numbers is not None:
            warnings.append(numbers)
        n_unique = counts[column].unique
        if column == target:
            continue
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
    warnings += constant_findings(counts, target)
    duplicates = duplicate_fraction(frame)
    if duplicates > limits.max_duplicate_fraction:
        warnings.append(Finding("duplicates", f"{duplicates:.1%} of rows are exact duplicates"))
    return warnings


# Larger magnitudes overflow to infinity when squared (variances, scaling, distances).
MAX_MAGNITUDE = 1e150


def check_finite(frame: pd.DataFrame, dataset: DatasetConfig) -> list[Finding]:
    """An error for each numeric column with inf or -inf, which no model or metric can use, or
    with values so large that their squares overflow."""
    errors = []
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_float_dtype(values):
            continue
        infinite = int(np.isinf(values.to_numpy(dtype=float, na_value=np.nan)).sum())
        if infinite:
            role = "target" if column == dataset.target else "column"
            errors.append(
                Finding(
                    "finite",
                    f"{role} '{column}' has {infinite} infinite values (inf or -inf); replace "
                    "them in the source, or mark them missing (for a CSV, add the tokens to "
                    "dataset.na_values)",
                    str(column),
                )
            )
            continue
        largest = float(np.nanmax(np.abs(values.to_numpy(dtype=float, na_value=np.nan)), initial=0))
        if largest > MAX_MAGNITUDE:
            errors.append(
                Finding(
                    "finite",
                    f"column '{column}' has values as large as {largest:.3g}, beyond "
                    f"{MAX_MAGNITUDE:g}, where variances and distances overflow; rescale it in "
                    "the source (e.g. its logarithm, or another unit)",
                    str(column),
                )
            )
    return errors


def check_table(
    frame: pd.DataFrame, dataset: DatasetConfig, limits: ValidationConfig
) -> list[Finding]:
    """Errors about the table as a whole: the number of rows, any feature left."""
    errors = []
    if len(frame) < limits.min_rows:
        errors.append(
            Finding("rows", f"{len(frame)} rows, fewer than validation.min_rows={limits.min_rows}")
        )
    if len(set(frame.columns) - {dataset.target, *dataset.sensitive}) == 0:
        errors.append(Finding("features", "no column is left to use as a feature"))
    return errors


def validate(
    frame: pd.DataFrame,
    dataset: DatasetConfig,
    limits: ValidationConfig,
    model_task: str,
    correlation: CorrelationConfig | None = None,
    fairness: FairnessConfig | None = None,
) -> ValidationResult:
    """The validation report for `frame`: task, positive class, column summary, errors, warnings.

    With `correlation`, a column almost identical to the target is a leakage warning (not looked
    for when a column holds infinities: its associations are not defined). `fairness`
    gives the bins of sensitive attributes and which audits name metrics (default: every
    attribute of dataset.sensitive and their combination, none binned).
    """
    errors: list[Finding] = []
    warnings: list[Finding] = []
    task = positive = None
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
        target = check_target(frame, dataset, limits, model_task)
        task, positive = target.task, target.positive_label
        errors += target.errors
        warnings += target.warnings
    sensitive_errors, sensitive_warnings = check_sensitive(
        frame, dataset, limits, (fairness.bins if fairness else None) or {}
    )
    spelling_errors, spelling_warnings = check_spelling(frame, dataset)
    errors += sensitive_errors + spelling_errors + check_quasi_identifiers(frame, dataset)
    infinite = check_finite(frame, dataset)
    errors += infinite + check_table(frame, dataset, limits)
    counts = {column: column_counts(frame[column]) for column in columns}
    warnings += (
        sensitive_warnings
        + spelling_warnings
        + check_columns(frame, dataset.target, limits, counts)
    )
    if task is not None and correlation is not None and not infinite:
        for leak in find_leakage(frame, dataset.target, task, correlation):
            warnings.append(Finding("leakage", leak["message"], leak["column"]))
    summaries = {
        str(c): ColumnSummary(str(frame[c].dtype), int(frame[c].isna().sum()), counts[c].unique)
        for c in columns
    }
    return ValidationResult(
        dataset.name, len(frame), task, summaries, tuple(errors), tuple(summarise(warnings)),
        positive,
    )  # fmt: skip
