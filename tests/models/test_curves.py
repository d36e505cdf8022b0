"""Plot data: thinned to a readable size, calibration only for probabilities."""

import numpy as np
import pandas as pd

from pipeline.models.curves import curves, thin
from pipeline.predictions import Predictions
from pipeline.schema import Schema

SCHEMA = Schema(
    task="binary", target="y", numeric=("x",), categorical=("c",), sensitive=("s",),
    classes=(0, 1), labels=("no", "yes"),
)  # fmt: skip


def test_thin_keeps_ends_and_limit() -> None:
    data = pd.DataFrame({"v": np.arange(5000)})
    thinned = thin(data, 100)
    assert len(thinned) == 100 and thinned["v"].iloc[0] == 0 and thinned["v"].iloc[-1] == 4999
    assert thin(data.head(50), 100).equals(data.head(50))


def test_curves_need_probabilities_for_calibration() -> None:
    predictions = pd.DataFrame({"y_true": [0, 1, 0, 1], "y_pred": [0, 1, 1, 1],
                                "y_score": [-2.0, 1.5, 0.2, 3.0]})  # fmt: skip
    assert "calibration.csv" not in curves(Predictions.from_frame(predictions), SCHEMA)
