"""Stage `ingest`: load the configured dataset, record where it came from, write it as Parquet."""

from __future__ import annotations

import pandas as pd

from pipeline import datasets
from pipeline.config import load_config
from pipeline.errors import DataValidationError, run_stage
from pipeline.io import sha256_file, write_json, write_parquet


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names as strings; text columns as pandas strings, so Parquet keeps one type each."""
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    if frame.columns.duplicated().any():
        duplicated = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise DataValidationError(f"duplicate column names {duplicated}; rename them in the source")
    for column in frame.columns:
        if frame[column].dtype == object or isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("str")
    return frame.reset_index(drop=True)


def provenance(loaded: datasets.Loaded, name: str, frame: pd.DataFrame) -> dict:
    return {
        "dataset": name,
        "source": loaded.source,
        "license": loaded.license,
        "source_sha256": loaded.files,
        "rows": len(frame),
        "columns": len(frame.columns),
    }


def main() -> None:
    config = load_config()
    loaded = datasets.load(config.dataset, config.seed)
    frame = normalise(loaded.frame)
    write_parquet(config.paths.raw, frame)
    record = provenance(loaded, config.dataset.name, frame)
    record["data_sha256"] = sha256_file(config.paths.raw)
    write_json(config.paths.provenance, record)
    print(f"ingest: {config.dataset.name}: {len(frame)} rows x {len(frame.columns)} columns")


if __name__ == "__main__":
    run_stage(main)
