"""The raw table as ingest writes it: one type per column, so that Parquet stores it plainly."""

from __future__ import annotations

import pandas as pd

from pipeline.errors import DataValidationError


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
