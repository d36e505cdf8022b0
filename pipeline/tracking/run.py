"""One MLflow run per pipeline execution: open it, log the contents, close it.

A failure after the run opened marks it FAILED, an interrupt (Ctrl-C, or SIGTERM, which the stage's
entry point raises as an interrupt) KILLED, so no run is left RUNNING; MLflow's own errors become
one TrackingError line.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from pipeline.errors import first_line
from pipeline.tracking.artifacts import stage_artifacts
from pipeline.tracking.config import Target, TrackingError
from pipeline.tracking.contents import RunContents
from pipeline.tracking.datasets import dataset_input
from pipeline.tracking.model import log_model
from pipeline.tracking.secrets import redact_uri
from pipeline.tracking.store import experiment_id, probe, store_lock


def log_run(contents: RunContents, target: Target) -> tuple[str, str]:
    """Open one run in `target`, log `contents`, close it: (run id, model URI).

    A failure after the run opened marks it FAILED (KILLED on interrupt) before it propagates.
    """
    import mlflow
    from mlflow.exceptions import MlflowException

    probe(target.uri)
    mlflow.set_tracking_uri(target.uri)
    client = mlflow.MlflowClient(target.uri)
    with store_lock(target.uri):
        run = None
        try:
            experiment = experiment_id(client, target)
            run = mlflow.start_run(
                experiment_id=experiment, run_name=contents.name, tags=contents.tags
            )
            mlflow.log_params(contents.params)
            inputs = [dataset_input(split) for split in contents.splits]
            client.log_inputs(run.info.run_id, inputs)
            info = log_model(contents.model, contents.model_inputs)
            mlflow.log_metrics(contents.metrics, model_id=info.model_id)
            with tempfile.TemporaryDirectory(prefix="track-") as staging:
                stage_artifacts(contents.artifacts, Path(staging))
                mlflow.log_artifacts(staging)
        except BaseException as error:
            status = "KILLED" if isinstance(error, KeyboardInterrupt) else "FAILED"
            if mlflow.active_run() is not None:
                with contextlib.suppress(Exception):
                    mlflow.end_run(status)
            if not isinstance(error, MlflowException):
                raise
            if run is None:
                message = f"cannot open a run in {redact_uri(target.uri)}"
            else:
                message = f"run {run.info.run_id} in {redact_uri(target.uri)} is marked {status}"
            raise TrackingError(f"{message}: {first_line(error)}") from error
        mlflow.end_run("FINISHED")
    return run.info.run_id, info.model_uri
