"""One run in a real MLflow store: what it logs, and how it fails.

Each test logs tiny data (60 rows) to a SQLite store in a temporary folder and reads the run
back through MLflow's client. Creating a store and logging a model take seconds: those are slow.
"""

from __future__ import annotations

import json
import logging
import shutil
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
from pipeline.tracking import run
from pipeline.tracking.config import Target, TrackingConfig, TrackingError, resolve_target
from pipeline.tracking.contents import RunContents
from pipeline.tracking.datasets import Split
from pipeline.tracking.model import log_model
from pipeline.tracking.quiet import QUIET
from pipeline.tracking.relocate import local_path
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
        "pyproject.toml": "[project]\nname = 'tiny'\n",  # with uv.lock: a uv project to MLflow
    }
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        if text is not None:
            (folder / name).write_text(text)
    frame.iloc[:40].to_parquet(folder / "data/features/train.parquet")
    frame.iloc[40:].to_parquet(folder / "data/features/test.parquet")
    return RunContents(
        name="logistic_regression · tiny",
        params={"model.name": "logistic_regression", "dataset.name": "tiny"},
        metrics={"test/accuracy": 0.9},
        tags={"git.commit": "abc1234", "git.dirty": "false", "dataset.sha256": "f" * 64},
        artifacts=[Path("reports"), Path("params.yaml"), Path("dvc.lock"), Path("uv.lock")],
        model=model,
        model_name="logistic_regression · tiny",
        model_inputs=frame.iloc[:40][schema.features],
        splits=(
            Split("tiny-train", "training", "data/features/train.parquet", frame.iloc[:40]),
            Split("tiny-test", "evaluation", "data/features/test.parquet", frame.iloc[40:]),
        ),
    )


CONFIG = TrackingConfig("sqlite:///mlflow.db", "tiny", "mlartifacts", "uv.lock")


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch) -> tuple[RunContents, Target]:
    monkeypatch.chdir(tmp_path)
    # mlflow.set_tracking_uri exports MLFLOW_TRACKING_URI; setenv here restores it afterwards
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "")
    return tiny_project(tmp_path), resolve_target(CONFIG, tmp_path)


@pytest.mark.slow  # a new SQLite store and a logged model: seconds
def test_a_run_logs_everything_and_its_model_predicts_as_the_pipeline(
    tiny, capsys, monkeypatch
) -> None:
    contents, target = tiny

    def log_model_loudly(*args, **kwargs):
        logging.getLogger("mlflow.sklearn").warning("an unrelated MLflow warning")
        return log_model(*args, **kwargs)

    monkeypatch.setattr(run, "log_model", log_model_loudly)
    capsys.readouterr()
    logged = log_run(contents, target)
    printed = capsys.readouterr().err
    for _, _, message in QUIET:  # MLflow says each of them on this run, unless silenced
        assert message not in printed
    assert "WARNING mlflow.sklearn: an unrelated MLflow warning" in printed
    run_id, model_uri = logged.run_id, logged.model_uri
    assert logged.moved_from is None
    client = MlflowClient(target.uri)
    logged_run = client.get_run(run_id)
    assert logged_run.info.status == "FINISHED"
    assert logged_run.info.run_name == contents.name
    assert client.get_experiment(logged_run.info.experiment_id).name == "tiny"
    assert logged_run.data.params == contents.params
    assert logged_run.data.metrics == contents.metrics
    assert contents.tags.items() <= logged_run.data.tags.items()
    assert artifact_files(client, run_id) == {
        "reports/metrics.json",
        "reports/plots/evaluate/roc.csv",
        "params.yaml",
        "dvc.lock",
        "uv.lock",
    }
    assert logged_run.info.artifact_uri.startswith(target.artifact_location)
    datasets = inputs_by_context(logged_run)
    assert datasets["training"].name == "tiny-train"
    assert datasets["training"].digest == md5(Path("data/features/train.parquet"))
    assert json.loads(datasets["evaluation"].source) == {"uri": "data/features/test.parquet"}
    assert json.loads(datasets["training"].profile)["num_rows"] == 40
    (output,) = logged_run.outputs.model_outputs
    assert client.get_logged_model(output.model_id).name == "logistic_regression · tiny"
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


@pytest.mark.slow  # a new SQLite store: seconds
def test_a_stop_inside_start_run_marks_the_created_run_killed(tiny, monkeypatch) -> None:
    """The signal lands after the store created the run, before MLflow made it the active run."""
    contents, target = tiny
    create_run = MlflowClient.create_run

    def create_then_stop(self, *args, **kwargs):
        create_run(self, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(MlflowClient, "create_run", create_then_stop)
    with pytest.raises(KeyboardInterrupt):
        log_run(contents, target)
    (logged,) = all_runs(MlflowClient(target.uri))
    assert logged.info.status == "KILLED"
    assert mlflow.active_run() is None


def files_under(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow  # two runs, each with a logged model: seconds
def test_a_copied_project_logs_its_artifacts_into_the_copy(tiny, tmp_path, monkeypatch) -> None:
    contents, target = tiny
    first = log_run(contents, target)
    copy = tmp_path.parent / f"{tmp_path.name}-copy"
    shutil.copytree(tmp_path, copy)
    old_files = files_under(tmp_path)
    monkeypatch.chdir(copy)
    logged = log_run(contents, resolve_target(CONFIG, copy))
    assert logged.moved_from == tmp_path
    assert files_under(tmp_path) == old_files  # the old folder gained nothing
    client = MlflowClient(f"sqlite:///{copy / 'mlflow.db'}")
    new = client.get_run(logged.run_id)
    artifacts = local_path(new.info.artifact_uri)
    assert artifacts is not None and artifacts.is_relative_to(copy)
    assert {str(p.relative_to(artifacts)) for p in artifacts.rglob("*") if p.is_file()} == (
        artifact_files(client, logged.run_id)
    )
    (output,) = new.outputs.model_outputs
    model = local_path(client.get_logged_model(output.model_id).artifact_location)
    assert model is not None and (model / "model.pkl").is_file() and model.is_relative_to(copy)
    experiment = client.get_experiment(new.info.experiment_id)
    assert experiment.artifact_location == (copy / "mlartifacts" / "tiny").as_uri()
    # the earlier run, copied along, is read from the copy's files too
    old = local_path(client.get_run(first.run_id).info.artifact_uri)
    assert old is not None and old.is_relative_to(copy) and (old / "params.yaml").is_file()
    assert len(all_runs(client)) == 2 and len(all_runs(MlflowClient(target.uri))) == 1


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
