"""The tracking store: fail fast when a server does not answer, serialise writers of one SQLite
file, and find or create the experiment that receives the run."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.tracking.config import SQLITE_PREFIX, Target, TrackingError, redact

PROBE_TIMEOUT_S = 5.0


def probe(uri: str) -> None:
    """Fail at once, in one line, when an HTTP tracking server does not answer."""
    if urlsplit(uri).scheme not in ("http", "https"):
        return
    import requests

    try:
        requests.get(uri.rstrip("/") + "/health", timeout=PROBE_TIMEOUT_S)
    except requests.RequestException as error:
        raise TrackingError(
            f"cannot reach the MLflow tracking server at {redact(uri)} ({root_cause(error)}); "
            "start it, or point tracking.uri or MLFLOW_TRACKING_URI at a running one"
        ) from None


def root_cause(error: BaseException) -> str:
    """The last line of the innermost exception that `error` was raised from or during."""
    while (parent := error.__cause__ or error.__context__) is not None:
        error = parent
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__


@contextlib.contextmanager
def store_lock(uri: str) -> Iterator[None]:
    """Serialise runs written to the same SQLite file from this machine (queue workers in
    parallel); other stores handle concurrent clients themselves."""
    if not uri.startswith(SQLITE_PREFIX):
        yield
        return
    key = hashlib.sha256(uri.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"pipeline-track-{key}.lock"
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def experiment_id(client: Any, target: Target) -> str:
    """The id of the target experiment, created if missing (a concurrent creation is fine)."""
    from mlflow.exceptions import MlflowException

    for _ in range(2):
        experiment = client.get_experiment_by_name(target.experiment)
        if experiment is not None:
            if experiment.lifecycle_stage != "active":
                raise TrackingError(
                    f"experiment '{target.experiment}' is deleted in {redact(target.uri)}; "
                    f"restore it (mlflow experiments restore --experiment-id "
                    f"{experiment.experiment_id}) or choose another tracking.experiment"
                )
            return experiment.experiment_id
        try:
            return client.create_experiment(
                target.experiment, artifact_location=target.artifact_location
            )
        except MlflowException as error:
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
    raise TrackingError(f"cannot create experiment '{target.experiment}' in {redact(target.uri)}")
