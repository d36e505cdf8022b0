"""The evaluate stage's main(): metrics, predictions and plot data, read back through the types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig
from pipeline.data.sample import sample_rows
from pipeline.io import read_json, read_pickle
from pipeline.models.baselines import fit_baselines
from pipeline.models.metrics import score
from pipeline.models.outputs import model_outputs
from pipeline.models.result import Metrics
from pipeline.predictions import Predictions
from pipeline.schema import read_schema

pytestmark = pytest.mark.slow


def test_main_writes_metrics_predictions_and_plots(stages, capsys) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=1000", "model=logistic_regression"],
        ["ingest", "features", "train", "evaluate"],
    )
    metrics = Metrics.from_json(read_json(folder / "reports/metrics.json"))
    predictions = Predictions.read(folder / "data/predictions/test.parquet")
    model = read_pickle(folder / "models/model.pkl")
    schema = read_schema(folder / "data/features/schema.json")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    np.testing.assert_array_equal(predictions.y_pred, model.predict(test[schema.features]))
    assert predictions.y_score is not None and list(predictions.sensitive.columns) == ["group"]
    assert metrics.value("test", "n_rows") == 250 and metrics.value("train", "n_rows") == 750
    assert "roc_auc" in metrics.names and "r2" not in metrics.names
    plots = sorted(p.name for p in (folder / "reports/plots/evaluate").iterdir())
    assert plots == ["calibration.csv", "confusion.csv", "precision_recall.csv", "roc.csv"]
    out = capsys.readouterr().out.splitlines()[-1]
    shown = [
        f"test/{name} {metrics.value('test', name):.4f} "
        f"[{metrics.interval('test', name)[0]:.4f}, {metrics.interval('test', name)[1]:.4f}]"
        for name in ("accuracy", "roc_auc")
    ]
    assert out == "evaluate: " + ", ".join(shown)
    baselines = Metrics.from_json(read_json(folder / "reports/baselines.json"))
    assert baselines.value("majority", "roc_auc") == 0.5 and "linear" in {
        key.split("/")[0] for key in baselines.values
    }


def test_a_perceptron_has_no_probability_metrics_and_no_calibration_plot(stages, capsys) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=600", "model=perceptron"],
        ["ingest", "features", "train", "evaluate"],
    )
    assert capsys.readouterr().out.splitlines()[-1] == (
        "evaluate: left out: log_loss, brier_score: the model gives decision values, not "
        "probabilities (it has no predict_proba)"
    )
    metrics = read_json(folder / "reports/metrics.json")
    assert not [key for key in metrics if "log_loss" in key or "brier_score" in key]
    assert None not in metrics.values() and metrics["test/roc_auc"] > 0.7
    predictions = Predictions.read(folder / "data/predictions/test.parquet")
    model = read_pickle(folder / "models/model.pkl")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    schema = read_schema(folder / "data/features/schema.json")
    np.testing.assert_array_equal(
        predictions.y_score, model.decision_function(test[schema.features])
    )
    plots = sorted(p.name for p in (folder / "reports/plots/evaluate").iterdir())
    assert plots == ["confusion.csv", "precision_recall.csv", "roc.csv"]


def test_the_baselines_are_fitted_on_the_sample_of_train_rows(stages) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=1000", "evaluate.train_rows=300"],
        ["ingest", "features", "train", "evaluate"],
    )
    metrics = Metrics.from_json(read_json(folder / "reports/metrics.json"))
    assert metrics.value("train", "n_rows") == 300
    config = load_config(folder / "params.yaml")
    schema = read_schema(folder / "data/features/schema.json")
    train = pd.read_parquet(folder / "data/features/train.parquet")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    features = config.section(FeaturesConfig, "features")
    sample = sample_rows(train, 300, config.seed)
    baselines = Metrics.from_json(read_json(folder / "reports/baselines.json"))
    for rows, same in ((sample, True), (train, False)):
        linear = fit_baselines(rows, schema, features, ["linear"], config.seed)["linear"]
        found = score(model_outputs(linear, test, schema))
        assert (baselines.value("linear", "log_loss") == pytest.approx(found["log_loss"])) is same
