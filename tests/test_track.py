"""The track stage: one MLflow run per pipeline execution, read back through MLflow's client.

Unit tests log tiny data to a real SQLite store in a temporary folder. The slow tests run
`dvc repro` and a `dvc exp` queue in a temporary copy of the repository (on small synthetic data)
and show the runs in the MLflow UI, served on loopback and opened in headless Chromium.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
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
from helpers import ROOT, copy_repository, ran_stages, tool_env
from mlflow import MlflowClient

from pipeline.config import FeaturesConfig, ModelConfig, load_config
from pipeline.errors import ConfigError
from pipeline.schema import Schema
from pipeline.stages import params as compose
from pipeline.stages import track
from pipeline.stages.train import train

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def store(folder: Path) -> MlflowClient:
    return MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")


def all_runs(client: MlflowClient) -> list:
    experiments = [e.experiment_id for e in client.search_experiments()]
    return client.search_runs(experiments, order_by=["attributes.start_time ASC"])


def artifact_files(client: MlflowClient, run_id: str, path: str | None = None) -> set[str]:
    found: set[str] = set()
    for item in client.list_artifacts(run_id, path):
        found |= artifact_files(client, run_id, item.path) if item.is_dir else {item.path}
    return found


def inputs_by_context(run) -> dict[str, object]:
    return {
        {t.key: t.value for t in d.tags}["mlflow.data.context"]: d.dataset
        for d in run.inputs.dataset_inputs
    }


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
# Unit tests on tiny data


def test_flat_params_have_dotted_names() -> None:
    raw = {
        "seed": 42,
        "dataset": {"name": "adult", "sensitive": ["sex", "race"], "sha256": {"a.csv": "ab"}},
        "model": {"_target_": "sklearn.ensemble.X", "n_estimators": 10, "max_depth": None},
        "features": {"scale": True, "drop": [], "extra": {}},
    }
    assert track.flat_params(raw) == {
        "dataset.name": "adult",
        "dataset.sensitive": '["sex", "race"]',
        "dataset.sha256.a.csv": "ab",
        "features.drop": "[]",
        "features.extra": "{}",
        "features.scale": "true",
        "model._target_": "sklearn.ensemble.X",
        "model.max_depth": "null",
        "model.n_estimators": "10",
        "seed": "42",
    }


def test_numeric_metrics_skip_nulls_and_text() -> None:
    kept, skipped = track.numeric_metrics(
        {"test/f1": 0.5, "test/n_rows": 10, "test/log_loss": None, "note": "x", "ok": True}
    )
    assert kept == {"test/f1": 0.5, "test/n_rows": 10.0, "ok": 1.0}
    assert skipped == ["note", "test/log_loss"]


def test_metrics_are_named_as_dvc_names_them(tmp_path: Path, monkeypatch) -> None:
    """Nested keys joined with dots, a key in two files prefixed with its file, nulls left out:
    the names and values DVC itself gives."""
    import dvc.api
    from dvc.repo import Repo

    monkeypatch.chdir(tmp_path)
    Repo.init(no_scm=True).close()
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/a.json").write_text(
        json.dumps({"test/accuracy": 0.9, "group": {"gap": 0.1}, "n": 3})
    )
    (tmp_path / "reports/b.json").write_text(json.dumps({"fairness/gap": None, "n": 4}))
    (tmp_path / "dvc.yaml").write_text(
        yaml.safe_dump(
            {
                "stages": {
                    "a": {"cmd": "true", "metrics": [{"reports/a.json": {"cache": False}}]},
                    "b": {"cmd": "true", "metrics": [{"reports/b.json": {"cache": False}}]},
                }
            }
        )
    )
    metrics, files, outputs = track.read_dvc()
    assert metrics == {
        "test/accuracy": 0.9,
        "group.gap": 0.1,
        "reports/a.json:n": 3,
        "reports/b.json:n": 4,
    }
    assert metrics == track.flatten(dvc.api.metrics_show())
    assert files == ["reports/a.json", "reports/b.json"]
    assert outputs == {"reports/a.json", "reports/b.json"}


def test_tracking_config_takes_the_uri_from_the_environment(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    compose.compose(params, [], config_dir=ROOT / "params")
    config = load_config(params)
    local = track.tracking_config(config, {})
    assert local.uri == "sqlite:///mlflow.db"
    assert local.experiment == config.dataset.name
    assert track.tracking_config(config, {"MLFLOW_TRACKING_URI": "http://h:1"}).uri == "http://h:1"

    compose.compose(params, ["tracking=server"], config_dir=ROOT / "params")
    server = load_config(params)
    with pytest.raises(ConfigError, match="tracking.uri"):
        track.tracking_config(server, {})
    chosen = track.tracking_config(server, {"MLFLOW_TRACKING_URI": "https://mlflow.example.org"})
    assert chosen.uri == "https://mlflow.example.org" and chosen.artifact_location is None


def test_sqlite_store_and_artifacts_live_in_the_project_root(tmp_path: Path) -> None:
    local = track.TrackingConfig("sqlite:///mlflow.db", "adult", "mlartifacts", "uv.lock")
    target = track.resolve_target(local, tmp_path)
    assert target.uri == f"sqlite:///{tmp_path}/mlflow.db"
    assert target.artifact_location == (tmp_path / "mlartifacts" / "adult").as_uri()
    absolute = track.TrackingConfig("sqlite:////srv/m.db", "a b/c", "mlartifacts", "uv.lock")
    assert track.resolve_target(absolute, tmp_path).uri == "sqlite:////srv/m.db"
    assert track.resolve_target(absolute, tmp_path).artifact_location.endswith("/a_b_c")
    server = track.TrackingConfig("http://127.0.0.1:5000", "adult", "mlartifacts", "uv.lock")
    assert track.resolve_target(server, tmp_path).artifact_location is None


def test_project_root_is_dvc_root_when_dvc_runs_the_stage(tmp_path: Path) -> None:
    assert track.project_root({"DVC_ROOT": str(tmp_path)}) == tmp_path.resolve()
    assert track.project_root({}) == Path.cwd().resolve()


def test_dirty_flag_ignores_pipeline_outputs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "c"]):
        subprocess.run(["git", *args], check=True, env=env())
    (tmp_path / "dvc.lock").write_text("x")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/metrics.json").write_text("{}")
    (tmp_path / "reports/.gitignore").write_text("/metrics.json\n")
    commit, dirty, paths = track.git_state({"reports/metrics.json"})
    assert len(commit) == 40 and dirty is False and paths == ()
    (tmp_path / "code.py").write_text("print()")
    assert track.git_state({"reports/metrics.json"})[1:] == (True, ("code.py",))


def tiny_project(folder: Path) -> track.RunContents:
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
    return track.RunContents(
        name="logistic_regression-abc1234",
        params={"model.name": "logistic_regression", "dataset.name": "tiny"},
        metrics={"test/accuracy": 0.9},
        tags={"git.commit": "abc1234", "git.dirty": "false", "dataset.sha256": "f" * 64},
        artifacts=[Path("reports"), Path("params.yaml"), Path("dvc.lock"), Path("uv.lock")],
        model=model,
        model_inputs=frame.iloc[:40][schema.features],
        splits=(
            track.Split("tiny-train", "training", "data/features/train.parquet", frame.iloc[:40]),
            track.Split("tiny-test", "evaluation", "data/features/test.parquet", frame.iloc[40:]),
        ),
    )


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch) -> tuple[track.RunContents, track.Target]:
    monkeypatch.chdir(tmp_path)
    # mlflow.set_tracking_uri exports MLFLOW_TRACKING_URI; setenv here restores it afterwards
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "")
    config = track.TrackingConfig("sqlite:///mlflow.db", "tiny", "mlartifacts", "uv.lock")
    return tiny_project(tmp_path), track.resolve_target(config, tmp_path)


def test_a_run_logs_everything_and_its_model_predicts_as_the_pipeline(tiny) -> None:
    contents, target = tiny
    run_id, model_uri = track.log_run(contents, target)
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


def test_a_run_failing_half_way_is_marked_failed(tiny) -> None:
    contents, target = tiny
    broken = track.RunContents(**{**contents.__dict__, "artifacts": [Path("reports/gone.json")]})
    with pytest.raises(FileNotFoundError):
        track.log_run(broken, target)
    (logged,) = all_runs(MlflowClient(target.uri))
    assert logged.info.status == "FAILED"
    assert logged.data.params == contents.params  # it got that far
    assert mlflow.active_run() is None


def test_an_unreachable_server_is_one_clear_line(tiny) -> None:
    contents, _ = tiny
    uri = f"http://127.0.0.1:{free_port()}"
    target = track.Target(uri=uri, experiment="tiny", artifact_location=None)
    with pytest.raises(track.TrackingError) as caught:
        track.log_run(contents, target)
    message = str(caught.value)
    assert uri in message and "\n" not in message and "cannot reach" in message
    assert mlflow.active_run() is None


def test_a_deleted_experiment_says_how_to_restore_it(tiny) -> None:
    contents, target = tiny
    client = MlflowClient(target.uri)
    client.delete_experiment(client.create_experiment("tiny"))
    with pytest.raises(track.TrackingError, match="restore"):
        track.log_run(contents, target)


def test_credentials_stay_out_of_messages() -> None:
    assert track.redact("https://me:secret@host:8443/x") == "https://me:***@host:8443/x"
    assert track.redact("sqlite:////a/b.db") == "sqlite:////a/b.db"


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
    config.write_text(text + f"dataset:\n  n_rows: {ROWS}\n")
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
    client = store(project)
    (logged,) = all_runs(client)
    data = logged.data
    assert logged.info.status == "FINISHED"
    assert client.get_experiment(logged.info.experiment_id).name == DATASET
    composed = yaml.safe_load((project / "params.yaml").read_text())
    assert data.params == track.flat_params(composed)
    assert data.params["model.name"] == "hist_gradient_boosting"
    shown = json.loads(run(["dvc", "metrics", "show", "--json"], project).stdout)
    expected = {}
    for file in shown[""]["data"].values():
        expected |= {k: v for k, v in track.flatten(file["data"]).items() if v is not None}
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
    model = mlflow.pyfunc.load_model(client.get_logged_model(output.model_id).artifact_location)
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
        assert logged.info.run_name == f"{logged.data.params['model.name']}-{name}"
        assert logged.data.tags["dvc.exp_baseline_rev"] == head
        # each run has its own experiment's params and metrics, as DVC recorded them
        recorded = sweep[name]
        assert logged.data.params == track.flat_params(recorded["params"]["params.yaml"]["data"])
        files = {file: entry["data"] for file, entry in recorded["metrics"].items()}
        assert logged.data.metrics == track.numeric_metrics(track.merge_metrics(files))[0]
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
