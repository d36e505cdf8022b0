"""The track stage stopped while its run is open, as a real process: SIGTERM leaves the run KILLED
and says so in one line; SIGKILL leaves it RUNNING, and `python -m tools.tracking_gc` (`make
tracking-gc`) then marks it KILLED, naming the dead process. Slow."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_stages
from mlflow import MlflowClient

from pipeline.tracking.gc import GC_TAG
from pipeline.tracking.owner import OWNER_TAG, identity
from pipeline.tracking.quiet import quiet

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(identity() is None, reason="no /proc: owners cannot be judged"),
]
QUICK = [
    "dataset=synthetic", "dataset.n_rows=600", "model=logistic_regression", "crossval.folds=0",
    "evaluate.n_boot=20", "fairness.n_boot=20", "correlation.random_walks=200",
    "correlation.null_matrices=10", "privacy.n_boot=20",
]  # fmt: skip
UPSTREAM = ["ingest", "validate", "features", "train", "evaluate", "crossval", "fairness",
            "correlation", "explain", "privacy", "dp", "report"]  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every stage but track on small data, in a DVC project of its own (track reads the metrics
    through DVC)."""
    folder = tmp_path_factory.mktemp("stopped-track")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for name in ("MLFLOW_TRACKING_URI", "DVC_ROOT", "DVC_EXP_NAME"):
            patch.delenv(name, raising=False)
        run_stages(folder, QUICK, UPSTREAM)
        (folder / "dvc.yaml").write_bytes((ROOT / "dvc.yaml").read_bytes())
        from dvc.repo import Repo

        Repo.init(no_scm=True).close()
        (folder / "dvc.lock").write_text(yaml.safe_dump({"schema": "2.0", "stages": {}}))
    return folder


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_TRACKING_URI", "DVC_ROOT")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def client(folder: Path) -> MlflowClient:
    return MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")


def statuses(folder: Path) -> dict[str, str]:
    """Run id -> status of every run in the project's store (none before the store exists).

    Read with SQLite itself, read-only: an MLflow client opening a store that the stage is still
    creating would run the schema migrations a second time, concurrently, and break the store."""
    store = folder / "mlflow.db"
    if not store.exists():
        return {}
    with contextlib.closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as db:
        return dict(db.execute("SELECT run_uuid, status FROM runs").fetchall())


def stopped_while_open(folder: Path, signum: int) -> tuple[str, subprocess.CompletedProcess]:
    """Start track, send `signum` once its run is RUNNING; (the run's id, the finished process).
    A run that closed before the signal landed is tried again."""
    for _ in range(3):
        before = set(statuses(folder))
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.stages.track"], cwd=folder, env=environment(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline, opened = time.monotonic() + 120, None
        while opened is None and process.poll() is None and time.monotonic() < deadline:
            try:
                found = statuses(folder)
            except sqlite3.Error:  # the store is being created: look again
                found = {}
            opened = next((r for r, s in found.items() if r not in before and s == "RUNNING"), None)
            if opened is None:
                time.sleep(0.02)
        if opened is not None:
            process.send_signal(signum)
        out, err = process.communicate(timeout=120)
        if opened is not None and statuses(folder)[opened] != "FINISHED":
            return opened, subprocess.CompletedProcess(process.args, process.returncode, out, err)
    raise AssertionError("the track stage closed its run before the signal, three times")


def test_sigterm_marks_the_run_killed_with_one_line(project: Path) -> None:
    run_id, stopped = stopped_while_open(project, signal.SIGTERM)
    assert stopped.returncode == 143, stopped.stderr
    assert stopped.stderr.splitlines()[-1].startswith("error: interrupted by SIGTERM")
    assert statuses(project)[run_id] == "KILLED"


def test_after_sigkill_tracking_gc_marks_the_run_killed(project: Path) -> None:
    run_id, stopped = stopped_while_open(project, signal.SIGKILL)
    assert stopped.returncode == -signal.SIGKILL
    assert statuses(project)[run_id] == "RUNNING"  # nobody was left to close it
    with quiet():
        owner = client(project).get_run(run_id).data.tags[OWNER_TAG]
    gc = subprocess.run(
        [sys.executable, "-m", "tools.tracking_gc"], cwd=project, env=environment(),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert gc.returncode == 0, gc.stderr
    pid = owner.split(" ")[2]
    marked = f"tracking-gc: run {run_id} (logistic_regression · synthetic) marked KILLED: process"
    assert f"{marked} {pid} on " in gc.stdout
    assert statuses(project)[run_id] == "KILLED"
    with quiet():
        assert client(project).get_run(run_id).data.tags[GC_TAG].endswith("is gone")
    again = subprocess.run(
        [sys.executable, "-m", "tools.tracking_gc"], cwd=project, env=environment(),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    (summary,) = [line for line in again.stdout.splitlines() if "RUNNING runs in" in line]
    assert summary.startswith("tracking-gc: 0 RUNNING runs in ") and summary.endswith(
        ", 0 marked KILLED"
    )
