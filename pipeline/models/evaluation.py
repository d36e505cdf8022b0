"""The evaluate stage's result: metrics on both splits, the test predictions and the plot data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from pipeline.models.curves import curves
from pipeline.models.metrics import score
from pipeline.models.outputs import model_outputs, predictions
from pipeline.predictions import Predictions
from pipeline.schema import Schema

SPLITS = ("test", "train")
Value = float | int | None  # None (NaN before writing): undefined for this model or data


@dataclass(frozen=True)
class Metrics:
    """reports/metrics.json: `<split>/<metric>` to its value, a flat mapping so that
    `dvc metrics show` lists every metric (the row count `n_rows` is an integer)."""

    values: dict[str, Value]

    @property
    def names(self) -> list[str]:
        """The metric names without their split, sorted."""
        return sorted({key.split("/", 1)[1] for key in self.values})

    def value(self, split: str, name: str) -> Value:
        """A metric of one split; None when the task has no such metric."""
        return self.values.get(f"{split}/{name}")

    def to_json(self) -> dict[str, Value]:
        return dict(self.values)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Metrics:
        values: dict[str, Value] = {}
        for key, value in data.items():
            if value is not None and not isinstance(value, int | float):
                raise ValueError(f"metrics.json: {key} is {value!r}, not a number")
            values[str(key)] = value
        return cls(values)


def evaluate(
    model: Pipeline, train: pd.DataFrame, test: pd.DataFrame, schema: Schema
) -> tuple[Metrics, Predictions, dict[str, pd.DataFrame]]:
    """(metrics with namespaced names, test predictions, plot data)."""
    on_test = model_outputs(model, test, schema)
    values: dict[str, Value] = {f"test/{k}": v for k, v in score(on_test).items()}
    on_train = model_outputs(model, train, schema)
    values |= {f"train/{k}": v for k, v in score(on_train).items()}
    on_test_rows = predictions(on_test, test, schema)
    return Metrics(values), on_test_rows, curves(on_test_rows, schema)
