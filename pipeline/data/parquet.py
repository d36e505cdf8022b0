"""A user's Parquet file, read so that every column keeps a type the pipeline uses right:
Decimal columns become float64; nested, binary and temporal columns, which would silently turn
into text, stop with the fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.data.header import header_problem
from pipeline.errors import DataValidationError, first_line


def column_problem(name: str, kind: pa.DataType, path: Path) -> str | None:
    """Why a column of Arrow type `kind` cannot be used as it is, with the fix; None if it can."""
    if pa.types.is_dictionary(kind):
        return column_problem(name, kind.value_type, path)
    nested = (
        pa.types.is_struct(kind)
        or pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_fixed_size_list(kind)
        or pa.types.is_map(kind)
        or pa.types.is_union(kind)
    )
    if nested:
        return (
            f"column {name!r} of {path} is nested ({kind}); flatten it into plain columns of "
            "numbers or text (e.g. with pandas.json_normalize) and write the file again"
        )
    binary = (
        pa.types.is_binary(kind) or pa.types.is_large_binary(kind)
        or pa.types.is_fixed_size_binary(kind)
    )  # fmt: skip
    if binary:
        return (
            f"column {name!r} of {path} holds raw bytes ({kind}), which would be read as text; "
            "decode it to text or drop it, and write the file again"
        )
    temporal = (
        pa.types.is_date(kind)
        or pa.types.is_time(kind)
        or pa.types.is_timestamp(kind)
        or pa.types.is_duration(kind)
        or pa.types.is_interval(kind)
    )
    if temporal:
        return (
            f"column {name!r} of {path} is a {kind} column, which the models cannot use as it "
            "is (each distinct time would become a category); convert it to a number (e.g. "
            "the year, or days since a date) or to text, or drop it, and write the file again"
        )
    return None


def read_parquet(path: Path) -> pd.DataFrame:
    """The Parquet file as a frame, after checking its schema; Decimal columns as float64."""
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as error:
        raise DataValidationError(
            f"{path} cannot be read as Parquet: {first_line(error)}; write it again "
            "(e.g. pandas.DataFrame.to_parquet) or give a CSV file"
        ) from None
    names = [n for n in schema.names if not n.startswith("__index_level_")]
    problem = header_problem(names, str(path))
    if problem is not None:
        raise DataValidationError(problem)
    decimals = []
    for field in schema:
        problem = column_problem(field.name, field.type, path)
        if problem is not None:
            raise DataValidationError(problem)
        if pa.types.is_decimal(field.type):
            decimals.append(field.name)
    frame = pd.read_parquet(path)
    for name in decimals:
        frame[name] = frame[name].astype("float64")
    return frame
