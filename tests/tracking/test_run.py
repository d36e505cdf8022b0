"""One run in a real MLflow store: what it logs, and how it fails.

Each test logs tiny data (60 rows) to a SQLite store in a temporary folder and reads the run
back through MLflow's client. Creating a store and logging a model take seconds: those are slow.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from helpers import all_runs, artifact_files, free_port, inputs_by_context, md5
from mlflow import MlflowClient

from pipeline.data.features import FeaturesConfig
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.schema import Schema
from pipeline.tracking.config import Target, TrackingConfig, TrackingError, resolve_target
from pipeline.tracking.contents import RunContents
from pipeline.tracking.datasets import Split
from pipeline.tracking.run import log_run


def tiny_project(folder: Path) -> RunContents:
    """A fitted model and the files a run logs, on 60 rows, in `folder` (the current directory)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, 60),
            "hours": rng.normal(40, 5, 60),
            "job": pd.Series(rng.choice(["a", "b", "c"], 60), dtype="str"),
            "sex": pd.Series(rng.choice(["f", "m"], 60), dtype="str"),
        }
    )
    frame.loc[3, "job"] = None
    frame["y"] = (frame["age"] > 40).astype(int)
    schema = Schema("binary", "y", ("age", "hours"), ("job",), ("sex",), (0, 1), ("no", "yes"))
    features = FeaturesConfig(False, (), (), 1, True)
    estimator = ModelConfig(
        "logistic_regression", "classification", "sklearn.linear_model.LogisticRegression"
    )
    model = train(frame.iloc[:40], schema, features, estimator)
    files = {
        "data/features/train.parquet": None,
        "data/features/test.parquet": None,
        "reports/metrics.json": '{"test/accuracy": 0.9, "test/log_loss": null}\n',
        "reports/plots/evaluate/roc.csv": "fpr,tpr\n0,0\n1,1\n",
        "reports/plots/.gitignore": "/evaluate\n",
        "params.yaml": "seed: 1\n",
        "dvc.lock": "schema: '2.0'\n",
        "uv.lock": "version = 1\n",
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        if text is not None:
            (folder / name).write_text(text)
    frame.iloc[:40].to_parquet(folder / "data/features/train.parquet")
    frame.iloc[40:].to_parquet(folder / "data/features/test.parquet")
    return RunContents(
        name="logistic_regression-abc1234",
        params={"model.name": "logistic_regression", "dataset.name": "tiny"},
        metrics={"test/accuracy": 0.9},
        tags={"git.commit": "abc1234", "git.dirty": "false", "dataset.sha256": "f" * 64},
        artifacts=[Path("reports"), Path("params.yaml"), Path("dvc.lock"), Path("uv.lock")],
        model=model,
        model_inputs=frame.iloc[:40][schema.features],
        splits=(
            Split("tiny-train", "training", "data/features/train.parquet", frame.iloc[:40]),
            Split("tiny-test", "evaluation", "data/features/test.parquet", frame.iloc[40:]),
        ),
    )


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch) -> tuple[RunContents, Target]:
    monkeypatch.chdir(tmp_path)
    # mlflow.set_tracking_uri exports MLFLOW_TRACKING_URI; setenv here restores it afterwards
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "")
    config = TrackingConfig("sqlite:///mlflow.db", "tiny", "mlartifacts", "uv.lock")
    return tiny_project(tmp_path), resolve_target(config, tmp_path)


@pytest.mark.slow  # a new SQLite store and a logged model: seconds
def test_a_run_logs_everything_and_its_model_predicts_as_the_pipeline(tiny) -> None:
    contents, target = tiny
    run_id, model_uri = log_run(contents, target)
    client = MlflowClient(target.uri)
    logged = client.get_run(run_id)
    assert logged.info.status == "FINISHED"
    assert logged.info.run_name == contents.name
    assert client.get_experiment(logged.info.experiment_id).name == "tiny"
    assert logged.data.params == contents.params
    assert logged.data.metrics == contents.metrics
    assert contents.tags.items() <= logged.data.tags.items()
    assert artifact_files(client, run_id) == {
        "reports/metrics.json",
        "reports/plots/evaluate/roc.csv",
        "params.yaml",
        "dvc.lock",
        "uv.lock",
    }
    assert logged.info.artifact_uri.startswith(target.artifact_location)
    datasets = inputs_by_context(logged)
    assert datasets["training"].name == "tiny-train"
    assert datasets["training"].digest == md5(Path("data/features/train.parquet"))
    assert json.loads(datasets["evaluation"].source) == {"uri": "data/features/test.parquet"}
    assert json.loads(datasets["training"].profile)["num_rows"] == 40
    loaded = mlflow.pyfunc.load_model(model_uri)
    test = contents.splits[1].frame[list(contents.model_inputs.columns)]
    assert np.array_equal(loaded.predict(test), contents.model.predict(test))
    job = {c.name: c for c in loaded.metadata.get_input_schema().inputs}["job"]
    assert job.required is False  # a column with missing values is optional


@pytest.mark.slow  # a new SQLite store and a logged model: seconds
def test_a_run_failing_half_way_is_marked_failed(tiny) -> None:
    contents, target = tiny
    broken = RunContents(**{**contents.__dict__, "artifacts": [Path("reports/gone.json")]})
    with pytest.raises(FileNotFoundError):
        log_run(broken, target)
    (logged,) = all_runs(MlflowClient(target.uri))
    assert logged.info.status == "FAILED"
    assert logged.data.params == contents.params  # it got that far
    assert mlflow.active_run() is None


def test_an_unreachable_server_is_one_clear_line(tiny) -> None:
    contents, _ = tiny
    uri = f"http://127.0.0.1:{free_port()}"
    target = Target(uri=uri, experiment="tiny", artifact_location=None)
    with pytest.raises(TrackingError) as caught:
        log_run(contents, target)
    message = str(caught.value)
    assert uri in message and "\n" not in message and "cannot reach" in message
    assert mlflow.active_run() is None


@pytest.mark.slow  # a new SQLite store and a logged model: seconds
def test_a_deleted_experiment_says_how_to_restore_it(tiny) -> None:
    contents, target = tiny
    client = MlflowClient(target.uri)
    client.delete_experiment(client.create_experiment("tiny"))
    with pytest.raises(TrackingError, match="restore"):
        log_run(contents, target)
