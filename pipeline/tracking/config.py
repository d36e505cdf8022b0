"""Where a run goes: the `tracking` section, the store's URI and the experiment.

The store is `tracking.uri`, or MLFLOW_TRACKING_URI when set. A relative SQLite path is relative to
the project root, which DVC passes to every stage as DVC_ROOT: a queued experiment runs in a copy of
the repository under .dvc/tmp/exps/, yet DVC_ROOT names the original folder, so its run lands in
the same store as all others. The experiment is `tracking.experiment`, by default the dataset's
label: its name, with the file's name for data read from the user's own file (`csv-sales`).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import Config
from pipeline.errors import PipelineError

SQLITE_PREFIX = "sqlite:///"
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".gz", ".bz2", ".xz", ".zip")
PARAMS_YAML = Path("params.yaml")  # the composed config, written by the params stage
DVC_LOCK = Path("dvc.lock")


class TrackingError(PipelineError):
    """The tracking store cannot be reached or refuses the run."""


@dataclass(frozen=True)
class TrackingConfig:
    uri: str  # MLflow tracking URI; a relative sqlite:/// path is relative to the project root
    experiment: str | None  # the MLflow experiment that receives the runs; null: dataset label
    artifact_location: str | None  # for experiments created in a SQLite store; relative to the root
    dependency_lock: str  # lock file of the Python environment, logged with each run


@dataclass(frozen=True)
class Target:
    """Where the run goes: the resolved URI and, for new experiments, their artifact location."""

    uri: str
    experiment: str
    artifact_location: str | None
    # the project folder, when the store is a SQLite file in it and artifacts go in it too
    root: Path | None = None


def tracking_config(config: Config, environ: Mapping[str, str] = os.environ) -> TrackingConfig:
    """The `tracking` section; MLFLOW_TRACKING_URI, when set, replaces `tracking.uri`, and a null
    `tracking.experiment` is the dataset's label."""
    raw = config.raw.get("tracking")
    override = environ.get("MLFLOW_TRACKING_URI")
    if override and isinstance(raw, Mapping):
        raw = {**raw, "uri": override}
        config = dataclasses.replace(config, raw={**config.raw, "tracking": raw})
    tracking = config.section(TrackingConfig, "tracking")
    return dataclasses.replace(tracking, experiment=tracking.experiment or dataset_label(config))


def dataset_label(config: Config) -> str:
    """The dataset's name, and for data read from the user's own file (`dataset.path`) the file's
    name without its extensions: `csv-sales` for data/sales.csv.gz, so each file has its runs."""
    path = config.dataset.options.get("path")
    if not isinstance(path, str) or not path:
        return config.dataset.name
    name = Path(path).name
    while (suffix := Path(name).suffix.lower()) in DATA_SUFFIXES and Path(name).stem:
        name = name[: -len(suffix)]
    stem = re.sub(r"\s+", "_", name.strip())
    return f"{config.dataset.name}-{stem}" if stem else config.dataset.name


def project_root(environ: Mapping[str, str] = os.environ) -> Path:
    """The original project folder: DVC_ROOT (set by DVC for every stage, the parent repository's
    root under a queued experiment), else the current directory."""
    return Path(environ.get("DVC_ROOT") or ".").resolve()


def resolve_target(config: TrackingConfig, root: Path) -> Target:
    """Where the run goes: a relative SQLite path made absolute under `root`.

    A relative `artifact_location` is a folder under `root` (one per experiment), used only with a
    SQLite store; with a server, the server decides unless the location is a URI (s3://...).
    """
    uri = config.uri
    local = uri.startswith(SQLITE_PREFIX)
    path = uri[len(SQLITE_PREFIX) :] if local else ""
    if path and not path.startswith(("/", ":memory:")):
        uri = SQLITE_PREFIX + str(root / path)
    experiment = config.experiment or "Default"
    location = config.artifact_location
    in_project = False
    if location is not None and not urlsplit(location).scheme:
        in_project = local and not Path(location).is_absolute() and own_store(uri, root)
        location = (root / location / safe_name(experiment)).as_uri() if local else None
    return Target(uri, experiment, location, root if in_project else None)


def own_store(uri: str, root: Path) -> bool:
    """Whether the SQLite store at `uri` is a file inside `root`: it moves with the project."""
    path = uri[len(SQLITE_PREFIX) :]
    if not path or path.startswith(":memory:"):
        return False
    return Path(path).resolve().is_relative_to(root.resolve())


def safe_name(name: str) -> str:
    """A folder name for an experiment name."""
    kept = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".")
    return kept or "experiment"
