"""The corpus of bad and hostile inputs: one `Case` per input, run through the stages in-process.

A case writes its data into a fresh project folder, composes params.yaml with its overrides and
runs its stages in order, each through `run_stage` as its entry point does. A case either fails
with one line on stderr (exit status 2) matching `error`, having written nothing under a final
name in the stage that failed, or runs to the end and prints every warning in `warnings`; then
`check` asserts the result is right, not merely that it ran.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, STAGES

from pipeline.errors import run_stage
from pipeline.stages import params as compose

# Small and quick: no cross-validation, few bootstrap replicates, a fast model.
QUICK = (
    "crossval.folds=0",
    "evaluate.n_boot=20",
    "fairness.n_boot=20",
    "correlation.random_walks=200",
    "correlation.null_matrices=10",
    "explain.n_boot=20",
    "explain.n_repeats=2",
    "explain.dependence_features=2",
    "model=logistic_regression",
)
THROUGH_VALIDATE = ("ingest", "validate")
THROUGH_FAIRNESS = ("ingest", "validate", "features", "train", "evaluate", "fairness")
EVERY_STAGE = tuple(STAGES)


@dataclass(frozen=True)
class Case:
    """One bad or hostile input and what the pipeline must do with it."""

    name: str
    make: Callable[[Path], None]  # writes the input under the project folder it is given
    overrides: tuple[str, ...]  # Hydra overrides, after QUICK
    stages: tuple[str, ...] = THROUGH_VALIDATE
    error: str | None = None  # regex the one error line must match; None: every stage succeeds
    warnings: tuple[str, ...] = ()  # regexes each matched by some line of the stages' output
    check: Callable[[Path], None] | None = None  # after success: the result is right
    after_error: Callable[[Path], None] | None = None  # after the error: what the folder holds


@dataclass(frozen=True)
class Outcome:
    status: int  # 0, or the exit status of the stage that failed
    stage: str | None  # the stage that failed
    out: str
    err: str


def snapshot(folder: Path) -> dict[str, float]:
    """Every file under `folder` (params.yaml aside) with its modification time."""
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def run_case(case: Case, folder: Path, capsys: pytest.CaptureFixture[str]) -> Outcome:
    """Run `case` in `folder` (the current directory): compose, then its stages in order."""
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "adult").symlink_to(ROOT / "data" / "adult")
    case.make(folder)
    capsys.readouterr()

    def params() -> None:
        compose.compose(folder / "params.yaml", [*QUICK, *case.overrides], ROOT / "params")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DVC_EXP_NAME", "corpus")  # as under `dvc exp run`: composed already
            compose.main()

    try:
        run_stage(params)
    except SystemExit as stop:
        captured = capsys.readouterr()
        if case.after_error is not None:
            case.after_error(folder)
        return Outcome(int(stop.code or 0), "params", captured.out, captured.err)
    for name in case.stages:
        before = snapshot(folder)
        try:
            run_stage(STAGES[name])
        except SystemExit as stop:
            captured = capsys.readouterr()
            written = sorted(
                p for p, t in snapshot(folder).items() if before.get(p) != t and p != _report(name)
            )
            assert not written, f"stage {name} failed yet wrote {written}"
            if case.after_error is not None:
                case.after_error(folder)
            return Outcome(int(stop.code or 0), name, captured.out, captured.err)
    captured = capsys.readouterr()
    return Outcome(0, None, captured.out, captured.err)


def _report(stage: str) -> str:
    """The file a failing stage may still write: validate records the errors it stops on."""
    return "reports/validation.json" if stage == "validate" else ""


def assert_outcome(case: Case, outcome: Outcome) -> None:
    """The outcome `case` promises: its one error line, or success with its warnings."""
    if case.error is not None:
        assert outcome.status == 2, f"expected an error, got status {outcome.status}: {outcome}"
        lines = outcome.err.strip().splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got {lines}"
        assert re.search(case.error, lines[0]), f"{lines[0]!r} does not match {case.error!r}"
        return
    assert outcome.status == 0, f"{outcome.stage} failed: {outcome.err}"
    for pattern in case.warnings:
        lines = outcome.out.splitlines() + outcome.err.splitlines()
        assert any(re.search(pattern, line) for line in lines), (
            f"no warning matches {pattern!r} in:\n{outcome.out}{outcome.err}"
        )


# --- data builders


def table(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """`n` rows with a clear signal: age and hours (numeric), colour (text), sex (sensitive,
    two groups) and a binary target `y` in yes/no that age and colour predict well."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n)
    hours = rng.normal(40, 8, n).round(1)
    colour = rng.choice(["red", "green", "blue"], n)
    sex = rng.choice(["female", "male"], n)
    score = (age - 45) / 10 + (colour == "red") * 1.5 + rng.normal(0, 0.7, n)
    y = np.where(score > 0, "yes", "no")
    return pd.DataFrame({"age": age, "hours": hours, "colour": colour, "sex": sex, "y": y})


def csv_case(
    frame: pd.DataFrame, name: str = "case.csv", **to_csv: object
) -> Callable[[Path], None]:
    """A `make` that writes `frame` as data/<name> with pandas' `to_csv` options."""

    def make(folder: Path) -> None:
        frame.to_csv(folder / "data" / name, index=False, **to_csv)  # type: ignore[arg-type]

    return make


def raw_case(content: bytes, name: str = "case.csv") -> Callable[[Path], None]:
    """A `make` that writes `content` byte for byte as data/<name>."""

    def make(folder: Path) -> None:
        (folder / "data" / name).write_bytes(content)

    return make


def csv_overrides(
    name: str = "case.csv", target: str = "y", sensitive: str = "[sex]", *more: str
) -> tuple[str, ...]:
    """The overrides that point `dataset=csv` at data/<name>."""
    return (
        "dataset=csv",
        f"dataset.path=data/{name}",
        f"dataset.target={target}",
        f"dataset.sensitive={sensitive}",
        *more,
    )
