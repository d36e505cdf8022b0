"""Shared test builders: stage runs in a folder, temporary copies of the repository, tool runs.

Imported as `from helpers import ...` (tests/ is on pytest's pythonpath); fixtures live in
conftest.py.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pipeline.data.features import FeaturesConfig
from pipeline.io import strict
from pipeline.schema import Schema
from pipeline.stages import (
    correlation,
    crossval,
    dp,
    evaluate,
    explain,
    fairness,
    features,
    ingest,
    privacy,
    report,
    train,
    validate,
)  # fmt: skip
from pipeline.stages import params as compose
from tools.check_repro import environment

if TYPE_CHECKING:
    from mlflow import MlflowClient

ROOT = Path(__file__).resolve().parents[1]
STAGES = {
    "ingest": ingest.main,
    "validate": validate.main,
    "features": features.main,
    "train": train.main,
    "evaluate": evaluate.main,
    "crossval": crossval.main,
    "fairness": fairness.main,
    "correlation": correlation.main,
    "explain": explain.main,
    "privacy": privacy.main,
    "dp": dp.main,
    "report": report.main,
}


def run_stages(folder: Path, overrides: list[str], stages: Iterable[str] = tuple(STAGES)) -> None:
    """Compose params.yaml with `overrides` in `folder` (the current directory) and run stages."""
    if not (folder / "data" / "adult").exists():
        (folder / "data").mkdir(exist_ok=True)
        (folder / "data" / "adult").symlink_to(ROOT / "data" / "adult")
    compose.compose(folder / "params.yaml", overrides, config_dir=ROOT / "params")
    for name in stages:
        STAGES[name]()


def sh(
    args: list[str], cwd: Path, check: bool = True, env: dict[str, str | None] | None = None
) -> subprocess.CompletedProcess:
    """Run a tool (git, dvc) in `cwd` with check-repro's environment, changed by `env` (a value
    sets a variable, None removes it)."""
    result = subprocess.run(
        args, cwd=cwd, env=environment(env or {}), capture_output=True, text=True
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def copy_repository(destination: Path) -> Path:
    """Copy the project's files (tracked and untracked, not ignored) into a new git repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    sh(["git", "init", "-q", "-b", "main"], destination)
    sh(["git", "add", "-A"], destination)
    sh(["git", "commit", "-q", "-m", "copy"], destination)
    return destination


def ran_stages(output: str) -> list[str]:
    """Names of the stages `dvc repro` / `dvc exp run` ran, from their output."""
    return [
        line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage '")
    ]


# --- MLflow stores (the tracking tests)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def all_runs(client: MlflowClient) -> list:
    experiments = [e.experiment_id for e in client.search_experiments()]
    return client.search_runs(experiments, order_by=["attributes.start_time ASC"])


def artifact_files(client: MlflowClient, run_id: str, path: str | None = None) -> set[str]:
    found: set[str] = set()
    for item in client.list_artifacts(run_id, path):
        found |= artifact_files(client, run_id, item.path) if item.is_dir else {item.path}
    return found


def inputs_by_context(run) -> dict[str, object]:
    return {
        {t.key: t.value for t in d.tags}["mlflow.data.context"]: d.dataset
        for d in run.inputs.dataset_inputs
    }


def as_written(value: float) -> float:
    """`value` as io.write_json writes it (FLOAT_DIGITS significant digits); NaN stays NaN: an
    oracle's value to compare with a number read back from a report file."""
    return strict(value) if np.isfinite(value) else value


# --- a small binary table with missing values (the model tests)

# The plain features of the model tests: every column, one-hot without grouping, scaled.
FEATURES = FeaturesConfig(
    include_sensitive=False, drop=(), categorical=(), min_frequency=1, scale=True
)
MODEL_SCHEMA = Schema(
    task="binary", target="y", numeric=("x", "w"), categorical=("colour",), sensitive=(),
    classes=(0, 1), labels=("no", "yes"),
)  # fmt: skip


def model_frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """`n` rows of x, w (numeric) and colour (categorical), some missing, and a binary y."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    data = pd.DataFrame(
        {"x": x, "w": rng.normal(size=n), "colour": rng.choice(["r", "g", "b"], n).astype(object)}
    )
    data["y"] = (x + (data["colour"] == "r") + rng.normal(scale=0.5, size=n) > 0.5).astype(int)
    data.loc[:9, "x"] = np.nan
    data.loc[10:14, "colour"] = np.nan
    return data


@dataclass(frozen=True)
class Fitted:
    """A fitted model with its test split and schema (the explanation tests' fixtures)."""

    model: Any
    test: pd.DataFrame
    schema: Schema

    @property
    def inputs(self) -> pd.DataFrame:
        return self.test[list(self.schema.features)]

    @property
    def y(self) -> np.ndarray:
        return self.test[self.schema.target].to_numpy()
