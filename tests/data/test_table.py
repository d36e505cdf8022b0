"""The user's own CSV or Parquet file, with its options, and errors that name the fix."""

import codecs
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.config import DatasetConfig
from pipeline.data.table import load_table
from pipeline.errors import ConfigError, DataValidationError


def csv_config(
    path: Path, name: str = "csv", sha256: str | None = None, sensitive: tuple[str, ...] = (),
    **options,
):  # fmt: skip
    """A `dataset=csv` config; keyword arguments other than the common keys are its options."""
    return DatasetConfig(
        name=name, source=str(path), target="y", task="auto", positive_label=None,
        sensitive=sensitive, sha256=sha256,
        options={"path": str(path), "na_values": ["", "?", "NA"], **options},
    )  # fmt: skip


def test_csv_with_delimiter_encoding_and_missing_markers(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_bytes("città;x;y\nRoma;1,5;a\n?;2;b\nNA;;a\n".encode("latin-1"))
    loaded = load_table(csv_config(path, delimiter=";", encoding="latin-1"))
    assert list(loaded.frame.columns) == ["città", "x", "y"]
    assert loaded.frame["città"].isna().sum() == 2
    assert loaded.frame["x"].isna().sum() == 1


def test_parquet_is_read_by_extension(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]})
    frame.to_parquet(tmp_path / "mine.parquet")
    loaded = load_table(csv_config(tmp_path / "mine.parquet"))
    pd.testing.assert_frame_equal(loaded.frame, frame)


def test_csv_errors_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"dataset.path '.*nope.csv' does not exist"):
        load_table(csv_config(tmp_path / "nope.csv"))
    path = tmp_path / "latin.csv"
    path.write_bytes("a,y\ncittà,1\n".encode("latin-1"))
    with pytest.raises(DataValidationError, match="set dataset.encoding=cp1252"):
        load_table(csv_config(path))
    with pytest.raises(DataValidationError, match="SHA-256 is"):
        load_table(csv_config(path, encoding="latin-1", sha256="0" * 64))


def test_comma_decimals_and_thousands_read_as_the_same_numbers(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(0, 1e4, 50).round(3), "y": rng.choice(["a", "b"], 50)})
    european = tmp_path / "eu.csv"
    lines = ["x;y", *(f"{x:_.3f};{y}".replace(".", ",").replace("_", ".") for x, y in
                     zip(frame["x"], frame["y"], strict=True))]  # fmt: skip
    european.write_text("\n".join(lines) + "\n")
    loaded = load_table(csv_config(european, delimiter=";", decimal=",", thousands="."))
    assert loaded.frame["x"].dtype == "float64"
    np.testing.assert_array_equal(loaded.frame["x"].to_numpy(), frame["x"].to_numpy())
    plain = load_table(csv_config(european, delimiter=";"))
    assert not pd.api.types.is_numeric_dtype(plain.frame["x"])  # what the options are for


def test_number_marks_must_be_distinct_single_characters(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("x,y\n1,a\n")
    with pytest.raises(ConfigError, match="dataset.delimiter=',', dataset.decimal=',' share"):
        load_table(csv_config(path, decimal=","))
    with pytest.raises(ConfigError, match="dataset.thousands is '..'; set it to a single"):
        load_table(csv_config(path, thousands=".."))


def test_a_utf8_mark_is_dropped_and_gzip_is_read_by_suffix(tmp_path: Path) -> None:
    text = "name,y\nJosé,1\n"
    marked = tmp_path / "bom.csv"
    marked.write_bytes(codecs.BOM_UTF8 + text.encode())
    assert list(load_table(csv_config(marked)).frame.columns) == ["name", "y"]
    packed = tmp_path / "mine.csv.gz"
    packed.write_bytes(gzip.compress(codecs.BOM_UTF8 + text.encode()))
    frame = load_table(csv_config(packed)).frame
    assert list(frame.columns) == ["name", "y"] and frame["name"].tolist() == ["José"]


def test_header_and_byte_problems_stop_before_pandas_renames(tmp_path: Path) -> None:
    cases = {
        b"a,b,a\n1,2,3\n": "column name 'a' appears twice",
        b"a,b\n0,1,2\n1,3,4\n": "names 2 columns but its first row has 3 fields",
        "a,y\n1,2\n".encode("utf-16-le"): "set dataset.encoding=utf-16-le",
    }
    for content, message in cases.items():
        path = tmp_path / "f.csv"
        path.write_bytes(content)
        with pytest.raises(DataValidationError, match=message):
            load_table(csv_config(path))


def test_markers_that_hide_sensitive_categories_are_warned(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("country,other,y\nNA,NA,1\nDE,?,0\nNA,x,1\n")
    loaded = load_table(csv_config(path, sensitive=("country", "absent")))
    assert loaded.frame["country"].isna().sum() == 2  # read as configured, and said so
    assert loaded.warnings == (
        "sensitive column 'country': 2 cells 'NA' read as missing by dataset.na_values; if "
        "'NA' is a category, remove it from dataset.na_values",
    )
    assert load_table(csv_config(path, na_values=[""], sensitive=("country",))).warnings == ()
