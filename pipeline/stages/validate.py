"""Stage `validate`: check the raw table before anything is fitted on it.

Errors stop the pipeline with one line naming the column and the fix; warnings go to the report.
"""

from __future__ import annotations

import pandas as pd

from pipeline.config import DatasetConfig, ValidationConfig, load_config
from pipeline.errors import DataValidationError, run_stage
from pipeline.io import write_json
from pipeline.schema import binary_labels, resolve_task
from pipeline.stages.correlation import CorrelationConfig, find_leakage

MODEL_TASKS = {
    "binary": "classification",
    "multiclass": "classification",
    "regression": "regression",
}


def finding(check: str, message: str, column: str | None = None) -> dict:
    return {"check": check, "column": column, "message": message}


def check_target(
    frame: pd.DataFrame, dataset: DatasetConfig, limits: ValidationConfig, model_task: str
) -> tuple[str | None, list[dict], list[dict]]:
    """Resolve the task and check the target column; returns (task, errors, warnings)."""
    errors: list[dict] = []
    warnings: list[dict] = []
    target = frame[dataset.target]
    missing = int(target.isna().sum())
    if missing == len(frame):
        return None, [finding("target", "every value of the target is missing", dataset.target)], []
    if missing:
        warnings.append(
            finding("target", f"{missing} rows have no target and will be dropped", dataset.target)
        )
    try:
        task = resolve_task(target, dataset.task)
        if task == "binary":
            binary_labels(target, dataset.positive_label)
    except DataValidationError as error:
        return None, [finding("task", str(error), dataset.target)], warnings
    if MODEL_TASKS[task] != model_task:
        errors.append(
            finding(
                "model",
                f"the data is a {task} task but the model is for {model_task}; "
                f"choose a {MODEL_TASKS[task]} model, e.g. -S model="
                + ("ridge" if task == "regression" else "hist_gradient_boosting"),
            )
        )
    if task != "regression":
        counts = target.value_counts()
        rare = counts[counts < limits.min_class_count]
        if len(rare):
            errors.append(
                finding(
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
                finding(
                    "imbalance",
                    f"the rarest class {counts.idxmin()!r} is {minority:.1%} of rows: "
                    "accuracy is misleading, read balanced accuracy and recall",
                    dataset.target,
                )
            )
    return task, errors, warnings


def check_columns(frame: pd.DataFrame, target: str, limits: ValidationConfig) -> list[dict]:
    """Warnings about single columns and about the rows as a whole."""
    warnings = []
    for column in frame.columns:
        values = frame[column]
        missing = values.isna().mean()
        if missing > limits.max_missing_fraction:
            warnings.append(finding("missing", f"{missing:.1%} of values are missing", column))
        n_unique = values.nunique(dropna=True)
        if column == target:
            continue
        if n_unique <= 1:
            warnings.append(finding("constant", "the column has a single value", column))
        categorical = not pd.api.types.is_numeric_dtype(values)
        if categorical and n_unique > limits.max_categories:
            warnings.append(
                finding(
                    "cardinality",
                    f"{n_unique} categories; rare ones are grouped by features.min_frequency",
                    column,
                )
            )
        if (categorical or pd.api.types.is_integer_dtype(values)) and n_unique == len(frame) > 1:
            warnings.append(
                finding("identifier", "every value is distinct: an identifier? drop it", column)
            )
    duplicates = frame.duplicated().mean() if len(frame) else 0.0
    if duplicates > limits.max_duplicate_fraction:
        warnings.append(finding("duplicates", f"{duplicates:.1%} of rows are exact duplicates"))
    return warnings


def validate(
    frame: pd.DataFrame,
    dataset: DatasetConfig,
    limits: ValidationConfig,
    model_task: str,
    correlation: CorrelationConfig | None = None,
) -> dict:
    """The validation report for `frame`: task, column summary, errors and warnings.

    With `correlation`, a column almost identical to the target is a leakage warning.
    """
    errors: list[dict] = []
    warnings: list[dict] = []
    task = None
    columns = list(frame.columns)
    if dataset.target not in frame.columns:
        errors.append(
            finding(
                "target",
                f"column '{dataset.target}' (dataset.target) is missing; columns are {columns}",
                dataset.target,
            )
        )
    else:
        task, target_errors, target_warnings = check_target(frame, dataset, limits, model_task)
        errors += target_errors
        warnings += target_warnings
    for column in dataset.sensitive:
        if column not in frame.columns:
            errors.append(
                finding(
                    "sensitive",
                    f"sensitive column '{column}' (dataset.sensitive) is missing; "
                    f"columns are {columns}",
                    column,
                )
            )
    if len(frame) < limits.min_rows:
        errors.append(
            finding("rows", f"{len(frame)} rows, fewer than validation.min_rows={limits.min_rows}")
        )
    if len(set(columns) - {dataset.target, *dataset.sensitive}) == 0:
        errors.append(finding("features", "no column is left to use as a feature"))
    warnings += check_columns(frame, dataset.target, limits)
    if task is not None and correlation is not None:
        for leak in find_leakage(frame, dataset.target, task, correlation):
            warnings.append(finding("leakage", leak["message"], leak["column"]))
    return {
        "dataset": dataset.name,
        "rows": len(frame),
        "task": task,
        "columns": {
            str(c): {
                "dtype": str(frame[c].dtype),
                "missing": int(frame[c].isna().sum()),
                "unique": int(frame[c].nunique(dropna=True)),
            }
            for c in columns
        },
        "errors": errors,
        "warnings": warnings,
        "status": "failed" if errors else "passed",
    }


def main() -> None:
    config = load_config()
    frame = pd.read_parquet(config.paths.raw)
    correlation = config.section(CorrelationConfig, "correlation")
    report = validate(frame, config.dataset, config.validation, config.model.task, correlation)
    write_json(config.paths.validation, report)
    for warning in report["warnings"]:
        where = f"'{warning['column']}': " if warning["column"] else ""
        print(f"validate: warning: {where}{warning['message']}")
    if report["errors"]:
        first = report["errors"][0]["message"]
        more = len(report["errors"]) - 1
        suffix = f" (and {more} more in {config.paths.validation})" if more else ""
        raise DataValidationError(first + suffix)
    print(f"validate: {report['rows']} rows, task {report['task']}, passed")


if __name__ == "__main__":
    run_stage(main)
