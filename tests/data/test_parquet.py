"""Parquet columns keep a type the pipeline uses right, or stop with the fix."""

import datetime
import decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.data.parquet import read_parquet
from pipeline.errors import DataValidationError


def write(tmp_path: Path, **columns: pa.Array) -> Path:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def test_decimal_columns_become_float64(tmp_path: Path) -> None:
    values = ["1.25", "-3.10", None, "123456.789"]
    array = pa.array(
        [None if v is None else decimal.Decimal(v) for v in values], pa.decimal128(12, 3)
    )
    frame = read_parquet(write(tmp_path, d=array, t=pa.array(["a", "b", "c", "d"])))
    expected = [np.nan if v is None else float(decimal.Decimal(v)) for v in values]
    assert frame["d"].dtype == "float64"
    np.testing.assert_array_equal(frame["d"].to_numpy(), expected)
    assert pd.api.types.is_string_dtype(frame["t"].dtype)


def test_dictionary_text_is_read(tmp_path: Path) -> None:
    frame = read_parquet(write(tmp_path, c=pa.array(["x", "y", "x"]).dictionary_encode()))
    assert frame["c"].astype(str).tolist() == ["x", "y", "x"]


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (pa.array([{"a": 1}, {"a": 2}]), r"'n' .* is nested \(struct<a: int64>\); flatten it"),
        (pa.array([[1, 2], [3]]), r"is nested \(list<element: int64>\); flatten it"),
        (pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int64())), r"nested \(map<"),
        (pa.array([b"\x00\x01", b"x"]), r"raw bytes \(binary\).*decode it to text or drop it"),
        (
            pa.array([datetime.date(2020, 1, 1)] * 2),
            r"date32\[day\] column.*convert it to a number",
        ),
        (pa.array([datetime.datetime(2020, 1, 1)] * 2), r"timestamp\[us\] column"),
    ],
)
def test_columns_that_would_become_text_stop(tmp_path: Path, array: pa.Array, message: str) -> None:
    with pytest.raises(DataValidationError, match=message):
        read_parquet(write(tmp_path, x=pa.array([1, 2]), n=array))


def test_header_problems_and_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["a", "a"]), path)
    with pytest.raises(DataValidationError, match="column name 'a' appears twice"):
        read_parquet(path)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 truncated")
    with pytest.raises(DataValidationError, match="cannot be read as Parquet"):
        read_parquet(bad)
