"""Run the committed pipeline twice from nothing and compare every DVC output byte for byte.

    python -m tools.check_repro                       # default configuration
    python -m tools.check_repro --dataset synthetic --rows 100000
    python -m tools.check_repro -S dataset=digits -S model=random_forest

Each run gets a fresh workspace made from a commit (`git archive`, default HEAD) with an empty DVC
cache and runs `dvc exp run`; the first run uses `n_jobs=1` and the numerical kernels the
environment gives, the second `n_jobs=2` (see --jobs) and other kernels (see --kernels), as on an
older or a different CPU: OpenBLAS's most basic kernel for the architecture and numpy without its
SIMD paths above the baseline, or the CPU's own kernels when the environment already pins those.
So one check covers "two clean runs", "any number of cores" and "another machine". Prints a
table of every output file with its SHA-256 in each run; exits 1 if any differs or is missing.

One kind of output is allowed to differ between kernels, by name: the fitted model, whose
floating-point sums go through BLAS when the estimator uses it (logistic regression, SVM, MLP),
and the test-split predictions made with it. Those are compared by what they mean: the two runs'
predictions must have the same labels and scores within SCORE_TOLERANCE. Everything computed
from them (metrics, fairness, report) must still be byte-identical. The other, with dp.epsilons
set, is the dp stage's private releases, whose noise no seed reaches (tools/repro_dp.py).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipeline.io import sha256_file
from tools.repro_dp import dp_differences

LOG_TAIL = 20
ROOT = Path(__file__).resolve().parents[1]
KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")
SCORE_TOLERANCE = 1e-9  # largest difference of a predicted score accepted between kernels
KERNEL_DEPENDENT = ("model", "predictions")  # keys of `paths`: compared by meaning across kernels
BASIC_BLAS_KERNEL = {"x86_64": "Prescott", "AMD64": "Prescott", "aarch64": "ARMV8"}


def export(commit: str, repo: Path, destination: Path) -> None:
    """Write the files of `commit` into `destination` and make it a one-commit git repository."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=repo, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    env = tool_env()
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "check"]):
        subprocess.run(["git", *args], cwd=destination, env=env, check=True)


def tool_env() -> dict[str, str]:
    """Environment for git and dvc: this interpreter's tools first, a fixed git identity."""
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="check-repro", GIT_AUTHOR_EMAIL="check-repro@localhost",
        GIT_COMMITTER_NAME="check-repro", GIT_COMMITTER_EMAIL="check-repro@localhost",
    )  # fmt: skip
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("DVC_EXP_NAME", None)
    return env


def basic_kernels() -> dict[str, str | None]:
    """OpenBLAS's basic kernel for the architecture and numpy's SIMD limited to its baseline."""
    import platform

    from numpy._core._multiarray_umath import __cpu_dispatch__

    changes: dict[str, str | None] = {
        "NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__) or None
    }
    if kernel := BASIC_BLAS_KERNEL.get(platform.machine()):
        changes["OPENBLAS_CORETYPE"] = kernel
    return changes


def environment(changes: dict[str, str | None]) -> dict[str, str]:
    """`tool_env()` with `changes` applied: a value sets a variable, None removes it."""
    env = tool_env()
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def kernels_under(changes: dict[str, str | None]) -> str:
    """The kernels a new process gets under the environment `changes`."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from tools.check_repro import kernel_names; print(kernel_names())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment(changes), capture_output=True, text=True
    )
    return result.stdout.strip() or "unknown: " + (result.stderr.strip().splitlines() or ["?"])[-1]


def other_kernels() -> tuple[dict[str, str | None], str] | None:
    """Environment changes under which a run gets other numerical kernels than a run under this
    environment (which may already pin some), and those kernels; None when this machine has no
    other. Tried in order: the basic kernels, then the CPU's own with every pin removed."""
    current = kernels_under({})
    for changes in (basic_kernels(), dict.fromkeys(KERNEL_VARIABLES)):
        if (names := kernels_under(changes)) != current:
            return changes, names
    return None


def describe(changes: dict[str, str | None]) -> str:
    return " ".join(f"{k}={v}" if v is not None else f"{k} unset" for k, v in changes.items())


def kernel_names() -> str:
    """This process's kernels, as OpenBLAS and numpy report them (numpy's as they were at its
    first import: `kernels_under` asks a new process, which gets them as a run does)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    from threadpoolctl import threadpool_info

    blas = sorted(
        {str(i.get("architecture")) for i in threadpool_info() if i["user_api"] == "blas"}
    )
    simd = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)] or ["baseline only"]
    return f"OpenBLAS {'/'.join(blas)}, numpy SIMD {' '.join(simd)}"


def start(
    workspace: Path, overrides: list[str], changes: dict[str, str | None]
) -> subprocess.Popen:
    command = ["dvc", "exp", "run"]
    for override in overrides:
        command += ["-S", override]
    log = open(workspace.parent / f"{workspace.name}.log", "w")  # noqa: SIM115 (closed by wait)
    return subprocess.Popen(
        command, cwd=workspace, env=environment(changes), stdout=log, stderr=log
    )


def output_paths(workspace: Path) -> list[str]:
    """Every file DVC recorded as a stage output in `dvc.lock`, directories expanded."""
    lock = yaml.safe_load((workspace / "dvc.lock").read_text())
    files: list[str] = []
    for stage in lock["stages"].values():
        for out in stage.get("outs", []):
            path = workspace / out["path"]
            if path.is_dir():
                files += [str(p.relative_to(workspace)) for p in path.rglob("*") if p.is_file()]
            else:
                files.append(out["path"])
    return sorted(files)


def sha256(path: Path) -> str | None:
    return sha256_file(path) if path.is_file() else None


def compare(first: Path, second: Path) -> list[tuple[str, str | None, str | None]]:
    """(path, SHA-256 in the first run, in the second) for every output of either run."""
    paths = sorted(set(output_paths(first)) | set(output_paths(second)))
    return [(p, sha256(first / p), sha256(second / p)) for p in paths]


def prediction_difference(first: Path, second: Path) -> str | None:
    """None when two prediction files mean the same (every non-float column equal, every float
    column within SCORE_TOLERANCE, missing in the same rows), else what differs."""
    a, b = pd.read_parquet(first), pd.read_parquet(second)
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return "their columns or rows differ"
    for column in a.columns:
        x, y = a[column], b[column]
        if pd.api.types.is_float_dtype(x) and pd.api.types.is_float_dtype(y):
            gap = np.abs(x.to_numpy() - y.to_numpy())
            if not np.array_equal(np.isnan(gap), x.isna().to_numpy() & y.isna().to_numpy()):
                return f"{column} is missing in different rows"
            if np.nanmax(gap, initial=0.0) > SCORE_TOLERANCE:
                return f"{column} differs by up to {np.nanmax(gap):.3g} (> {SCORE_TOLERANCE:g})"
        elif not x.equals(y):
            return f"{column} differs in {int((x != y).sum())} rows"
    return None


def kernel_dependent(workspace: Path) -> tuple[str, str]:
    """(model path, predictions path) of a workspace, from its composed params.yaml."""
    paths = yaml.safe_load((workspace / "params.yaml").read_text())["paths"]
    return paths[KERNEL_DEPENDENT[0]], paths[KERNEL_DEPENDENT[1]]


def explain_kernel_differences(workspaces: list[Path], differing: list[str]) -> list[str]:
    """Remove from `differing` the model and predictions when the predictions mean the same;
    return one line saying so for each, by name."""
    model, predictions = kernel_dependent(workspaces[0])
    if not set(differing) & {model, predictions}:
        return []
    why = prediction_difference(*(w / predictions for w in workspaces))
    if why is not None:
        return [f"check-repro: {predictions}: the predictions differ between kernels: {why}"]
    notes = []
    for path in (model, predictions):
        if path in differing:
            differing.remove(path)
            notes.append(
                f"check-repro: {path}: bytes differ between numerical kernels (a fitted "
                "model's floating-point sums depend on the BLAS kernel); compared by meaning: "
                f"the test-split predictions have the same labels and scores within "
                f"{SCORE_TOLERANCE:g}"
            )
    return notes


def table(rows: list[tuple[str, str | None, str | None]], labels: tuple[str, str]) -> str:
    width = max([len("output"), *(len(r[0]) for r in rows)])
    lines = [
        f"{'output':<{width}}  {labels[0]:<12}  {labels[1]:<12}  same",
        f"{'-' * width}  {'-' * 12}  {'-' * 12}  ----",
    ]
    for path, a, b in rows:
        same = "yes" if a is not None and a == b else "NO"
        lines.append(
            f"{path:<{width}}  {(a or 'missing')[:12]:<12}  {(b or 'missing')[:12]:<12}  {same}"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-S", "--set", action="append", default=[], metavar="OVERRIDE",
                        help="a Hydra override for both runs, as with dvc exp run -S")  # fmt: skip
    parser.add_argument("--dataset", help="shorthand for -S dataset=NAME")
    parser.add_argument("--rows", type=int, help="shorthand for -S dataset.n_rows=N (synthetic)")
    parser.add_argument("--jobs", default="1,2", help="n_jobs of the two runs (default 1,2)")
    parser.add_argument("--kernels", choices=("other", "same"), default="other",
                        help="numerical kernels of the second run (default: other than the "
                        "first's, as on another CPU)")  # fmt: skip
    parser.add_argument("--commit", default="HEAD", help="the commit to reproduce")
    parser.add_argument("--keep", action="store_true", help="keep the two workspaces")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    overrides = ([f"dataset={args.dataset}"] if args.dataset else []) + (
        [f"dataset.n_rows={args.rows}"] if args.rows else []
    )
    overrides += args.set
    jobs = args.jobs.split(",")
    if len(jobs) != 2:
        raise SystemExit("check-repro: --jobs takes two numbers, e.g. 1,2")
    repo = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                               text=True, check=True).stdout.strip())  # fmt: skip
    root = Path(tempfile.mkdtemp(prefix="check-repro-"))
    workspaces = [root / f"run{i + 1}" for i in range(2)]
    for workspace in workspaces:
        workspace.mkdir()
        export(args.commit, repo, workspace)
    print(f"check-repro: {args.commit} in {root}; overrides: {' '.join(overrides) or '(none)'}")
    other = other_kernels() if args.kernels == "other" else None
    envs: list[dict[str, str | None]] = [{}, other[0] if other else {}]
    print(f"check-repro: run1: n_jobs={jobs[0]}, kernels as given ({kernels_under({})})")
    if other:
        print(
            f"check-repro: run2: n_jobs={jobs[1]}, other kernels ({other[1]}): {describe(other[0])}"
        )
    else:
        why = "--kernels same" if args.kernels == "same" else "this machine offers no other kernels"
        print(f"check-repro: run2: n_jobs={jobs[1]}, the same kernels ({why})")
    runs = [
        start(w, [*overrides, f"n_jobs={n}"], env)
        for w, n, env in zip(workspaces, jobs, envs, strict=True)
    ]
    failed = False
    for workspace, run in zip(workspaces, runs, strict=True):
        if run.wait() != 0:
            failed = True
            log = (root / f"{workspace.name}.log").read_text().splitlines()
            print(f"check-repro: the pipeline failed in {workspace}:", *log[-LOG_TAIL:], sep="\n")
    if failed:
        return 2
    rows = compare(*workspaces)
    print(table(rows, ("run1", "run2")))
    differing = [path for path, a, b in rows if a is None or a != b]
    print(f"check-repro: {len(rows) - len(differing)} of {len(rows)} outputs are identical")
    for note in explain_kernel_differences(workspaces, differing) if envs[1] else []:
        print(note)
    for note in dp_differences(workspaces, differing):
        print(note)
    if differing:
        print("check-repro: FAILED, these differ: " + ", ".join(differing))
    if not args.keep and not differing:
        subprocess.run(["rm", "-rf", str(root)], check=False)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
