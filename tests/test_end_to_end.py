"""Every dataset and every model option, through every stage's main(), on small sizes."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import as_written
from sklearn import metrics as skm

from pipeline.io import read_json, read_pickle
from pipeline.schema import read_schema
from tools.check_repro import tool_env

pytestmark = pytest.mark.slow  # every test here runs stages on a real dataset

SMALL = {
    "random_forest": ["model.n_estimators=30"],
    "random_forest_regressor": ["model.n_estimators=30"],
    "hist_gradient_boosting": ["model.max_iter=30"],
    "hist_gradient_boosting_regressor": ["model.max_iter=30"],
}
CASES = [
    # dataset, model, headline metric, the least it must reach
    ("breast_cancer", "logistic_regression", "test/roc_auc", 0.97),
    ("breast_cancer", "random_forest", "test/roc_auc", 0.95),
    ("breast_cancer", "hist_gradient_boosting", "test/roc_auc", 0.95),
    ("breast_cancer", "svm", "test/roc_auc", 0.97),
    ("breast_cancer", "knn", "test/roc_auc", 0.95),
    ("digits", "logistic_regression", "test/accuracy", 0.93),
    ("digits", "knn", "test/accuracy", 0.93),
    ("diabetes", "ridge", "test/r2", 0.3),
    ("diabetes", "random_forest_regressor", "test/r2", 0.25),
    ("diabetes", "hist_gradient_boosting_regressor", "test/r2", 0.2),
    ("synthetic", "hist_gradient_boosting", "test/roc_auc", 0.75),
]


def check_outputs(folder: Path, metric: str, least: float) -> dict:
    metrics = read_json(folder / "reports/metrics.json")
    schema = read_schema(folder / "data/features/schema.json")
    predictions = pd.read_parquet(folder / "data/predictions/test.parquet")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    model = read_pickle(folder / "models/model.pkl")
    assert metrics[metric] >= least, metrics
    assert metrics["test/n_rows"] == len(test) == len(predictions)
    np.testing.assert_array_equal(predictions["y_pred"], model.predict(test[schema.features]))
    # metrics.json carries 10 significant digits: the oracle is compared as it would be written
    if schema.task == "regression":
        assert metrics["test/r2"] == pytest.approx(
            as_written(skm.r2_score(predictions["y_true"], predictions["y_pred"])), abs=1e-12
        )
    else:
        assert metrics["test/accuracy"] == pytest.approx(
            as_written(skm.accuracy_score(predictions["y_true"], predictions["y_pred"])), abs=1e-12
        )
    for column in schema.sensitive:
        assert column in predictions and column not in schema.features
    assert read_json(folder / "data/raw/provenance.json")["rows"] > len(test)
    assert read_json(folder / "reports/validation.json")["status"] == "passed"
    return metrics


@pytest.mark.parametrize("dataset,model,metric,least", CASES)
def test_dataset_and_model_end_to_end(stages, dataset, model, metric, least) -> None:
    overrides = [f"dataset={dataset}", f"model={model}", *SMALL.get(model, [])]
    if dataset == "synthetic":
        overrides.append("dataset.n_rows=3000")
    folder = stages(overrides)
    check_outputs(folder, metric, least)
    plots = sorted(p.name for p in (folder / "reports/plots/evaluate").iterdir())
    expected = {
        "diabetes": ["residuals.csv"],
        "digits": ["confusion.csv"],
    }.get(dataset, ["calibration.csv", "confusion.csv", "precision_recall.csv", "roc.csv"])
    assert plots == expected


def test_users_own_csv_with_options(stages, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 400
    x = rng.normal(size=n)
    group = rng.choice(["f", "m"], n)
    y = np.where(x + rng.normal(scale=0.5, size=n) > 0, "approved", "denied")
    frame = pd.DataFrame({"score": x, "città": rng.choice(["Roma", "Milano", "?"], n),
                          "gender": group, "outcome": y})  # fmt: skip
    (tmp_path / "mine.csv").write_bytes(frame.to_csv(sep=";", index=False).encode("latin-1"))
    folder = stages([
        "dataset=csv", "dataset.path=mine.csv", "dataset.target=outcome",
        "dataset.sensitive=[gender]", "dataset.delimiter=';'", "dataset.encoding=latin-1",
        "dataset.positive_label=approved", "model=logistic_regression",
    ])  # fmt: skip
    metrics = check_outputs(folder, "test/roc_auc", 0.85)
    schema = read_schema(folder / "data/features/schema.json")
    assert schema.task == "binary" and schema.positive_label == "approved"
    raw = pd.read_parquet(folder / "data/raw/data.parquet")
    assert raw["città"].isna().sum() == (frame["città"] == "?").sum()
    assert metrics["test/n_rows"] == 100


def test_users_parquet_regression_with_auto_task(stages, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.choice(["u", "v"], 300)})
    frame["price"] = 3 * frame["a"] + (frame["b"] == "u") + rng.normal(scale=0.3, size=300)
    frame.to_parquet(tmp_path / "houses.parquet")
    folder = stages(["dataset=csv", "dataset.path=houses.parquet", "dataset.target=price",
                     "model=ridge"])  # fmt: skip
    check_outputs(folder, "test/r2", 0.9)


def run_module(module: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module], cwd=cwd, env=tool_env(),
                          capture_output=True, text=True)  # fmt: skip


def test_bad_input_is_one_line_exit_2_and_no_output(stages, tmp_path: Path) -> None:
    stages(["dataset=csv", "dataset.path=missing.csv", "dataset.target=y"], [])
    result = run_module("pipeline.stages.ingest", tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "error: DataValidationError: dataset.path 'missing.csv' does not exist; give the path "
        "of a CSV or Parquet file relative to the project folder\n"
    )
    assert not (tmp_path / "data/raw").exists()


def test_wrong_target_stops_validate_with_its_name(stages, tmp_path: Path) -> None:
    stages(["dataset=breast_cancer", "dataset.target=outcome"], ["ingest"])
    result = run_module("pipeline.stages.validate", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: DataValidationError: column 'outcome' (dataset.target) is missing; columns are ["
    )
    assert result.stderr.count("\n") == 1
    assert read_json(tmp_path / "reports/validation.json")["status"] == "failed"
    assert not (tmp_path / "data/features").exists()


def test_model_task_mismatch_stops_before_training(stages, tmp_path: Path) -> None:
    stages(["dataset=diabetes", "model=random_forest"], ["ingest"])
    result = run_module("pipeline.stages.validate", tmp_path)
    assert result.returncode == 2
    assert "the data is a regression task but the model is for classification" in result.stderr
