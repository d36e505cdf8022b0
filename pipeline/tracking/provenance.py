"""What leads a run back to its code and data, and how the run records it: name, tags and note.

The values: git commit and dirty flag (the pipeline's own results do not make the tree dirty),
the dvc.lock digest, the data's SHA-256 from the ingest stage and the DVC experiment, if any.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.data import provenance as ingest
from pipeline.environment import versions
from pipeline.io import read_json, sha256_file
from pipeline.tracking.config import DVC_LOCK, PARAMS_YAML


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


def read_ingest_provenance(path: str | Path) -> ingest.Provenance:
    """The ingest stage's result (data/raw/provenance.json): the one place tracking reads it."""
    return ingest.Provenance.from_json(read_json(path))


def read_provenance(path: str | Path, outputs: set[str]) -> Provenance:
    """The provenance of this execution: `path` is the ingest stage's record, `outputs` every
    DVC stage output (results of the run, which do not make the tree dirty)."""
    record = read_ingest_provenance(path)
    commit, dirty, dirty_paths = git_state(outputs)
    return Provenance(
        commit=commit,
        dirty=dirty,
        dirty_paths=dirty_paths,
        dvc_lock_sha256=sha256_file(DVC_LOCK) if DVC_LOCK.is_file() else None,
        data_sha256=record.data_sha256,
        source_sha256=dict(record.source_sha256),
        exp_name=os.environ.get("DVC_EXP_NAME") or None,
        exp_baseline=os.environ.get("DVC_EXP_BASELINE_REV") or None,
    )


def git(*args: str) -> str | None:
    """The output of a git command, or None when git is missing or the command fails."""
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
    """Whether `path` is one of `outputs` or lies in an output folder."""
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


def run_name(model: str, dataset: str, provenance: Provenance) -> str:
    """`random_forest · adult`, and under `dvc exp run` the DVC experiment's name after them
    (`random_forest · adult · tidy-mule`); the commit is in the tags."""
    parts = [model, dataset, *([provenance.exp_name] if provenance.exp_name else [])]
    return " · ".join(parts)


def run_tags(dataset: str, model: str, provenance: Provenance) -> dict[str, str]:
    """The run's tags: git state, dataset digests, model, DVC experiment, software versions."""
    tags = {
        "git.dirty": "unknown" if provenance.dirty is None else str(provenance.dirty).lower(),
        "dataset.name": dataset,
        "dataset.sha256": provenance.data_sha256,
        "model.name": model,
        "mlflow.source.name": "dvc exp run" if provenance.exp_name else "dvc repro",
        "mlflow.note.content": description(dataset, model, provenance),
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


def description(dataset: str, model: str, provenance: Provenance) -> str:
    """The run's note in the MLflow UI: what ran (`model` on `dataset`), and how to get it back."""
    lines = [f"`{model}` on `{dataset}`."]
    if provenance.exp_name:
        lines.append(
            f"DVC experiment `{provenance.exp_name}`: `dvc exp apply {provenance.exp_name}` "
            "restores its code, params and outputs."
        )
    if provenance.commit:
        state = "with uncommitted changes" if provenance.dirty else "clean"
        lines.append(f"Git commit `{provenance.commit}` ({state}).")
    return "\n\n".join(lines)
