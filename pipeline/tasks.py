"""The task vocabulary: what a dataset's target is, and which kind of model fits it."""

from __future__ import annotations

TASKS = ("binary", "multiclass", "regression")  # a dataset's task (dataset.task, schema.task)
MODEL_TASKS = ("classification", "regression")  # a model's task (model.task)
Label = str | int | float | bool | None  # a target value as the config can name it


def model_task(task: str) -> str:
    """The kind of model a dataset's task needs: classification or regression."""
    return "regression" if task == "regression" else "classification"
