"""The predictions file: one type for the writer (evaluate) and the readers (fairness)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import DataValidationError
from pipeline.predictions import Predictions


def test_round_trip_keeps_columns_order_and_types(tmp_path: Path) -> None:
    sensitive = pd.DataFrame({"sex": ["f", "m", None], "age group": [1, 2, 3]})
    written = Predictions(np.array([0, 1, 1]), np.array([0, 1, 0]), np.array([0.1, 0.9, 0.4]),
                          sensitive)  # fmt: skip
    written.write(tmp_path / "p.parquet")
    frame = pd.read_parquet(tmp_path / "p.parquet")
    assert list(frame.columns) == ["y_true", "y_pred", "y_score", "sex", "age group"]
    read = Predictions.read(tmp_path / "p.parquet")
    np.testing.assert_array_equal(read.y_score, written.y_score)
    pd.testing.assert_frame_equal(read.sensitive, sensitive)


def test_without_scores_and_without_sensitive_columns(tmp_path: Path) -> None:
    Predictions(np.array([1.5]), np.array([1.0]), None, pd.DataFrame()).write(tmp_path / "p.pq")
    read = Predictions.read(tmp_path / "p.pq")
    assert read.y_score is None and list(read.sensitive.columns) == []


def test_a_file_that_is_not_a_predictions_file_is_named(tmp_path: Path) -> None:
    pd.DataFrame({"label": [1]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(
        DataValidationError, match=r"other.parquet has no column y_true; .*evaluate"
    ):
        Predictions.read(tmp_path / "other.parquet")
