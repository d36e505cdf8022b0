"""The target column: the task it supports, its positive class, and its classes' sizes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline import tasks
from pipeline.config import DatasetConfig
from pipeline.data.findings import Finding, ValidationConfig
from pipeline.data.labels import FIX, describe, spelling_variants
from pipeline.errors import DataValidationError
from pipeline.schema import binary_labels, resolve_task
from pipeline.tasks import Label


@dataclass
class TargetCheck:
    """What the target supports (task None when it cannot be resolved), and what is wrong."""

    task: str | None = None
    positive_label: Label = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


def check_target(
    frame: pd.DataFrame, dataset: DatasetConfig, limits: ValidationConfig, model_task: str
) -> TargetCheck:
    """Resolve the task and the positive class, and check the target column."""
    found = TargetCheck()
    name = dataset.target
    target = frame[name]
    missing = int(target.isna().sum())
    if missing == len(frame):
        found.errors.append(Finding("target", "every value of the target is missing", name))
        return found
    if missing:
        found.warnings.append(
            Finding("target", f"{missing} rows have no target and will be dropped", name)
        )
    variants = spelling_variants(target)
    if variants:  # the classes below would be wrong: say only this
        found.errors.append(
            Finding(
                "spelling",
                f"target '{name}' has labels that differ only in case or spaces and would count "
                f"as different classes: {describe(variants)}; {FIX}",
                name,
            )
        )
        return found
    try:
        task = resolve_task(target, dataset.task)
        if task == "binary":
            found.positive_label = binary_labels(target, dataset.positive_label)[1]
    except DataValidationError as error:
        found.errors.append(Finding("task", str(error), name))
        return found
    found.task = task
    if tasks.model_task(task) != model_task:
        found.errors.append(
            Finding(
                "model",
                f"the data is a {task} task but the model is for {model_task}; "
                f"choose a {tasks.model_task(task)} model, e.g. -S model="
                + ("ridge" if task == "regression" else "hist_gradient_boosting"),
            )
        )
    if task != "regression":
        check_classes(target, limits, found)
    return found


def check_classes(target: pd.Series, limits: ValidationConfig, found: TargetCheck) -> None:
    """Classes too rare for a stratified split (errors), or rare enough to mislead (warnings)."""
    counts = target.value_counts()
    rare = counts[counts < limits.min_class_count]
    if len(rare):
        found.errors.append(
            Finding(
                "classes",
                f"class {rare.index[0]!r} has {int(rare.iloc[0])} rows, fewer than "
                f"validation.min_class_count={limits.min_class_count}; merge or drop rare "
                "classes",
                str(target.name),
            )
        )
    minority = counts.min() / counts.sum()
    if minority < limits.min_minority_fraction:
        found.warnings.append(
            Finding(
                "imbalance",
                f"the rarest class {counts.idxmin()!r} is {minority:.1%} of rows: "
                "accuracy is misleading, read balanced accuracy and recall",
                str(target.name),
            )
        )
