"""The tracking store: fail fast when a server does not answer, serialise writers of one SQLite
file (a lock file in the project's .dvc/tmp/, removed after use), and find or create the
experiment that receives the run, its artifacts inside the project (relocate.py)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.tracking.config import SQLITE_PREFIX, Target, TrackingError, project_root
from pipeline.tracking.relocate import check_inside
from pipeline.tracking.secrets import redact_uri

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
            f"cannot reach the MLflow tracking server at {redact_uri(uri)} ({root_cause(error)}); "
            "start it, or point tracking.uri or MLFLOW_TRACKING_URI at a running one"
        ) from None


def root_cause(error: BaseException) -> str:
    """The last line of the innermost exception that `error` was raised from or during."""
    while (parent := error.__cause__ or error.__context__) is not None:
        error = parent
    text = str(error).strip().splitlines()
    return text[-1] if text else type(error).__name__


def lock_path(uri: str, root: Path) -> Path:
    """The lock file of a SQLite store: in the project's temporary folder (DVC's .dvc/tmp/),
    named from a hash of the store's path, so every writer of one store takes the same lock."""
    store = Path(uri[len(SQLITE_PREFIX) :]).resolve()
    key = hashlib.sha256(str(store).encode()).hexdigest()[:16]
    return root / ".dvc" / "tmp" / f"track-{key}.lock"


@contextlib.contextmanager
def store_lock(uri: str, root: Path | None = None) -> Iterator[None]:
    """Serialise runs written to the same SQLite file from this project (queue workers in
    parallel); other stores handle concurrent clients themselves.

    The lock file is removed after use, without a race: a writer that locked a file another one
    removed meanwhile (its inode is no longer the one at the path) lets go and tries again, and
    the file is removed only while locked.
    """
    if not uri.startswith(SQLITE_PREFIX):
        yield
        return
    path = lock_path(uri, project_root() if root is None else root)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            mine = os.fstat(fd)
            try:
                current = os.stat(path, follow_symlinks=False)
            except FileNotFoundError:
                current = None
        except BaseException:
            os.close(fd)
            raise
        if current is not None and (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
            break
        os.close(fd)  # removed or replaced by the writer before us: lock the one there now
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)


def experiment_id(client: Any, target: Target) -> str:
    """The id of the target experiment, created if missing (a concurrent creation is fine)."""
    from mlflow.exceptions import MlflowException

    for _ in range(2):
        experiment = client.get_experiment_by_name(target.experiment)
        if experiment is not None:
            if experiment.lifecycle_stage != "active":
                raise TrackingError(
                    f"experiment '{target.experiment}' is deleted in {redact_uri(target.uri)}; "
                    f"restore it (mlflow experiments restore --experiment-id "
                    f"{experiment.experiment_id}) or choose another tracking.experiment"
                )
            check_inside(experiment, target)
            return experiment.experiment_id
        try:
            return client.create_experiment(
                target.experiment, artifact_location=target.artifact_location
            )
        except MlflowException as error:
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
    raise TrackingError(
        f"cannot create experiment '{target.experiment}' in {redact_uri(target.uri)}"
    )
