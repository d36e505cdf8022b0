"""Stage `validate`: check the raw table before anything is fitted on it.

Errors stop the pipeline with one line naming the column and the fix; warnings go to the report.
"""

from __future__ import annotations

import pandas as pd

from pipeline.config import load_config
from pipeline.correlation.config import CorrelationConfig
from pipeline.data.checks import ValidationConfig, validate
from pipeline.errors import DataValidationError, run_stage
from pipeline.fairness.config import FairnessConfig
from pipeline.io import write_json
from pipeline.models.config import read_model


def main() -> None:
    config = load_config()
    frame = pd.read_parquet(config.paths.raw)
    limits = config.section(ValidationConfig, "validation")
    correlation = config.section(CorrelationConfig, "correlation")
    fairness = config.section(FairnessConfig, "fairness")
    model_task = read_model(config).task
    result = validate(frame, config.dataset, limits, model_task, correlation, fairness)
    write_json(config.paths.validation, result.to_json())
    for warning in result.warnings:
        where = f"'{warning.column}': " if warning.column else ""
        print(f"validate: warning: {where}{warning.message}")
    if result.positive_label is not None:
        print(
            f"validate: binary target '{config.dataset.target}': positive class "
            f"{result.positive_label!r} (dataset.positive_label)"
        )
    if result.errors:
        more = len(result.errors) - 1
        suffix = f" (and {more} more in {config.paths.validation})" if more else ""
        raise DataValidationError(result.errors[0].message + suffix)
    print(f"validate: {result.rows} rows, task {result.task}, passed")


if __name__ == "__main__":
    run_stage(main)
