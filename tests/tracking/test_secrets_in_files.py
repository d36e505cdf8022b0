"""Credentials never reach a file: searched for byte by byte in everything a run leaves behind.

A tracking URI with a password, given to `dvc exp run -S`, stops the run at the params stage in
one line, and no file of the workspace, DVC's cache and state, or the MLflow store holds the
password afterwards (.git aside: DVC stashes the experiment's params.yaml there before any stage
runs, see pipeline/stages/params.py). A secret-named parameter is logged as `***`: in the run's
params, in its copies of params.yaml and dvc.lock, and nowhere in the store's bytes.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, all_runs, copy_repository, run_stages, sh
from mlflow import MlflowClient

from pipeline.errors import MASK
from pipeline.stages import track

pytestmark = pytest.mark.slow

# Joined here, so that this file's own bytes (copied with the repository) do not hold them
PASSWORD = "-".join(("s3cr3t", "xyz"))
TOKEN = "-".join(("tok", "9f8e7d", "s3cr3t"))
QUICK = [
    "dataset=synthetic",
    "dataset.n_rows=600",
    "model=logistic_regression",
    "crossval.folds=0",
    "evaluate.n_boot=20",
    "fairness.n_boot=20",
    "correlation.random_walks=200",
    "correlation.null_matrices=10",
]
METRICS_STAGES = ["ingest", "validate", "features", "train", "evaluate"]
METRICS_STAGES += [
    "crossval",
    "fairness",
    "correlation",
    "explain",
    "privacy",
    "dp",
]  # every metrics file


def files_under(folders: Iterable[Path], skip: Iterable[str] = ()) -> Iterator[Path]:
    """Every regular file under `folders`, not descending into folders named in `skip`."""
    skipped = set(skip)
    for folder in folders:
        for path in folder.rglob("*"):
            parts = set(path.relative_to(folder).parts)
            if path.is_file() and not path.is_symlink() and not parts & skipped:
                yield path


def holding(secret: str, files: Iterable[Path]) -> list[str]:
    """The files whose bytes contain `secret`."""
    needle = secret.encode()
    return sorted(str(path) for path in files if needle in path.read_bytes())


def test_a_password_in_the_tracking_uri_stops_dvc_exp_run_and_is_in_no_file(
    tmp_path: Path,
) -> None:
    folder = copy_repository(tmp_path / "repo")
    uri = f"http://u:{PASSWORD}@127.0.0.1:9/"
    result = sh(
        ["dvc", "exp", "run", "-S", f"tracking.uri={uri}"], folder, check=False,
        env={"MLFLOW_TRACKING_URI": None, "DVC_EXP_NAME": None},
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(
        "error: ConfigError: tracking.uri carries credentials "
        "(tracking.uri = http://u:***@127.0.0.1:9/)"
    ), errors[0]
    assert "MLFLOW_TRACKING_PASSWORD" in errors[0]
    assert "Running stage 'params'" in result.stdout
    assert "Running stage 'ingest'" not in result.stdout
    assert PASSWORD not in result.stdout + result.stderr

    # params.yaml holds the URI masked (and the search reads it), the rest of the run as composed
    params = yaml.safe_load((folder / "params.yaml").read_text())
    assert params["tracking"]["uri"] == "http://u:***@127.0.0.1:9/"
    assert holding("http://u:***@127.0.0.1:9/", [folder / "params.yaml"]) == [
        str(folder / "params.yaml")
    ]
    from dvc.repo import Repo

    with Repo(str(folder)) as repo:
        site_cache = Path(repo.site_cache_dir)
    searched = list(files_under([folder], skip=[".git"]))
    assert any(folder / ".dvc" in p.parents for p in searched)  # DVC's cache, state, temporaries
    searched += list(files_under([site_cache] if site_cache.is_dir() else []))
    assert holding(PASSWORD, searched) == []
    assert not (folder / "mlflow.db").exists() and not (folder / "mlartifacts").exists()


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The stages on small data with a secret-named top-level parameter, then `track` in-process
    with the default SQLite store, after a dvc.lock whose `track` entry records the secret (as DVC
    writes it: the track stage depends on all of params.yaml)."""
    folder = tmp_path_factory.mktemp("secret-param")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        patch.delenv("DVC_ROOT", raising=False)
        patch.delenv("DVC_EXP_NAME", raising=False)
        run_stages(folder, [*QUICK, f"+api_token={TOKEN}"], METRICS_STAGES)
        (folder / "dvc.yaml").write_bytes((ROOT / "dvc.yaml").read_bytes())
        from dvc.repo import Repo

        Repo.init(no_scm=True).close()
        lock = {
            "schema": "2.0",
            "stages": {
                "track": {
                    "cmd": "python -m pipeline.stages.track",
                    "params": {"params.yaml": {"api_token": TOKEN, "seed": 42}},
                }
            },
        }
        (folder / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False))
        with (
            contextlib.redirect_stdout(io.StringIO()) as out,
            contextlib.redirect_stderr(io.StringIO()) as err,
        ):
            track.main()
    return {"folder": folder, "out": out.getvalue(), "err": err.getvalue()}


def test_the_secret_parameter_reaches_the_run_only_masked(tracked: dict, tmp_path: Path) -> None:
    folder = tracked["folder"]
    assert tracked["out"].startswith("track: run ") and TOKEN not in tracked["out"]
    params = yaml.safe_load((folder / "params.yaml").read_text())
    assert params["api_token"] == TOKEN  # composed as given: the user's own file keeps it
    client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    (run,) = all_runs(client)
    assert run.info.status == "FINISHED"
    assert run.data.params["api_token"] == MASK
    assert run.data.params["seed"] == "42" and run.data.params["dataset.name"] == "synthetic"
    assert TOKEN not in "".join(run.data.params.values()) + "".join(run.data.tags.values())

    run_id = run.info.run_id
    logged_params = Path(client.download_artifacts(run_id, "params.yaml", str(tmp_path)))
    logged = yaml.safe_load(logged_params.read_text())
    assert logged == {**params, "api_token": MASK}
    logged_lock = Path(client.download_artifacts(run_id, "dvc.lock", str(tmp_path)))
    entry = yaml.safe_load(logged_lock.read_text())["stages"]["track"]
    assert entry["params"]["params.yaml"] == {"api_token": MASK, "seed": 42}
    assert entry["cmd"] == "python -m pipeline.stages.track"
    assert holding(TOKEN, [logged_params, logged_lock]) == []


def test_the_store_and_the_artifacts_hold_the_secret_nowhere(tracked: dict) -> None:
    folder = tracked["folder"]
    store = [p for p in folder.iterdir() if p.name.startswith("mlflow.db")]  # with any journal
    artifacts = list(files_under([folder / "mlartifacts"]))
    assert store and len(artifacts) > 10
    assert any(p.name == "params.yaml" for p in artifacts)
    assert holding(TOKEN, [*store, *artifacts]) == []
    # only the user's own files hold it: the composed params.yaml and DVC's dvc.lock
    assert holding(TOKEN, files_under([folder])) == [
        str(folder / "dvc.lock"),
        str(folder / "params.yaml"),
    ]


def test_the_stage_names_the_run_after_model_and_data_and_prints_no_noise(tracked: dict) -> None:
    client = MlflowClient(f"sqlite:///{tracked['folder'] / 'mlflow.db'}")
    (run,) = all_runs(client)
    assert run.info.run_name == "logistic_regression · synthetic"
    assert client.get_experiment(run.info.experiment_id).name == "synthetic"
    (output,) = run.outputs.model_outputs
    assert client.get_logged_model(output.model_id).name == "logistic_regression · synthetic"
    assert not [key for key in run.data.params if key.startswith("paths.")]
    assert "model.name" in run.data.params and run.data.metrics["test/roc_auc"] > 0.7
    assert tracked["err"] == ""  # none of MLflow's messages (quiet.py), no warning
    (line,) = tracked["out"].splitlines()
    assert line.startswith(f"track: run {run.info.run_id} 'logistic_regression · synthetic'")
