"""Compare runs of the pipeline on the same test rows, A against each B; a gate for CI.

    python -m tools.compare HEAD workspace                 # the last commit against the files here
    python -m tools.compare main exp-a1b2c exp-c3d4e       # experiments of a sweep, Holm-adjusted
    python -m tools.compare HEAD~1 HEAD --markdown compare.md

A run is a git revision, a DVC experiment name, or `workspace` (the current files). Its test
predictions (`paths.predictions` of its own params.yaml), schema and dvc.lock are read through
DVC's file system, DVC outputs from the cache. The metrics, tolerance and bootstrap come from the
current params.yaml (`compare`), the seed from its `seed`. Prints a table with a row per run B
and metric; exits 1 when some B is worse than A on a metric of `compare.metrics` (one line per
failure), 2 on a usage error or when the runs were not scored on the same test rows.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.config import load_config
from pipeline.errors import ConfigError, DataValidationError, PipelineError
from pipeline.io import write_text
from pipeline.models.comparison import CompareConfig, compare, infer_task
from pipeline.predictions import Predictions
from pipeline.schema import Schema

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = "workspace"
DEFAULT_PATHS = {
    "predictions": "data/predictions/test.parquet",
    "schema": "data/features/schema.json",
    "test": "data/features/test.parquet",
}


@dataclass(frozen=True)
class Run:
    """What one revision's pipeline run left: its predictions, test split digest and schema."""

    label: str  # as named on the command line, with its commit
    predictions: Predictions
    test_md5: str | None  # of the test split, as its dvc.lock records it
    schema: Schema | None


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def resolve(name: str) -> str:
    """The commit of a git revision or of a DVC experiment name (as `dvc exp show` names it)."""
    found = git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    if found.returncode == 0:
        return found.stdout.strip()
    from dvc.repo import Repo
    from dvc.scm import RevError, resolve_rev

    with Repo(str(ROOT)) as repo:
        try:
            return resolve_rev(repo.scm, name)
        except RevError:
            raise ConfigError(
                f"'{name}' is neither a git revision nor a DVC experiment here (`dvc exp list "
                f"-A` lists them); name a commit, branch, tag, experiment or {WORKSPACE}"
            ) from None


class Files:
    """The files of one run: a revision's through DVC's file system (git-tracked files and DVC
    outputs from the cache alike; what `dvc.api.open` reads, with the repository opened once per
    run rather than once per file), or the workspace's as they are (rev None)."""

    def __init__(self, rev: str | None) -> None:
        from dvc.api import DVCFileSystem

        self.rev = rev
        self.fs = None if rev is None else DVCFileSystem(str(ROOT), rev=rev)

    def read(self, path: str) -> bytes | None:
        """The file's bytes; None when the run has no such file."""
        if self.fs is None:
            file = ROOT / path
            return file.read_bytes() if file.is_file() else None
        if not self.fs.exists(path):
            return None
        try:
            with self.fs.open(path, "rb") as handle:
                return handle.read()
        except FileNotFoundError:  # tracked, but its data is not in the cache
            raise DataValidationError(
                f"{path} of {self.rev} is not in the DVC cache; fetch it with `dvc pull` "
                "(`dvc exp pull` for an experiment) or reproduce that run"
            ) from None


def split_md5(lock: Mapping[str, Any], test: str) -> str | None:
    """The test split's md5: what `evaluate` read (its deps), else what `features` wrote."""
    stages = lock.get("stages") or {}
    for stage, key in (("evaluate", "deps"), ("features", "outs")):
        for entry in (stages.get(stage) or {}).get(key) or []:
            if entry.get("path") == test and entry.get("md5"):
                return str(entry["md5"])
    return None


def load_run(name: str) -> Run:
    """Read run `name` (a git revision, an experiment or the workspace)."""
    rev = None if name == WORKSPACE else resolve(name)
    label = name if rev is None else f"{name} ({rev[:7]})"
    files = Files(rev)
    params = yaml.safe_load(files.read("params.yaml") or b"") or {}
    paths = {**DEFAULT_PATHS, **(params.get("paths") or {})}
    data = files.read(paths["predictions"])
    if data is None:
        raise DataValidationError(
            f"run {label} has no {paths['predictions']}; run the pipeline there (dvc repro, "
            "then commit) or name another run"
        )
    predictions = Predictions.from_frame(pd.read_parquet(io.BytesIO(data)))
    lock = yaml.safe_load(files.read("dvc.lock") or b"") or {}
    schema_bytes = files.read(paths["schema"])
    schema = Schema.from_json(json.loads(schema_bytes)) if schema_bytes else None
    return Run(label, predictions, split_md5(lock, paths["test"]), schema)


def check_same_split(a: Run, runs: list[Run]) -> None:
    """Refuse runs whose dvc.lock records another test split than A's."""
    for run in runs:
        if a.test_md5 and run.test_md5 and run.test_md5 != a.test_md5:
            raise DataValidationError(
                f"run {run.label} was scored on another test split than {a.label} (md5 "
                f"{run.test_md5} against {a.test_md5} in dvc.lock): compare runs made with the "
                "same dataset, split and seed"
            )


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.compare",
        description="Paired comparison of pipeline runs on the same test rows.",
    )
    parser.add_argument("a", metavar="A", help=f"baseline: git rev, experiment or {WORKSPACE}")
    parser.add_argument("b", metavar="B", nargs="+", help="the runs to compare with A")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write Markdown here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    try:
        current = load_config(ROOT / "params.yaml")
        config = current.section(CompareConfig, "compare")
        a, *others = [load_run(name) for name in [args.a, *args.b]]
        check_same_split(a, others)
        task = a.schema.task if a.schema else infer_task(a.predictions)
        result = compare(
            a.predictions, [run.predictions for run in others], task, config, current.seed,
            names=[a.label, *(run.label for run in others)],
        )  # fmt: skip
    except PipelineError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    print(result.to_text(), end="")
    if args.markdown:
        write_text(args.markdown, result.to_markdown())
    for line in result.failures():
        print(f"FAIL: {line}")
    return 1 if result.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
