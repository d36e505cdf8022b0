"""The team services for real: scripts/services.sh starts PostgreSQL, SeaweedFS (S3) and an MLflow
server on free ports with its state in a temporary folder, the track stage logs one run to the
server, and the run is read back through MLflow's client, from the S3 bucket and from PostgreSQL's
tables; a file pushed to the DVC remote `team` (s3://dvc/pipeline on that store) comes back in a
fresh clone; `stop` frees every port. Slow (the services start in about 11 s, stop in about 20 s).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import boto3
import psycopg2
import pytest
from helpers import ROOT, all_runs, artifact_files, copy_repository, run_stages, sh
from mlflow import MlflowClient
from services import BUCKET, OVERRIDES, Services, listeners, listening, script, services

from pipeline.stages import track

__all__ = ["services"]  # the fixture


@pytest.mark.slow  # first: the next test stops the services
def test_the_dvc_remote_team_on_the_s3_store_round_trips_a_file(
    services: Services, tmp_path: Path
) -> None:
    exported = services.exported()
    env: dict[str, str | None] = {k: v for k, v in exported.items() if k.startswith("AWS_")}
    endpoint = exported["MLFLOW_S3_ENDPOINT_URL"]
    first = copy_repository(tmp_path / "first")
    sh(["dvc", "remote", "modify", "--local", "team", "endpointurl", endpoint], first)
    payload = random.Random(7).randbytes(200_000)
    (first / "data/shared.bin").write_bytes(payload)
    sh(["dvc", "add", "data/shared.bin"], first)
    sh(["git", "add", "-A"], first)
    sh(["git", "commit", "-q", "-m", "a shared file"], first)
    sh(["dvc", "push", "-r", "team", "data/shared.bin.dvc"], first, env=env)
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1",
    )  # fmt: skip
    stored = s3.list_objects_v2(Bucket="dvc", Prefix="pipeline/files/md5/").get("Contents", [])
    assert [item["Size"] for item in stored] == [len(payload)]

    second = tmp_path / "second"
    sh(["git", "clone", "-q", str(first), str(second)], tmp_path)
    assert not (second / "data/shared.bin").exists()
    sh(["dvc", "remote", "modify", "--local", "team", "endpointurl", endpoint], second)
    sh(["dvc", "pull", "-r", "team", "data/shared.bin.dvc"], second, env=env)
    assert (second / "data/shared.bin").read_bytes() == payload
    shown = sh(["dvc", "status", "--json", "data/shared.bin.dvc"], second).stdout
    assert json.loads(shown) == {}


@pytest.mark.slow  # starts three servers and runs every stage on 600 rows: about 40 s
def test_the_track_stage_logs_to_the_team_services_and_stop_frees_their_ports(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    status = script("status", services.env).stdout.splitlines()
    assert [line.split()[:2] for line in status] == [
        ["postgres", "running"],
        ["weed", "running"],
        ["mlflow", "running"],
    ]
    again = script("start", services.env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already running") == 3
    exported = services.exported()
    assert exported["MLFLOW_TRACKING_URI"] == services.tracking_uri
    # every port of the three services listens on the loopback address, and only there
    bound = listeners(services.all_ports())
    main = [services.ports[k] for k in ("PG_PORT", "S3_PORT", "MLFLOW_PORT")]
    assert set(main) <= set(bound), bound
    assert {address for addresses in bound.values() for address in addresses} == {"127.0.0.1"}
    assert (services.folder / "env").stat().st_mode & 0o077 == 0  # credentials: owner only

    monkeypatch.chdir(tmp_path)
    for name in ("MLFLOW_TRACKING_URI", "DVC_ROOT", "DVC_EXP_NAME"):
        monkeypatch.delenv(name, raising=False)
    run_stages(tmp_path, [*OVERRIDES, f"tracking.uri={services.tracking_uri}"])
    from dvc.repo import Repo

    (tmp_path / "dvc.yaml").write_bytes((ROOT / "dvc.yaml").read_bytes())
    Repo.init(no_scm=True).close()
    capsys.readouterr()
    track.main()
    (line,) = capsys.readouterr().out.splitlines()  # MLflow's "View run" lines silenced
    assert line.startswith("track: run ") and services.tracking_uri in line

    client = MlflowClient(services.tracking_uri)
    (run,) = all_runs(client)
    run_id = run.info.run_id
    assert run.info.status == "FINISHED"
    assert run.data.params["model.name"] == "logistic_regression"
    assert run.data.params["dataset.name"] == "synthetic"
    metrics = json.loads((tmp_path / "reports" / "metrics.json").read_text())
    assert run.data.metrics["test/accuracy"] == metrics["test/accuracy"]
    logged = artifact_files(client, run_id)
    assert {"params.yaml", "reports/metrics.json", "reports/index.html"} <= logged
    downloaded = Path(client.download_artifacts(run_id, "reports/metrics.json", str(tmp_path)))
    assert downloaded.read_bytes() == (tmp_path / "reports" / "metrics.json").read_bytes()

    # the server keeps the files in SeaweedFS's bucket, under <experiment>/<run>/artifacts/
    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
    prefix = run.info.artifact_uri.removeprefix("mlflow-artifacts:/").strip("/")
    s3 = boto3.client(
        "s3",
        endpoint_url=exported["MLFLOW_S3_ENDPOINT_URL"],
        aws_access_key_id=exported["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=exported["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
    keys = {item["Key"].removeprefix(f"{prefix}/") for item in listed.get("Contents", [])}
    assert logged <= keys
    stored = s3.get_object(Bucket=BUCKET, Key=f"{prefix}/reports/metrics.json")["Body"].read()
    assert stored == downloaded.read_bytes()

    # and the run's record in PostgreSQL
    connection = psycopg2.connect(
        host="127.0.0.1", port=services.ports["PG_PORT"], user="mlflow", dbname="mlflow"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("select count(*) from runs")
            assert cursor.fetchone() == (1,)
            cursor.execute("select status from runs where run_uuid = %s", (run_id,))
            assert cursor.fetchone() == ("FINISHED",)
    finally:
        connection.close()

    stopped = script("stop", services.env)
    assert stopped.returncode == 0, stopped.stderr
    assert [port for port in services.all_ports() if listening(port)] == []
    status = script("status", services.env).stdout.splitlines()
    assert [line.split()[1] for line in status] == ["stopped"] * 3
