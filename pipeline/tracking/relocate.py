"""A project copied or moved with its store: artifacts keep landing inside the project.

MLflow records artifact locations as absolute paths: an experiment's, and from it every run's and
logged model's. The project's own SQLite store (mlflow.db in the project folder) travels with the
folder when it is copied or moved, and would keep sending new runs' files to the old folder. So
before a run opens, the store's paths under the old folder are rewritten to the same paths under
the project's folder; its artifacts folder travelled along, so the old runs' files are found there.
The old folder is read off the store's experiments: one whose location ends as it would be made
now (`<tracking.artifact_location>/<experiment>`) under another folder. Nothing here runs for a
server, a store outside the project (shared) or artifacts placed outside it on purpose.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from pipeline.tracking.config import SQLITE_PREFIX, Target, TrackingError, safe_name

# Where MLflow's SQL store keeps artifact locations (tables missing from a schema are skipped).
COLUMNS = (
    ("experiments", "artifact_location"),
    ("runs", "artifact_uri"),
    ("logged_models", "artifact_location"),
    ("model_versions", "storage_location"),
    ("model_versions", "source"),
)


def local_path(location: str) -> Path | None:
    """The folder an artifact location names on this machine (file URI or absolute path)."""
    parts = urlsplit(location)
    if parts.scheme == "file":
        return Path(url2pathname(parts.path))
    if not parts.scheme and location.startswith("/"):
        return Path(location)
    return None


def moved_from(location: str, name: str, target: Target) -> Path | None:
    """The project folder experiment `name` at `location` was created in, when not this one."""
    if target.root is None or target.artifact_location is None:
        return None
    found, made = local_path(location), local_path(target.artifact_location)
    if found is None or made is None:
        return None
    suffix = (made.parent / safe_name(name)).relative_to(target.root).parts
    if len(found.parts) <= len(suffix) or found.parts[-len(suffix) :] != suffix:
        return None
    old = Path(*found.parts[: -len(suffix)])
    return None if old == target.root else old


def reroot(database: Path, old: Path, new: Path) -> int:
    """Rewrite every artifact location under `old` to the same place under `new`: rows changed."""
    pairs = [(f"{old.as_uri()}/", f"{new.as_uri()}/"), (f"{old}/", f"{new}/")]
    changed = 0
    with contextlib.closing(sqlite3.connect(database, timeout=60)) as db, db:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        tables = {name for (name,) in db.execute(query)}
        for table, column in COLUMNS:
            if table not in tables:
                continue
            for before, after in pairs:
                changed += db.execute(
                    f"UPDATE {table} SET {column} = ? || substr({column}, ?) "
                    f"WHERE substr({column}, 1, ?) = ?",
                    (after, len(before) + 1, len(before), before),
                ).rowcount
    return changed


def follow_project(client: Any, target: Target) -> Path | None:
    """When the project was copied or moved with its store, rewrite the store's paths under the old
    folder to this one: the old folder, or None when nothing moved (or the store is not the
    project's own)."""
    if target.root is None:
        return None
    from mlflow.entities import ViewType

    for experiment in client.search_experiments(view_type=ViewType.ALL):
        old = moved_from(experiment.artifact_location, experiment.name, target)
        if old is not None:
            reroot(Path(target.uri[len(SQLITE_PREFIX) :]), old, target.root)
            return old
    return None


def check_inside(experiment: Any, target: Target) -> None:
    """Refuse an experiment of the project's own store that keeps its artifacts elsewhere."""
    found = local_path(experiment.artifact_location)
    if target.root is None or found is None:
        return
    if not found.resolve().is_relative_to(target.root.resolve()):
        raise TrackingError(
            f"experiment '{target.experiment}' keeps its artifacts in {found}, outside this "
            f"project ({target.root}); set tracking.experiment to a new name, whose artifacts "
            "then go inside the project"
        )
