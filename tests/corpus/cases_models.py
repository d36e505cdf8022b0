"""Cases about the model and its preprocessing: a model without probabilities (the perceptron)
through the audits, the numeric scaling choices, an unknown scaling."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from corpus.runner import THROUGH_FAIRNESS, Case, csv_case, csv_overrides, table

from pipeline.io import read_json, read_pickle

THROUGH_TRAIN = ("ingest", "validate", "features", "train")


def perceptron_runs_right(folder: Path) -> None:
    metrics = read_json(folder / "reports/metrics.json")
    assert metrics["test/roc_auc"] > 0.9 and metrics["test/accuracy"] > 0.8
    assert not [key for key in metrics if "log_loss" in key or "brier_score" in key]
    fairness = read_json(folder / "reports/fairness.json")
    assert fairness["scores"] == "decision"
    groups = fairness["audits"]["sex"]["groups"]
    for group in groups.values():
        assert group["metrics"]["selection_rate"]["value"] is not None
        assert group["metrics"]["brier_score_loss"]["value"] is None


def scaler_of(folder: Path) -> object:
    numeric = read_pickle(folder / "models/model.pkl").named_steps["preprocess"]
    return dict(numeric.named_transformers_["numeric"].steps).get("scale")


def minmax_runs_right(folder: Path) -> None:
    scaler = scaler_of(folder)
    assert type(scaler).__name__ == "MinMaxScaler"
    train = pd.read_parquet(folder / "data/features/train.parquet")[["age", "hours"]]
    assert list(scaler.data_min_) == list(train.min()) and list(scaler.data_max_) == list(
        train.max()
    )
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9


def unscaled_runs_right(folder: Path) -> None:
    assert scaler_of(folder) is None


CASES = [
    Case(
        "perceptron_without_probabilities",
        csv_case(table()),
        csv_overrides("case.csv", "y", "[sex]", "model=perceptron"),
        stages=THROUGH_FAIRNESS,
        check=perceptron_runs_right,
    ),
    Case(
        "scale_minmax",
        csv_case(table()),
        csv_overrides("case.csv", "y", "[sex]", "features.scale=minmax"),
        stages=(*THROUGH_TRAIN, "evaluate"),
        check=minmax_runs_right,
    ),
    Case(
        "scale_none_is_a_word",
        csv_case(table()),
        csv_overrides("case.csv", "y", "[sex]", "features.scale=none"),
        stages=THROUGH_TRAIN,
        check=unscaled_runs_right,
    ),
    Case(
        "scale_unknown",
        csv_case(table()),
        csv_overrides("case.csv", "y", "[sex]", "features.scale=zscore"),
        stages=THROUGH_TRAIN,
        error=r"ConfigError: features\.scale is 'zscore'; set features\.scale to one of "
        r"standard, minmax, none",
    ),
]
