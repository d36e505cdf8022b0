"""The track stage against the team services over a faulty network (proxy.py): the answers to the
first run creation, model creation and metric batch are lost after the server acted, and the
MLflow server is restarted (scripts/services.sh stop mlflow, then start) when the first artifact
upload arrives. Read back from the server itself: one complete run, every param, metric (each
once), artifact on S3 and the model; the copies the retries made are deleted. And runs that log
the same dataset at once all get it. Slow (services
start and stop in about 30 s, the server restart takes a few seconds)."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import boto3
import psycopg2
import pytest
from helpers import ROOT, all_runs, artifact_files, run_stages
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, LoggedModelStatus, ViewType
from proxy import Faults, faulty_proxy
from services import BUCKET, OVERRIDES, Services, script, services

from pipeline.stages import track
from pipeline.tracking.retried import EXECUTION_TAG, log_inputs

__all__ = ["services"]  # the fixture

API = "/api/2.0/mlflow"
CREATE_RUN = ("POST", f"{API}/runs/create")
CREATE_MODEL = ("POST", f"{API}/logged-models")
LOG_BATCH = ("POST", f"{API}/runs/log-batch")
UPLOAD = ("PUT", "/api/2.0/mlflow-artifacts/artifacts/")


@pytest.mark.slow
def test_a_server_restart_and_lost_answers_lose_nothing_and_duplicate_nothing(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    restarted: list[threading.Thread] = []
    started: list[subprocess.CompletedProcess] = []

    def restart() -> None:
        """Stop the server now; start it again while the client retries."""
        stopped = script("stop", services.env, "mlflow")
        assert stopped.returncode == 0, stopped.stderr
        restarted.append(threading.Thread(target=lambda: started.append(script("start", env))))
        restarted[0].start()

    env = services.env

    faults = Faults(lose={CREATE_RUN: 1, CREATE_MODEL: 1, LOG_BATCH: 1}, before={UPLOAD: restart})
    monkeypatch.chdir(tmp_path)
    for name in ("MLFLOW_TRACKING_URI", "DVC_ROOT", "DVC_EXP_NAME"):
        monkeypatch.delenv(name, raising=False)
    port = services.ports["MLFLOW_PORT"]
    with faulty_proxy(port, faults) as url:
        run_stages(tmp_path, [*OVERRIDES, f"tracking.uri={url}"])
        from dvc.repo import Repo

        (tmp_path / "dvc.yaml").write_bytes((ROOT / "dvc.yaml").read_bytes())
        Repo.init(no_scm=True).close()
        capsys.readouterr()
        track.main()
    restarted[0].join()
    assert started[0].returncode == 0 and "mlflow: started" in started[0].stdout, started[0].stderr
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1, out
    line = out.strip()
    assert "; 2 copies made by retried requests deleted;" in line

    # every fault happened: answers lost after the server acted, requests to a stopped server
    assert faults.count(*CREATE_RUN, None) == 1 and faults.count(*CREATE_RUN) == 1
    assert faults.count(*CREATE_MODEL, None) == 1 and faults.count(*CREATE_MODEL) == 1
    assert faults.count(*LOG_BATCH, None) >= 1
    assert faults.count(*UPLOAD, None) >= 1  # the server was down: no answer, then retried

    client = MlflowClient(services.tracking_uri)  # the server itself, not the proxy
    (run,) = all_runs(client)
    run_id = run.info.run_id
    assert run.info.status == "FINISHED"
    assert run.data.params["model.name"] == "logistic_regression"
    metrics = json.loads((tmp_path / "reports" / "metrics.json").read_text())
    assert run.data.metrics["test/accuracy"] == metrics["test/accuracy"]
    for key in run.data.metrics:
        assert len(client.get_metric_history(run_id, key)) == 1, key

    # the copy of the run, KILLED and deleted; the copy of the model, deleted
    (copy,) = client.search_runs(
        [run.info.experiment_id], f"tags.`{EXECUTION_TAG}` = '{run.data.tags[EXECUTION_TAG]}'",
        run_view_type=ViewType.DELETED_ONLY,
    )  # fmt: skip
    assert copy.info.status == "KILLED" and copy.info.run_id != run_id
    (model,) = client.search_logged_models([run.info.experiment_id], f"source_run_id = '{run_id}'")
    assert model.status == LoggedModelStatus.READY
    model_files = {f.path for f in client.list_logged_model_artifacts(model.model_id)}
    assert {"MLmodel", "model.pkl"} <= model_files

    # the artifacts, logged before and after the restart, are in SeaweedFS's bucket
    logged = artifact_files(client, run_id)
    assert {"params.yaml", "reports/metrics.json", "reports/index.html"} <= logged
    exported = services.exported()
    prefix = run.info.artifact_uri.removeprefix("mlflow-artifacts:/").strip("/")
    s3 = boto3.client(
        "s3", endpoint_url=exported["MLFLOW_S3_ENDPOINT_URL"],
        aws_access_key_id=exported["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=exported["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1",
    )  # fmt: skip
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
    keys = {item["Key"].removeprefix(f"{prefix}/") for item in listed.get("Contents", [])}
    assert logged <= keys
    stored = s3.get_object(Bucket=BUCKET, Key=f"{prefix}/reports/metrics.json")["Body"].read()
    assert stored == (tmp_path / "reports" / "metrics.json").read_bytes()

    # PostgreSQL holds one active run and one deleted copy
    connection = psycopg2.connect(
        host="127.0.0.1", port=services.ports["PG_PORT"], user="mlflow", dbname="mlflow"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("select lifecycle_stage, status from runs order by lifecycle_stage")
            assert cursor.fetchall() == [("active", "FINISHED"), ("deleted", "KILLED")]
    finally:
        connection.close()


@pytest.mark.slow
def test_runs_logging_the_same_dataset_at_once_all_get_it(services: Services) -> None:
    """Four runs of a sweep log the same new dataset at the same moment, ten times over: on the
    server one insert wins and the others break PostgreSQL's unique key (9 rounds in 10 with
    MLflow's own log_inputs); retried.log_inputs gives every run its input."""
    client = MlflowClient(services.tracking_uri)
    experiment = client.create_experiment("same-dataset-at-once")
    for round_ in range(10):
        runs = [client.create_run(experiment).info.run_id for _ in range(4)]
        dataset = Dataset(name="train", digest=f"digest-{round_}", source_type="local",
                          source="{}")  # fmt: skip
        barrier, errors = threading.Barrier(len(runs)), []

        def log(run_id: str, dataset: Dataset = dataset, barrier=barrier, errors=errors) -> None:
            barrier.wait()
            try:
                log_inputs(client, run_id, [DatasetInput(dataset, [])])
            except Exception as error:  # noqa: BLE001 (collected, asserted below)
                errors.append(error)

        threads = [threading.Thread(target=log, args=(run_id,)) for run_id in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        for run_id in runs:
            (found,) = client.get_run(run_id).inputs.dataset_inputs
            assert found.dataset.digest == f"digest-{round_}"
