"""The track stage end to end: `dvc repro` and a `dvc exp` queue in a temporary copy of the
repository (on small synthetic data) log their runs, read back through MLflow's client and shown in
the MLflow UI, served on loopback and opened in headless Chromium. All slow.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import (
    ROOT,
    all_runs,
    artifact_files,
    copy_repository,
    free_port,
    inputs_by_context,
    md5,
    ran_stages,
)  # fmt: skip
from mlflow import MlflowClient

from pipeline.stages import params as compose
from pipeline.tracking.params import flatten, merge_metrics, numeric_metrics, run_params
from pipeline.tracking.quiet import QUIET
from tools.check_repro import tool_env

SWEEP = ("logistic_regression", "random_forest", "hist_gradient_boosting")
DATASET, ROWS = "synthetic", 2000  # the end-to-end copy's data: small, with a sensitive attribute
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots kept for people to look at (git ignores it)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
    "--virtual-time-budget=15000",
]


# ---------------------------------------------------------------------------------------------
# Helpers


def store(folder: Path) -> MlflowClient:
    return MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")


def env(**extra: str) -> dict[str, str]:
    """Subprocess environment: this interpreter's tools, no tracking URI unless given, and
    compiled bytecode kept between the many Python processes DVC starts (outside the project)."""
    result = tool_env()
    for name in ("MLFLOW_TRACKING_URI", "DVC_ROOT", "DVC_EXP_NAME", "DVC_EXP_BASELINE_REV"):
        result.pop(name, None)
    result.pop("PYTHONDONTWRITEBYTECODE", None)
    result["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "pipeline-tests-pycache")
    result.update(extra)
    return result


def run(args: list[str], cwd: Path, check: bool = True, **extra: str):
    result = subprocess.run(args, cwd=cwd, env=env(**extra), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)}: {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def kill_group(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, and everything else in that session."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def processes_in(folder: Path) -> list[int]:
    """Ids of processes working inside `folder` (queue workers and their stages)."""
    folder = folder.resolve()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = Path(os.readlink(entry / "cwd"))
            except OSError:
                continue
            if cwd == folder or folder in cwd.parents:
                found.append(int(entry.name))
    return found


# ---------------------------------------------------------------------------------------------
# End to end: dvc repro, dvc exp queue, MLflow UI


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the repository composing a small synthetic dataset (quick, and with a sensitive
    attribute for the fairness and correlation reports), committed: a clean tree."""
    folder = copy_repository(tmp_path_factory.mktemp("track"))
    config = folder / "params/config.yaml"
    text = config.read_text()
    assert "  - dataset: adult\n" in text
    text = text.replace("  - dataset: adult\n", f"  - dataset: {DATASET}\n")
    # explain lighter too: the sweep runs the pipeline three times under a deadline
    light = "explain:\n  n_boot: 50\n  dependence_features: 2\n"
    config.write_text(text + f"dataset:\n  n_rows: {ROWS}\n" + light)
    compose.compose(folder / "params.yaml", [], config_dir=folder / "params")
    run(["git", "commit", "-qam", f"{DATASET}, {ROWS} rows"], folder)
    return folder


@pytest.fixture(scope="module")
def unreachable(project: Path) -> dict:
    """The first `dvc repro`, with the tracking server set to a port nobody listens on, and the
    state it leaves."""
    uri = f"http://127.0.0.1:{free_port()}"
    result = run(["dvc", "repro"], project, check=False, MLFLOW_TRACKING_URI=uri)
    return {
        "uri": uri,
        "result": result,
        "status": json.loads(run(["dvc", "status", "--json"], project).stdout),
        "store": (project / "mlflow.db").exists(),
    }


@pytest.fixture(scope="module")
def tracked(project: Path, unreachable) -> subprocess.CompletedProcess:
    """`dvc repro` again, with the default store: only the track stage has anything to do."""
    return run(["dvc", "repro"], project)


@pytest.mark.slow
def test_unreachable_server_fails_last_in_one_line(project: Path, unreachable: dict) -> None:
    uri, result = unreachable["uri"], unreachable["result"]
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and uri in errors[0] and "TrackingError" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    stages = list(yaml.safe_load((project / "dvc.yaml").read_text())["stages"])
    ran = ran_stages(result.stdout)
    assert ran[-1] == "track" and sorted(ran) == sorted(stages)
    status = unreachable["status"]
    assert "track" in status and set(status) <= {"params", "track"}, status  # the rest is done
    assert not unreachable["store"]  # no run was opened anywhere, so none is left RUNNING


@pytest.mark.slow
def test_repro_logs_one_complete_traceable_run(project: Path, tracked) -> None:
    assert ran_stages(tracked.stdout) == ["params", "track"]
    printed = tracked.stdout + tracked.stderr
    assert not [message for _, _, message in QUIET if message in printed], printed
    assert " WARNING mlflow" not in printed, printed
    client = store(project)
    (logged,) = all_runs(client)
    data = logged.data
    assert logged.info.status == "FINISHED"
    assert logged.info.run_name == f"hist_gradient_boosting · {DATASET}"
    assert client.get_experiment(logged.info.experiment_id).name == DATASET
    composed = yaml.safe_load((project / "params.yaml").read_text())
    assert data.params == run_params(composed) and "paths.model" not in data.params
    assert data.params["model.name"] == "hist_gradient_boosting"
    shown = json.loads(run(["dvc", "metrics", "show", "--json"], project).stdout)
    expected = {}
    for file in shown[""]["data"].values():
        expected |= {k: v for k, v in flatten(file["data"]).items() if v is not None}
    assert data.metrics == expected and "test/accuracy" in expected

    head = run(["git", "rev-parse", "HEAD"], project).stdout.strip()
    assert data.tags["git.commit"] == head and data.tags["git.dirty"] == "false"
    provenance = json.loads((project / "data/raw/provenance.json").read_text())
    assert data.tags["dataset.sha256"] == provenance["data_sha256"]
    assert data.tags["env.scikit-learn"] == metadata.version("scikit-learn")
    assert data.tags["env.python"] == platform.python_version()
    assert "dvc.exp_name" not in data.tags

    files = artifact_files(client, logged.info.run_id)
    assert {"params.yaml", "dvc.lock", "uv.lock", "reports/metrics.json"} <= files
    assert "reports/plots/evaluate/roc.csv" in files and "data/raw/provenance.json" in files
    downloaded = Path(client.download_artifacts(logged.info.run_id, "dvc.lock"))
    assert hashlib.sha256(downloaded.read_bytes()).hexdigest() == data.tags["dvc.lock.sha256"]
    lock_before = yaml.safe_load(downloaded.read_text())["stages"]
    lock_after = yaml.safe_load((project / "dvc.lock").read_text())["stages"]
    # as it stood before `track`: this run's entry for `track` is not in it yet
    assert lock_before["evaluate"] == lock_after["evaluate"]
    assert lock_before.get("track") != lock_after["track"]

    datasets = inputs_by_context(logged)
    assert datasets["training"].name == f"{DATASET}-train"
    lock = yaml.safe_load((project / "dvc.lock").read_text())["stages"]["features"]["outs"]
    train_md5 = next(out["md5"] for out in lock if out["path"] == "data/features/train.parquet")
    assert datasets["training"].digest == train_md5 == md5(project / "data/features/train.parquet")
    assert json.loads(datasets["training"].source) == {"uri": "data/features/train.parquet"}
    assert datasets["evaluation"].name == f"{DATASET}-test"

    schema = json.loads((project / "data/features/schema.json").read_text())
    test = pd.read_parquet(project / "data/features/test.parquet")
    predictions = pd.read_parquet(project / "data/predictions/test.parquet")
    (output,) = logged.outputs.model_outputs
    logged_model = client.get_logged_model(output.model_id)
    assert logged_model.name == f"hist_gradient_boosting · {DATASET}"
    model = mlflow.pyfunc.load_model(logged_model.artifact_location)
    predicted = model.predict(test[schema["numeric"] + schema["categorical"]])
    assert np.array_equal(np.asarray(predicted), predictions["y_pred"].to_numpy())


@pytest.mark.slow
def test_an_unchanged_pipeline_logs_no_second_run(project: Path, tracked) -> None:
    again = run(["dvc", "repro"], project)
    assert "Stage 'track' didn't change, skipping" in again.stdout
    assert len(all_runs(store(project))) == 1


@pytest.fixture(scope="module")
def sweep(project: Path, tracked) -> Iterator[dict[str, dict]]:
    """Three queued experiments run by two workers; yields what `dvc exp show` has of each.
    Afterwards the workers are stopped and no process is left working in the copy."""
    # Back to the committed lock, where this configuration has no execution yet: each of the three
    # experiments is then a new execution (unchanged upstream stages come from DVC's run cache).
    run(["git", "checkout", "dvc.lock"], project)
    run(["dvc", "exp", "run", "--queue", "-S", f"model={','.join(SWEEP)}"], project)
    log = open(project.parent / "queue.log", "w")  # noqa: SIM115 - closed below
    # Workers inherit stdout: a file, not a pipe, so that this call returns while they run.
    subprocess.run(["dvc", "queue", "start", "-j", "2"], cwd=project, env=env(), stdout=log,
                   stderr=subprocess.STDOUT, check=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while True:
            status = run(["dvc", "queue", "status"], project).stdout
            if not any(word in status for word in ("Queued", "Running")):
                break
            assert time.monotonic() < deadline, status
            time.sleep(2)
        assert status.count("Success") == len(SWEEP), status
        shown = json.loads(run(["dvc", "exp", "show", "--json"], project).stdout)
        yield {
            e["name"]: e["revs"][0]["data"] for rev in shown for e in (rev.get("experiments") or [])
        }
    finally:
        run(["dvc", "queue", "stop", "--kill"], project, check=False)
        log.close()
        deadline = time.monotonic() + 60
        while processes_in(project) and time.monotonic() < deadline:
            time.sleep(1)
        left = processes_in(project)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"queue processes still running in the copy: {left}"


@pytest.mark.slow
def test_a_queued_sweep_logs_three_runs_in_one_experiment(project: Path, sweep) -> None:
    assert len(sweep) == len(SWEEP)
    client = store(project)
    runs = [r for r in all_runs(client) if r.data.tags.get("dvc.exp_name")]
    assert sorted(r.data.tags["dvc.exp_name"] for r in runs) == sorted(sweep)
    assert sorted(r.data.params["model.name"] for r in runs) == sorted(SWEEP)
    assert {r.info.experiment_id for r in all_runs(client)} == {runs[0].info.experiment_id}
    head = run(["git", "rev-parse", "HEAD"], project).stdout.strip()
    for logged in runs:
        name = logged.data.tags["dvc.exp_name"]
        assert logged.info.status == "FINISHED"
        assert logged.info.run_name == f"{logged.data.params['model.name']} · {DATASET} · {name}"
        assert logged.data.tags["dvc.exp_baseline_rev"] == head
        # each run has its own experiment's params and metrics, as DVC recorded them
        recorded = sweep[name]
        assert logged.data.params == run_params(recorded["params"]["params.yaml"]["data"])
        files = {file: entry["data"] for file, entry in recorded["metrics"].items()}
        assert logged.data.metrics == numeric_metrics(merge_metrics(files))[0]
        # the store and the artifacts are the project's, not the queue workspace's
        assert logged.info.artifact_uri.startswith((project / "mlartifacts").as_uri())
    assert not list((project / ".dvc/tmp").rglob("mlflow.db"))


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed when missing (as root); else another Chromium build on PATH.
    Without any, the test fails in CI and is skipped elsewhere."""
    found = shutil.which("chromium")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        apt = {
            "capture_output": True,
            "check": False,
            "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        }
        subprocess.run(["apt-get", "update", "-qq"], **apt)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], **apt)
        found = shutil.which("chromium")
    found = found or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        reason = "no Chromium: install Debian's chromium package (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def ui(project: Path, sweep) -> Iterator[str]:
    """`make ui` in the copy, on a free port: yields its base URL and stops it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        ["make", "-o", "install", "ui", f"PORT={port}"],
        cwd=project,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None, "make ui exited"
            assert time.monotonic() < deadline, "the MLflow UI did not answer"
            time.sleep(1)
        yield url
    finally:
        kill_group(process)


def browse(chromium: str, url: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise
    finally:
        kill_group(process)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.mark.slow
def test_the_ui_lists_the_runs_of_the_sweep(project, sweep, ui, chromium, tmp_path) -> None:
    client = store(project)
    runs = [r for r in all_runs(client) if r.data.tags.get("dvc.exp_name")]
    page = f"{ui}/#/experiments/{runs[0].info.experiment_id}/runs"
    dom = browse(chromium, page, tmp_path / "profile", "--dump-dom").stdout
    for logged in runs:
        assert logged.info.run_name in dom, f"{logged.info.run_name} not on {page}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "track-ui-runs.png"
    screenshot.unlink(missing_ok=True)
    browse(chromium, page, tmp_path / "profile", f"--screenshot={screenshot}")
    assert screenshot.stat().st_size > 10_000
    print(f"MLflow UI screenshot: {screenshot}", file=sys.stderr)
