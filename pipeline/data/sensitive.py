"""Sensitive attributes checked before anything is fitted, so that the fairness audit at the end
has groups to compare: present, not the target, not empty, few enough groups (or binned by
fairness.bins)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.config import DatasetConfig
from pipeline.data.findings import Finding, ValidationConfig
from pipeline.fairness.groups import MISSING_GROUP
from pipeline.schema import is_categorical


def suggested_edges(values: pd.Series) -> list[float]:
    """The quartiles of numeric `values`, rounded to two significant digits, as example edges."""
    quartiles = np.quantile(values.dropna().to_numpy(dtype=float), [0.25, 0.5, 0.75])
    rounded = [
        0.0 if q == 0 else round(float(q), 1 - math.floor(math.log10(abs(q)))) for q in quartiles
    ]
    return sorted(set(rounded))


def check_levels(values: pd.Series, limits: ValidationConfig) -> Finding | None:
    """An error when unbinned sensitive `values` have more groups than the audit can compare."""
    levels = values.nunique(dropna=True)
    if levels <= limits.max_sensitive_levels:
        return None
    column = str(values.name)
    limit = f"validation.max_sensitive_levels={limits.max_sensitive_levels}"
    if is_categorical(values):
        fix = f"group its values in the source, or raise {limit}"
    else:
        edges = ", ".join(f"{edge:g}" for edge in suggested_edges(values))
        fix = f"bin it, e.g. set fairness.bins={{{column}: [{edges}]}}, or raise {limit}"
    return Finding(
        "sensitive",
        f"sensitive column '{column}' has {levels} distinct values, more than {limit}: groups "
        f"that small cannot be compared; {fix}",
        column,
    )


def check_sensitive(
    frame: pd.DataFrame,
    dataset: DatasetConfig,
    limits: ValidationConfig,
    bins: Mapping[str, Sequence[float]],
) -> tuple[list[Finding], list[Finding]]:
    """(errors, warnings) about each column of dataset.sensitive and about fairness.bins."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for column in dataset.sensitive:
        if column not in frame.columns:
            errors.append(
                Finding(
                    "sensitive",
                    f"sensitive column '{column}' (dataset.sensitive) is missing; "
                    f"columns are {list(frame.columns)}",
                    column,
                )
            )
            continue
        if column == dataset.target:
            errors.append(
                Finding(
                    "sensitive",
                    f"sensitive column '{column}' is the target (dataset.target): the audit "
                    "would compare groups that each hold one outcome; remove it from "
                    "dataset.sensitive",
                    column,
                )
            )
            continue
        values = frame[column]
        missing = int(values.isna().sum())
        if missing == len(values):
            errors.append(
                Finding(
                    "sensitive",
                    f"sensitive column '{column}' is missing in every row; fill it in the source "
                    "or remove it from dataset.sensitive",
                    column,
                )
            )
            continue
        if missing:
            warnings.append(
                Finding(
                    "sensitive",
                    f"{missing} rows ({missing / len(values):.1%}) have no value: the fairness "
                    f"audit reports them as the group '{MISSING_GROUP}' and leaves them out of "
                    "every disparity and verdict",
                    column,
                )
            )
        if column in bins:
            if is_categorical(values):
                errors.append(
                    Finding(
                        "sensitive",
                        f"fairness.bins bins '{column}', which is not numeric ({values.dtype}); "
                        "remove it from fairness.bins",
                        column,
                    )
                )
        elif (found := check_levels(values, limits)) is not None:
            errors.append(found)
    for column in bins:
        if column not in dataset.sensitive:
            errors.append(
                Finding(
                    "sensitive",
                    f"fairness.bins names '{column}', which is not in dataset.sensitive "
                    f"({', '.join(dataset.sensitive) or 'empty'}); add it there or remove it "
                    "from fairness.bins",
                    column,
                )
            )
    return errors, warnings


def check_quasi_identifiers(frame: pd.DataFrame, dataset: DatasetConfig) -> list[Finding]:
    """Errors about dataset.quasi_identifiers and their bands, found before anything is fitted
    (the privacy stage assesses them after training)."""
    errors = []
    quasi = dataset.quasi_identifiers
    for column in quasi:
        if column not in frame.columns:
            errors.append(Finding("quasi_identifier", (
                f"quasi-identifier '{column}' (dataset.quasi_identifiers) is missing; columns are "
                f"{list(frame.columns)}: name one of them or remove it"), column))  # fmt: skip
    for column in dataset.quasi_identifier_bands or {}:
        if column not in quasi:
            errors.append(Finding("quasi_identifier", (
                f"dataset.quasi_identifier_bands names '{column}', which is not in "
                "dataset.quasi_identifiers; add it there or remove its bands"),
                column))  # fmt: skip
        elif column in frame.columns and is_categorical(frame[column]):
            errors.append(Finding("quasi_identifier", (
                f"dataset.quasi_identifier_bands bands '{column}', which is not numeric "
                f"({frame[column].dtype}); remove its bands to use its values as they are"),
                column))  # fmt: skip
    return errors
