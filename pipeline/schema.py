"""The contract between the features stage and every later one: which column plays which role."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import DataValidationError
from pipeline.io import read_json, write_json
from pipeline.tasks import TASKS, Label

MAX_CLASSES = 100
MIN_REGRESSION_VALUES = 20


@dataclass(frozen=True)
class Schema:
    task: str  # binary, multiclass or regression
    target: str
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    sensitive: tuple[str, ...]
    classes: tuple[Label, ...]  # model classes in order; binary: (0, 1)
    labels: tuple[Label, ...]  # original labels of `classes`; binary: (negative, positive)

    @property
    def features(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @property
    def positive_label(self) -> Label:
        return self.labels[1] if self.task == "binary" else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Schema:
        return cls(
            task=str(data["task"]),
            target=str(data["target"]),
            numeric=tuple(data["numeric"]),
            categorical=tuple(data["categorical"]),
            sensitive=tuple(data["sensitive"]),
            classes=tuple(data["classes"]),
            labels=tuple(data["labels"]),
        )


def is_categorical(values: pd.Series) -> bool:
    """Whether a column holds categories rather than quantities: anything not numeric, and
    booleans (two levels, not a magnitude). The one definition every stage uses."""
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def resolve_task(target: pd.Series, declared: str) -> str:
    """The task the target supports; `declared` wins unless it is `auto`."""
    values = target.dropna()
    n_unique = values.nunique()
    numeric = not is_categorical(values)
    if declared == "auto":
        if n_unique == 2:
            declared = "binary"
        elif numeric and (n_unique > MIN_REGRESSION_VALUES or not (values == values.round()).all()):
            declared = "regression"
        else:
            declared = "multiclass"
    if n_unique < 2 and declared != "regression":
        only = f"the single value {values.iloc[0]!r}" if n_unique else "no value"
        raise DataValidationError(
            f"target '{target.name}' has {only}: there is nothing to classify; check "
            "dataset.target, or filter the source less"
        )
    if declared == "binary" and n_unique != 2:
        raise DataValidationError(
            f"target '{target.name}' has {n_unique} distinct values, not 2, but dataset.task is "
            "binary; set dataset.task=multiclass or regression"
        )
    if declared == "multiclass" and not 2 < n_unique <= MAX_CLASSES:
        raise DataValidationError(
            f"target '{target.name}' has {n_unique} distinct values; multiclass needs 3 to "
            f"{MAX_CLASSES}: set dataset.task=binary or regression"
        )
    if declared == "regression" and not numeric:
        raise DataValidationError(
            f"target '{target.name}' is not numeric, so it cannot be a regression target; "
            "set dataset.task=binary or multiclass"
        )
    assert declared in TASKS
    return declared


def sorted_labels(values: list[Any]) -> list[Any]:
    """Distinct labels in order: numbers (and booleans) by value, text as text; a mix of types
    that cannot be compared, as text."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def binary_labels(target: pd.Series, positive_label: Label) -> tuple[Label, Label]:
    """(negative, positive) original labels; the positive defaults to the larger of the two sorted
    labels: 10 over 9, 1.0 over 0.0, True over False, 'yes' over 'no'."""
    values = sorted_labels(target.dropna().unique().tolist())
    if positive_label is None:
        return values[0], values[1]
    for value in values:
        if value == positive_label or str(value) == str(positive_label):
            (other,) = [v for v in values if v is not value]
            return other, value
    raise DataValidationError(
        f"dataset.positive_label {positive_label!r} is not a value of '{target.name}' "
        f"(values: {values}); set dataset.positive_label to one of them"
    )


def write_schema(path: str | Path, schema: Schema) -> None:
    write_json(path, schema.to_json())


def read_schema(path: str | Path) -> Schema:
    return Schema.from_json(read_json(path))
