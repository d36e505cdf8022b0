"""One MLflow run per pipeline execution: open it, log the contents, close it.

A failure after the run opened marks it FAILED, an interrupt (Ctrl-C, or SIGTERM, which the stage's
entry point raises as an interrupt) KILLED. Only a process killed without a chance to react
(SIGKILL) leaves its run RUNNING, and the run's owner tag lets `make tracking-gc` find it. MLflow's
own errors become one TrackingError line; its messages that say nothing to the user are silenced
(quiet.py).
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import first_line
from pipeline.progress import steps
from pipeline.tracking.artifacts import artifact_files, upload_copy
from pipeline.tracking.config import Target, TrackingError
from pipeline.tracking.contents import RunContents
from pipeline.tracking.datasets import dataset_input
from pipeline.tracking.model import log_model
from pipeline.tracking.owner import OWNER_TAG, identity
from pipeline.tracking.quiet import quiet
from pipeline.tracking.relocate import follow_project
from pipeline.tracking.retried import (
    EXECUTION_TAG,
    close_open,
    drop_copies,
    execution_token,
    log_inputs,
)
from pipeline.tracking.secrets import redact_uri
from pipeline.tracking.store import experiment_id, probe, store_lock


@dataclass(frozen=True)
class Logged:
    """A finished run: its id, its model's URI, and the folder the project was copied or moved
    from when the store's artifact paths were made to follow it."""

    run_id: str
    model_uri: str
    moved_from: Path | None = None
    copies: int = 0  # runs and models a retried request created twice, deleted (retried.py)


def log_run(contents: RunContents, target: Target) -> Logged:
    """Open one run in `target`, log `contents`, close it.

    A failure after the run opened marks it FAILED (KILLED on interrupt) before it propagates.
    """
    import mlflow

    with quiet():
        probe(target.uri)
        mlflow.set_tracking_uri(target.uri)
        with store_lock(target.uri):  # opening a SQLite store creates or migrates its schema
            return log_in(mlflow.MlflowClient(target.uri), contents, target)


def log_in(client: Any, contents: RunContents, target: Target) -> Logged:
    """Open the run with `client`, log `contents` and close it; mark it FAILED or KILLED when it
    stops half-way, and turn MLflow's errors into one TrackingError line."""
    import mlflow
    from mlflow.exceptions import MlflowException

    run, opening = None, False
    try:
        moved = follow_project(client, target)
        experiment = experiment_id(client, target)
        owner = identity()  # so that `make tracking-gc` can tell if this process dies unheard
        token = execution_token()
        tags = contents.tags | {EXECUTION_TAG: token} | ({OWNER_TAG: owner} if owner else {})
        opening = True
        run = mlflow.start_run(experiment_id=experiment, run_name=contents.name, tags=tags)
        mlflow.log_params(contents.params)
        inputs = [dataset_input(split) for split in contents.splits]
        log_inputs(client, run.info.run_id, inputs)
        info = log_model(contents.model, contents.model_name, contents.model_inputs)
        mlflow.log_metrics(contents.metrics, model_id=info.model_id)
        upload(client, run.info.run_id, artifact_files(contents.artifacts))
        with silent():
            copies = drop_copies(client, experiment, token, run.info.run_id, info.model_id)
    except BaseException as error:
        status = "KILLED" if isinstance(error, KeyboardInterrupt) else "FAILED"
        if mlflow.active_run() is not None:
            with contextlib.suppress(Exception), silent():
                mlflow.end_run(status)
        elif opening and isinstance(error, KeyboardInterrupt):
            # stopped inside start_run: the run may be in the store without being active yet
            with contextlib.suppress(Exception), silent():
                close_open(client, experiment, token, status)
        if not isinstance(error, MlflowException):
            raise
        if run is None:
            message = f"cannot open a run in {redact_uri(target.uri)}"
        else:
            message = f"run {run.info.run_id} in {redact_uri(target.uri)} is marked {status}"
        raise TrackingError(f"{message}: {first_line(error)}") from error
    with silent():
        mlflow.end_run("FINISHED")
    return Logged(run.info.run_id, info.model_uri, moved, copies)


def silent() -> contextlib.AbstractContextManager:
    """Against a server, MLflow writes "View run ... at: <url>" and "View experiment" straight to
    stdout when a run ends; the stage's own line names the run and the store."""
    return contextlib.redirect_stdout(io.StringIO())


def upload(client: Any, run_id: str, files: list[Path]) -> None:
    """Log each file under its project-relative folder, with a bar for a long upload."""
    with tempfile.TemporaryDirectory(prefix="track-") as masked:
        for file in steps(files, "track: uploading artifacts"):
            folder = file.parent.as_posix()
            copy = upload_copy(file, Path(masked))
            client.log_artifact(run_id, str(copy), None if folder == "." else folder)
