"""check-repro on real pipeline runs: it passes on the committed code and fails on a planted
non-determinism, naming the outputs that differ."""

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_repository, sh

from tools.check_repro import compare, table, tool_env

pytestmark = pytest.mark.slow
SMALL = ["--dataset", "synthetic", "--rows", "3000", "-S", "model=logistic_regression"]


def check(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.check_repro", *args],
        cwd=repo, env=tool_env(), capture_output=True, text=True, timeout=900,
    )  # fmt: skip


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return copy_repository(tmp_path_factory.mktemp("repo"))


def differing(result: subprocess.CompletedProcess) -> set[str]:
    return {line.split()[0] for line in result.stdout.splitlines() if line.rstrip().endswith(" NO")}


def test_committed_pipeline_reproduces_across_runs_cores_and_kernels(repo: Path) -> None:
    result = check(repo, *SMALL)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("data/features/train.parquet ") for line in lines)
    assert "run1: n_jobs=1" in result.stdout and "run2: n_jobs=2" in result.stdout
    assert "run2: n_jobs=2, other kernels (" in result.stdout  # as on another machine
    assert "outputs are identical" in result.stdout
    # a logistic regression's coefficients go through BLAS: its model may differ in bytes, and
    # is then named and compared by its predictions; every other output is identical
    assert differing(result) <= {"models/model.pkl", "data/predictions/test.parquet"}
    for path in differing(result):
        assert f"check-repro: {path}: bytes differ between numerical kernels" in result.stdout


def test_private_releases_differ_by_design_and_are_compared_by_meaning(repo: Path) -> None:
    result = check(repo, *SMALL, "-S", "dp.epsilons=[4]", "-S", "dp.n_boot=100")
    assert result.returncode == 0, result.stdout + result.stderr
    # OpenDP's noise has no seed: the release, and the dp outputs and report, differ by design
    assert "reports/dp.json" in differing(result)
    assert "outputs differ by design (OpenDP's noise has no seed) and mean the same" in (
        result.stdout
    )
    assert "check-repro: dp: epsilon_4: " in result.stdout
    assert "FAILED" not in result.stdout


def test_a_blas_computed_float_at_full_precision_is_caught_and_named(repo: Path) -> None:
    coefficients, io = repo / "pipeline/correlation/coefficients.py", repo / "pipeline/io.py"
    originals = {coefficients: coefficients.read_text(), io: io.read_text()}
    assert "r_from_centred(sums.gram(centred))" in originals[coefficients]
    coefficients.write_text(
        originals[coefficients].replace(
            "r_from_centred(sums.gram(centred))", "r_from_centred(centred @ centred.T)"
        )
    )
    io.write_text(originals[io].replace("FLOAT_DIGITS = 10", "FLOAT_DIGITS = 17"))
    sh(["git", "commit", "-qam", "BLAS at full precision"], repo)
    try:
        result = check(repo, "--dataset", "synthetic", "--rows", "20000")
    finally:
        for path, text in originals.items():
            path.write_text(text)
        sh(["git", "commit", "-qam", "portable again"], repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "reports/correlation.json" in differing(result)
    assert "data/features/train.parquet" not in differing(result)
    assert (
        "FAILED, these differ: " in result.stdout
        and "reports/correlation.json" in (result.stdout.split("FAILED, these differ: ")[1])
    )


def test_an_unseeded_split_is_caught_and_named(repo: Path) -> None:
    features = repo / "pipeline/data/split.py"
    text = features.read_text()
    assert "random_state=seed" in text
    features.write_text(text.replace("random_state=seed", "random_state=None"))
    sh(["git", "commit", "-qam", "unseeded split"], repo)
    try:
        result = check(repo, *SMALL)
    finally:
        features.write_text(text)
        sh(["git", "commit", "-qam", "seeded again"], repo)
    assert result.returncode == 1, result.stdout + result.stderr
    found = differing(result)
    assert {"data/features/train.parquet", "data/features/test.parquet", "models/model.pkl"} <= (
        found
    )
    assert "data/raw/data.parquet" not in found  # ingest is upstream of the planted change
    assert "FAILED, these differ: " in result.stdout


def test_table_marks_missing_and_different_files(tmp_path: Path) -> None:
    for name, files in (("a", {"x.csv": "1", "y.csv": "2"}), ("b", {"x.csv": "1", "y.csv": "3"})):
        folder = tmp_path / name
        (folder / "out").mkdir(parents=True)
        for file, text in files.items():
            (folder / "out" / file).write_text(text)
        (folder / "dvc.lock").write_text("stages:\n  s:\n    outs:\n    - path: out\n")
    (tmp_path / "b/out/z.csv").write_text("only here")
    rows = compare(tmp_path / "a", tmp_path / "b")
    assert [(p, a is not None and a == b) for p, a, b in rows] == [
        ("out/x.csv", True), ("out/y.csv", False), ("out/z.csv", False),
    ]  # fmt: skip
    rendered = table(rows, ("one", "two")).splitlines()
    assert rendered[2].endswith("yes") and rendered[3].endswith("NO")
    assert "missing" in rendered[4]
