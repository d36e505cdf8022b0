"""The user's own CSV or Parquet file, with its options, and errors that name the fix."""

from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import DatasetConfig
from pipeline.data.table import load_table
from pipeline.errors import DataValidationError


def csv_config(path: Path, name: str = "csv", sha256: str | None = None, **options):
    """A `dataset=csv` config; keyword arguments other than the common keys are its options."""
    return DatasetConfig(
        name=name, source=str(path), target="y", task="auto", positive_label=None, sensitive=(),
        sha256=sha256, options={"path": str(path), "na_values": ["", "?", "NA"], **options},
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
    with pytest.raises(DataValidationError, match="set dataset.encoding"):
        load_table(csv_config(path))
    with pytest.raises(DataValidationError, match="SHA-256 is"):
        load_table(csv_config(path, encoding="latin-1", sha256="0" * 64))
