"""What a retried request may have created twice, found and removed before the run closes.

MLflow's client retries every request to a tracking server, POSTs included, when the connection
fails or the answer is lost (a server restarted mid-request). Most writes are idempotent on the
server: a metric with the same key, step, timestamp and value is stored once, a param with the
same value, a tag, a dataset input. Two are not: creating a run and creating a logged model, whose
lost answer makes the retry create a second one. Each run carries a token of its execution
(EXECUTION_TAG, random: it names this process's attempt, nothing in the DVC outputs), so the copies
of a run are found by it and of a model by its source run; every copy but the one logged to is
marked KILLED (runs) and deleted. The token also finds the run that a stop inside
`mlflow.start_run` created but left inactive, so that it is closed (close_open).

One shared write can also lose a race: two runs logging the same dataset at once (log_inputs).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

EXECUTION_TAG = "pipeline.execution"
# A database's refusal of a second row with the same key (PostgreSQL, SQLite, MySQL)
DUPLICATE_KEY = re.compile(r"duplicate key|unique constraint|duplicate entry", re.IGNORECASE)
ATTEMPTS = 3


def execution_token() -> str:
    """A new token for one execution of the track stage."""
    return uuid.uuid4().hex


def execution_runs(client: Any, experiment: str, token: str, status: str | None = None) -> list:
    """The runs (not deleted) that this execution created, only those in `status` if given."""
    from mlflow.entities import ViewType

    query = f"tags.`{EXECUTION_TAG}` = '{token}'"
    if status is not None:
        query += f" and attributes.status = '{status}'"
    return client.search_runs([experiment], query, run_view_type=ViewType.ACTIVE_ONLY)


def drop_copies(client: Any, experiment: str, token: str, run_id: str, model_id: str) -> int:
    """Delete the runs of this execution other than `run_id` and the logged models of `run_id`
    other than `model_id`; how many copies there were."""
    runs = execution_runs(client, experiment, token)
    extra_runs = [run.info.run_id for run in runs if run.info.run_id != run_id]
    for extra in extra_runs:
        client.set_terminated(extra, "KILLED")
        client.delete_run(extra)
    models = client.search_logged_models([experiment], f"source_run_id = '{run_id}'")
    extra_models = [model.model_id for model in models if model.model_id != model_id]
    for extra in extra_models:
        client.delete_logged_model(extra)
    return len(extra_runs) + len(extra_models)


def close_open(client: Any, experiment: str, token: str, status: str) -> None:
    """Mark `status` every run of this execution still RUNNING: a stop that lands inside
    `mlflow.start_run`, after the store created the run but before it became the active run,
    leaves a run that nothing else would close."""
    for run in execution_runs(client, experiment, token, "RUNNING"):
        client.set_terminated(run.info.run_id, status)


def log_inputs(client: Any, run_id: str, inputs: list[Any]) -> None:
    """Log dataset inputs to a run. Runs of a sweep log the same dataset (same name and digest)
    into one experiment; when two do it at once, the server checks that the dataset is new for
    both, one inserts it first, and the other's insert breaks a unique key (an MLflow server on
    PostgreSQL answers BAD_REQUEST). Logging inputs is idempotent, so that one is tried again,
    and then finds the dataset."""
    from mlflow.exceptions import MlflowException

    for attempt in range(ATTEMPTS):
        try:
            client.log_inputs(run_id, inputs)
            return
        except MlflowException as error:
            if attempt == ATTEMPTS - 1 or not DUPLICATE_KEY.search(str(error)):
                raise
