"""Stage `validate`: check the raw table before anything is fitted on it.

Errors stop the pipeline with one line naming the column and the fix; warnings go to the report.
"""

from __future__ import annotations

import pandas as pd

from pipeline.config import load_config
from pipeline.correlation.config import CorrelationConfig
from pipeline.data.checks import ValidationConfig, validate
from pipeline.errors import DataValidationError, run_stage
from pipeline.io import write_json
from pipeline.models.config import read_model


def main() -> None:
    config = load_config()
    frame = pd.read_parquet(config.paths.raw)
    limits = config.section(ValidationConfig, "validation")
    correlation = config.section(CorrelationConfig, "correlation")
    result = validate(frame, config.dataset, limits, read_model(config).task, correlation)
    write_json(config.paths.validation, result.to_json())
    for warning in result.warnings:
        where = f"'{warning.column}': " if warning.column else ""
        print(f"validate: warning: {where}{warning.message}")
    if result.errors:
        more = len(result.errors) - 1
        suffix = f" (and {more} more in {config.paths.validation})" if more else ""
        raise DataValidationError(result.errors[0].message + suffix)
    print(f"validate: {result.rows} rows, task {result.task}, passed")


if __name__ == "__main__":
    run_stage(main)
