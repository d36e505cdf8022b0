"""Stage `track`: one MLflow run per execution of the pipeline. The only module importing MLflow.

The run logs the composed config as dotted params, every metric `dvc metrics show` prints, the
reports and plots, params.yaml, dvc.lock and the dependency lock file, the fitted model
(scikit-learn flavour, with signature and input example), the train and test splits as dataset
inputs, and tags that lead back to code and data: git commit, dirty flag, dvc.lock digest, dataset
SHA-256 and the DVC experiment.

dvc.lock is logged as it stands when this stage starts: every earlier stage of this execution is
recorded in it; its `track` entry is the previous run's (DVC writes it after this stage succeeds).

The store is `tracking.uri`, or MLFLOW_TRACKING_URI when set. A relative SQLite path is relative to
the project root, which DVC passes to every stage as DVC_ROOT: a queued experiment runs in a copy of
the repository under .dvc/tmp/exps/, yet DVC_ROOT names the original folder, so its run lands in
the same store as all others.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from pipeline.config import Config, load_config
from pipeline.environment import versions
from pipeline.errors import PipelineError, run_stage
from pipeline.io import file_digest, read_json, read_pickle, sha256_file
from pipeline.schema import read_schema

PARAMS_YAML = Path("params.yaml")
DVC_LOCK = Path("dvc.lock")
MODEL_NAME = "model"
INPUT_EXAMPLE_ROWS = 5
SCHEMA_SAMPLE_ROWS = 1000
PROBE_TIMEOUT_S = 5.0
SQLITE_PREFIX = "sqlite:///"


class TrackingError(PipelineError):
    """The tracking store cannot be reached or refuses the run."""


@dataclass(frozen=True)
class TrackingConfig:
    uri: str  # MLflow tracking URI; a relative sqlite:/// path is relative to the project root
    experiment: str  # the MLflow experiment that receives the runs
    artifact_location: str | None  # for experiments created in a SQLite store; relative to the root
    dependency_lock: str  # lock file of the Python environment, logged with each run


@dataclass(frozen=True)
class Target:
    """Where the run goes: the resolved URI and, for new experiments, their artifact location."""

    uri: str
    experiment: str
    artifact_location: str | None


@dataclass(frozen=True)
class Provenance:
    """What leads back to the code and data: the values of the run's traceability tags."""

    commit: str | None
    dirty: bool | None
    dirty_paths: tuple[str, ...]
    dvc_lock_sha256: str | None
    data_sha256: str
    source_sha256: dict[str, str]
    exp_name: str | None
    exp_baseline: str | None


# ---------------------------------------------------------------------------------------------
# Pure helpers


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
    if local:
        path = uri[len(SQLITE_PREFIX) :]
        if path and not path.startswith(("/", ":memory:")):
            uri = SQLITE_PREFIX + str(root / path)
    location = config.artifact_location
    if location is not None and not urlsplit(location).scheme:
        location = (root / location / safe_name(config.experiment)).as_uri() if local else None
    return Target(uri=uri, experiment=config.experiment, artifact_location=location)


def safe_name(name: str) -> str:
    """A folder name for an experiment name."""
    kept = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".")
    return kept or "experiment"


def redact(uri: str) -> str:
    """`uri` without a password, for messages."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def param_value(value: Any) -> str:
    """A parameter value as it would be written in YAML or on the command line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return json.dumps(list(value))
    return str(value)


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one level with dotted keys; an empty mapping stays, as `{}`."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat |= flatten(value, f"{name}.")
        elif isinstance(value, Mapping):
            flat[name] = "{}"
        else:
            flat[name] = value
    return flat


def flat_params(raw: Mapping[str, Any]) -> dict[str, str]:
    """The composed config as MLflow params: `model.n_estimators`, `dataset.name`, ..."""
    return {key: param_value(value) for key, value in sorted(flatten(raw).items())}


def merge_metrics(files: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One dict of metric name to value, named as `dvc metrics show` names them.

    Nested keys are joined with dots; a name found in two files is prefixed with `file:`.
    """
    flat = {name: flatten(data) for name, data in files.items()}
    counts: dict[str, int] = {}
    for data in flat.values():
        for key in data:
            counts[key] = counts.get(key, 0) + 1
    merged: dict[str, Any] = {}
    for name, data in sorted(flat.items()):
        for key, value in data.items():
            merged[key if counts[key] == 1 else f"{name}:{key}"] = value
    return merged


def numeric_metrics(metrics: Mapping[str, Any]) -> tuple[dict[str, float], list[str]]:
    """(metrics MLflow can store, names skipped): nulls and text are skipped; booleans are 0/1."""
    kept: dict[str, float] = {}
    skipped: list[str] = []
    for name, value in sorted(metrics.items()):
        if isinstance(value, bool | int | float) and value == value:  # NaN != NaN
            kept[name] = float(value)
        else:
            skipped.append(name)
    return kept, skipped


def run_name(model: str, provenance: Provenance) -> str:
    """`<model>-<DVC experiment>` under `dvc exp run`, else `<model>-<short commit>`."""
    if provenance.exp_name:
        return f"{model}-{provenance.exp_name}"
    if provenance.commit:
        return f"{model}-{provenance.commit[:7]}"
    return model


def run_tags(config: Config, provenance: Provenance) -> dict[str, str]:
    tags = {
        "git.dirty": "unknown" if provenance.dirty is None else str(provenance.dirty).lower(),
        "dataset.name": config.dataset.name,
        "dataset.sha256": provenance.data_sha256,
        "model.name": config.model.name,
        "mlflow.source.name": "dvc exp run" if provenance.exp_name else "dvc repro",
        "mlflow.note.content": description(config, provenance),
    }
    for file, digest in sorted(provenance.source_sha256.items()):
        tags[f"dataset.source_sha256.{file}"] = digest
    if provenance.commit:
        tags["git.commit"] = provenance.commit
        tags["mlflow.source.git.commit"] = provenance.commit
    if provenance.dirty_paths:
        tags["git.dirty_paths"] = " ".join(provenance.dirty_paths)[:5000]
    if provenance.dvc_lock_sha256:
        tags["dvc.lock.sha256"] = provenance.dvc_lock_sha256
    if provenance.exp_name:
        tags["dvc.exp_name"] = provenance.exp_name
    if provenance.exp_baseline:
        tags["dvc.exp_baseline_rev"] = provenance.exp_baseline
    for name, version in versions().items():
        tags[f"env.{name}"] = version
    return tags


def description(config: Config, provenance: Provenance) -> str:
    """The run's note in the MLflow UI: what ran, and how to get it back."""
    lines = [f"`{config.model.name}` on `{config.dataset.name}`."]
    if provenance.exp_name:
        lines.append(
            f"DVC experiment `{provenance.exp_name}`: `dvc exp apply {provenance.exp_name}` "
            "restores its code, params and outputs."
        )
    if provenance.commit:
        state = "with uncommitted changes" if provenance.dirty else "clean"
        lines.append(f"Git commit `{provenance.commit}` ({state}).")
    return "\n\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Reading the project: DVC metrics and outputs, git state


def read_dvc() -> tuple[dict[str, Any], list[str], set[str]]:
    """(metrics as `dvc metrics show` prints them, metrics files, every stage output path)."""
    from dvc.repo import Repo

    with Repo() as repo:
        shown = repo.metrics.show(on_error="raise")
        root = Path(repo.root_dir)
        outs = {Path(out.fs_path).relative_to(root).as_posix() for out in repo.index.outs}
    workspace = next(iter(shown.values()), {}).get("data", {})
    files = {Path(name).as_posix(): entry.get("data", {}) for name, entry in workspace.items()}
    return merge_metrics(files), sorted(files), outs


def git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return result.stdout if result.returncode == 0 else None


def changed_paths(porcelain: str) -> list[str]:
    """Paths from `git status --porcelain -z` (both names of a rename)."""
    paths: list[str] = []
    entries = iter(porcelain.split("\0"))
    for entry in entries:
        if not entry:
            continue
        paths.append(entry[3:])
        if entry[0] in "RC":
            paths.append(next(entries, ""))
    return [p for p in paths if p]


def is_output(path: str, outputs: set[str]) -> bool:
    return any(path == out or path.startswith(f"{out}/") for out in outputs)


def git_state(outputs: set[str]) -> tuple[str | None, bool | None, tuple[str, ...]]:
    """(HEAD commit, dirty, dirty paths). DVC outputs, the .gitignore files DVC keeps beside them,
    dvc.lock and the composed params.yaml are results of the run: they do not make it dirty."""
    commit = git("rev-parse", "--verify", "HEAD")
    status = git("status", "--porcelain", "-z", "--untracked-files=all")
    if commit is None or status is None:
        return None, None, ()
    ignores = {(Path(out).parent / ".gitignore").as_posix() for out in outputs}  # DVC writes them
    derived = outputs | ignores | {DVC_LOCK.as_posix(), PARAMS_YAML.as_posix()}
    dirty = tuple(sorted(p for p in changed_paths(status) if not is_output(p, derived)))
    return commit.strip(), bool(dirty), dirty


def read_provenance(config: Config, outputs: set[str]) -> Provenance:
    record = read_json(config.paths.provenance)
    commit, dirty, dirty_paths = git_state(outputs)
    return Provenance(
        commit=commit,
        dirty=dirty,
        dirty_paths=dirty_paths,
        dvc_lock_sha256=sha256_file(DVC_LOCK) if DVC_LOCK.is_file() else None,
        data_sha256=record["data_sha256"],
        source_sha256=dict(record.get("source_sha256") or {}),
        exp_name=os.environ.get("DVC_EXP_NAME") or None,
        exp_baseline=os.environ.get("DVC_EXP_BASELINE_REV") or None,
    )


def artifact_paths(config: Config, metrics_files: list[str], lock_file: str) -> list[Path]:
    """Files and folders to log: the folders holding the reports (metrics files, validation report;
    plots live below them), the data's provenance, params.yaml, dvc.lock and the dependency lock."""
    reports = {Path(name) for name in [*metrics_files, config.paths.validation]}
    folders = {path.parent if path.parent != Path(".") else path for path in reports}
    outermost = sorted(f for f in folders if not any(other in f.parents for other in folders))
    wanted = [*outermost, Path(config.paths.provenance), PARAMS_YAML, DVC_LOCK, Path(lock_file)]
    return [path for path in dict.fromkeys(wanted) if path.exists()]


def artifact_files(paths: list[Path]) -> list[Path]:
    """The files to upload: each file of `paths`, and the files in each folder but hidden ones."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and not hidden:
                    files.append(file)
        else:
            files.append(path)
    return files


def stage_artifacts(paths: list[Path], staging: Path) -> None:
    """Copy the artifact files under `staging` with their project-relative paths: one upload."""
    for file in artifact_files(paths):
        target = staging / file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)


# ---------------------------------------------------------------------------------------------
# MLflow


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
    while error.__cause__ or error.__context__:
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
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


def sample(frame: pd.DataFrame, rows: int = SCHEMA_SAMPLE_ROWS) -> pd.DataFrame:
    """The first `rows` rows plus the first row missing each column: the same schema as the whole
    frame (types come from the dtypes; a column with a missing value is optional), found fast."""
    index = set(frame.index[:rows])
    for column in frame.columns[frame.isna().any()]:
        index.add(frame.index[frame[column].isna()][0])
    return frame.loc[sorted(index)]


@contextlib.contextmanager
def data_types_kept() -> Iterator[None]:
    """Silence MLflow's hint that integer columns cannot hold NaN: the data's own types are kept
    on purpose (int64 does not convert safely to float64), so the model takes the frame as it is."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer column")
        yield


def column_schema(frame: pd.DataFrame) -> Any:
    """MLflow's column schema of `frame`, as its dataset and signature inference would give it."""
    from mlflow.models import infer_signature

    with data_types_kept():
        return infer_signature(sample(frame)).inputs


def dataset_input(split: Split) -> Any:
    """A dataset input: digest is the file's MD5 (DVC's hash in dvc.lock), source its path."""
    from mlflow.entities import Dataset, DatasetInput, InputTag
    from mlflow.utils.mlflow_tags import MLFLOW_DATASET_CONTEXT

    frame = split.frame
    dataset = Dataset(
        name=split.name,
        digest=file_digest(split.path, "md5"),  # as dvc.lock records it
        source_type="local",
        source=json.dumps({"uri": split.path}),
        schema=json.dumps({"mlflow_colspec": column_schema(frame).to_dict()}),
        profile=json.dumps({"num_rows": len(frame), "num_elements": int(frame.size)}),
    )
    tag = InputTag(key=MLFLOW_DATASET_CONTEXT, value=split.context)
    return DatasetInput(dataset=dataset, tags=[tag])


def log_model(model: Any, features: pd.DataFrame) -> Any:
    """Log the fitted Pipeline with the scikit-learn flavour, a signature and an input example.

    The signature has the raw feature columns with their own types, so the model takes the frame
    a user has. Serialised with pickle, like the pipeline's own model file: MLflow gates loading of
    every format behind MLFLOW_ALLOW_PICKLE_DESERIALIZATION (skops too, as skops's trust list
    travels inside the model), so skops would add seconds per run and protect nothing here.
    """
    import mlflow.sklearn
    from mlflow.models import ModelSignature, infer_signature

    example = features.head(INPUT_EXAMPLE_ROWS)
    with data_types_kept():
        outputs = infer_signature(example, model.predict(example)).outputs
    return mlflow.sklearn.log_model(
        model,
        name=MODEL_NAME,
        signature=ModelSignature(inputs=column_schema(features), outputs=outputs),
        input_example=example,
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_PICKLE,
        pip_requirements=mlflow.sklearn.get_default_pip_requirements(),
    )


@dataclass(frozen=True)
class Split:
    """A data split logged as a dataset input."""

    name: str  # e.g. adult-train
    context: str  # training or evaluation
    path: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class RunContents:
    """Everything one run logs, read from the project before the run opens."""

    name: str
    params: dict[str, str]
    metrics: dict[str, float]
    tags: dict[str, str]
    artifacts: list[Path]
    model: Any
    model_inputs: pd.DataFrame  # the training split's feature columns, for the signature
    splits: tuple[Split, ...]


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
                message = f"cannot open a run in {redact(target.uri)}"
            else:
                message = f"run {run.info.run_id} in {redact(target.uri)} is marked {status}"
            raise TrackingError(f"{message}: {first_line(error)}") from error
        mlflow.end_run("FINISHED")
    return run.info.run_id, info.model_uri


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


# ---------------------------------------------------------------------------------------------
# Stage


def collect(config: Config, tracking: TrackingConfig) -> tuple[RunContents, list[str]]:
    """Read what the run logs from the project: (contents, names of metrics skipped)."""
    metrics, metrics_files, outputs = read_dvc()
    kept, skipped = numeric_metrics(metrics)
    provenance = read_provenance(config, outputs)
    schema = read_schema(config.paths.schema)
    train = pd.read_parquet(config.paths.train)
    splits = (
        Split(f"{config.dataset.name}-train", "training", config.paths.train, train),
        Split(
            f"{config.dataset.name}-test",
            "evaluation",
            config.paths.test,
            pd.read_parquet(config.paths.test),
        ),
    )
    contents = RunContents(
        name=run_name(config.model.name, provenance),
        params=flat_params(config.raw),
        metrics=kept,
        tags=run_tags(config, provenance),
        artifacts=artifact_paths(config, metrics_files, tracking.dependency_lock),
        model=read_pickle(config.paths.model),
        model_inputs=train[schema.features],
        splits=splits,
    )
    return contents, skipped


def tracking_config(config: Config, environ: Mapping[str, str] = os.environ) -> TrackingConfig:
    """The `tracking` section; MLFLOW_TRACKING_URI, when set, replaces `tracking.uri`."""
    raw = config.raw.get("tracking")
    override = environ.get("MLFLOW_TRACKING_URI")
    if override and isinstance(raw, Mapping):
        raw = {**raw, "uri": override}
        config = dataclasses.replace(config, raw={**config.raw, "tracking": raw})
    return config.section(TrackingConfig, "tracking")


def interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    start = time.perf_counter()
    signal.signal(signal.SIGTERM, interrupt)  # so a stopped run is marked KILLED, not left RUNNING
    config = load_config()
    tracking = tracking_config(config)
    target = resolve_target(tracking, project_root())
    contents, skipped = collect(config, tracking)
    run_id, model_uri = log_run(contents, target)
    note = f"; skipped (null or not a number): {', '.join(skipped)}" if skipped else ""
    print(
        f"track: run {run_id} '{contents.name}' in experiment '{target.experiment}' at "
        f"{redact(target.uri)}: {len(contents.params)} params, {len(contents.metrics)} metrics"
        f"{note}; model {model_uri}; {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    run_stage(main)
