"""The predictions file: a model's answers on the test split, written by `evaluate` and read by
`fairness` (and anything else that audits the model without running it again)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import DataValidationError
from pipeline.io import write_parquet

COLUMNS = ("y_true", "y_pred", "y_score")


@dataclass(frozen=True)
class Predictions:
    """Row by row: the true label (or value), the prediction, for binary tasks the positive
    class's score (a probability, or a decision value for a model without probabilities), and
    the rows' sensitive attributes (kept aside from the model's inputs) by name."""

    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None
    sensitive: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame({"y_true": self.y_true, "y_pred": self.y_pred})
        if self.y_score is not None:
            frame["y_score"] = self.y_score
        for column in self.sensitive.columns:
            frame[column] = self.sensitive[column].to_numpy()
        return frame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Predictions:
        score = frame["y_score"].to_numpy() if "y_score" in frame.columns else None
        sensitive = frame[[c for c in frame.columns if c not in COLUMNS]]
        return cls(frame["y_true"].to_numpy(), frame["y_pred"].to_numpy(), score, sensitive)

    def write(self, path: str | Path) -> None:
        write_parquet(path, self.to_frame())

    @classmethod
    def read(cls, path: str | Path) -> Predictions:
        frame = pd.read_parquet(path)
        if missing := [c for c in COLUMNS[:2] if c not in frame.columns]:
            raise DataValidationError(
                f"{path} has no column {missing[0]}; it is not a predictions file of this "
                "pipeline: re-run the evaluate stage (dvc repro evaluate)"
            )
        return cls.from_frame(frame)
