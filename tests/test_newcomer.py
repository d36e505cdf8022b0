"""A newcomer's first mistakes, with the real commands, in one copy of the repository.

Each mistake stops with one line from the stage (`error: <Type>: ...`; DVC's own `ERROR: failed
to reproduce` lines aside), no traceback, exit status 2 as DVC reports it, naming the key or file
and the fix. After the fix the message gives, the project is back where it was: `dvc status` as
before, no tracked file changed. Only the params and ingest stages run, on a 200-row file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from corpus.runner import table
from helpers import copy_repository, sh

from pipeline.composition import recorded_digest, values_digest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy whose params stage has run once, committed."""
    repo = copy_repository(tmp_path_factory.mktemp("newcomer"))
    sh(["dvc", "repro", "params"], repo)
    sh(["git", "add", "-A"], repo)
    sh(["git", "commit", "-q", "--allow-empty", "-m", "composed"], repo)
    return repo


@pytest.fixture(scope="module")
def baseline(repo: Path) -> dict:
    return json.loads(sh(["dvc", "status", "--json"], repo).stdout)


def stopped(result: subprocess.CompletedProcess, stage: str = "params") -> str:
    """The stage's one error line, after checking that the stage exited 2 without a traceback."""
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output, output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    assert f"failed to reproduce '{stage}'" in output and "exited with 2" in output, output
    return errors[0]


def assert_clean(repo: Path, baseline: dict) -> None:
    tracked = sh(["git", "status", "--porcelain", "--untracked-files=no"], repo).stdout
    assert tracked == "", tracked
    assert json.loads(sh(["dvc", "status", "--json"], repo).stdout) == baseline


def test_a_yaml_typo_names_the_file_line_and_column(repo: Path, baseline: dict) -> None:
    path = repo / "params/model/hist_gradient_boosting.yaml"
    original = path.read_text()
    path.write_text(original.replace("max_iter: 200", "max_iter: [200"))
    try:
        line = stopped(sh(["dvc", "repro"], repo, check=False))
    finally:
        path.write_text(original)
    assert re.match(
        r"error: ConfigError: params/model/hist_gradient_boosting\.yaml is not valid YAML at "
        r"line \d+, column \d+ \(.*\); fix it there: a list is written \[a, b\]",
        line,
    ), line
    assert_clean(repo, baseline)


def test_a_hand_edit_of_params_yaml_is_refused_not_discarded(repo: Path, baseline) -> None:
    path = repo / "params.yaml"
    edited = path.read_text().replace("max_iter: 200", "max_iter: 50")
    path.write_text(edited)
    line = stopped(sh(["dvc", "repro"], repo, check=False))
    assert line.startswith(
        "error: ConfigError: params.yaml was edited by hand (model.max_iter: 200 -> 50 (edit "
        "params/model/hist_gradient_boosting.yaml));"
    )
    assert "`dvc exp run -S model.max_iter=50`" in line and "`git checkout params.yaml`" in line
    assert path.read_text() == edited  # kept: DVC re-ran nothing after the params stage
    sh(["git", "checkout", "params.yaml"], repo)
    assert_clean(repo, baseline)


def test_an_unknown_key_names_the_closest_one(repo: Path, baseline) -> None:
    # DVC composes before any stage, and prints Hydra's advice; the stage stops what it allows
    hydra = sh(["dvc", "exp", "run", "-S", "model.n_estimatorz=5"], repo, check=False)
    assert hydra.returncode != 0 and "+model.n_estimatorz=5" in hydra.stderr
    args = ["-S", "model=random_forest", "-S", "+model.n_estimatorz=5"]
    line = stopped(sh(["dvc", "exp", "run", *args], repo, check=False))
    assert line.startswith(
        "error: ConfigError: model.n_estimatorz is not a parameter of model=random_forest; did "
        "you mean model.n_estimators? (keys: "
    )
    assert "`-S model.<key>=...` (no `+`)" in line
    # the experiment's params.yaml stays a composition, not a hand edit: `dvc repro` recomposes
    text = (
        sh(["git", "show", "HEAD:params.yaml"], repo).stdout,
        (repo / "params.yaml").read_text(),
    )
    assert text[0] != text[1] and recorded_digest(text[1]) == values_digest(yaml.safe_load(text[1]))
    sh(["dvc", "repro", "params"], repo)
    assert_clean(repo, baseline)


def test_an_unknown_option_names_the_closest_one(repo: Path, baseline) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.stages.params", "model=randomforest"],
        cwd=repo, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "model=randomforest (the override model=randomforest) is not an option of model; " \
        "did you mean model=random_forest? (options: " in result.stderr  # fmt: skip
    assert_clean(repo, baseline)


def test_a_missing_csv_names_dataset_path(repo: Path, baseline) -> None:
    args = ["-S", "dataset=csv", "-S", "dataset.path=nope.csv", "-S", "dataset.target=y"]
    line = stopped(sh(["dvc", "exp", "run", *args], repo, check=False))
    assert "dataset.path 'nope.csv' names no file in the project folder" in line
    assert "set dataset.path to your CSV or Parquet file" in line
    sh(["git", "checkout", "params.yaml"], repo)  # or `dvc repro`, as above
    assert_clean(repo, baseline)


def test_a_semicolon_file_read_at_commas_names_the_delimiter(repo: Path, baseline) -> None:
    frame = table(200).rename(columns={"hours": "hours, per week"})
    frame.to_csv(repo / "data/mine.csv", index=False, sep=";")
    args = [
        "dataset=csv",
        "dataset.path=data/mine.csv",
        "dataset.target=y",
        "dataset.sensitive=[sex]",
    ]
    result = sh(["dvc", "exp", "run", *[a for s in args for a in ("-S", s)]], repo, check=False)
    line = stopped(result, "ingest")
    assert line == (
        "error: DataValidationError: column 'y' (dataset.target) is not in the header of "
        "data/mine.csv, whose names hold ';' ('age;hours', ' per week;colour;sex;y'): the file "
        "is separated by another delimiter than ','; set dataset.delimiter=';'"
    )
    sh(["dvc", "repro", "params"], repo)
    # DVC removed ingest's outputs before running it; their cache (git, for this one) has them
    sh(["git", "checkout", "data/raw/provenance.json"], repo)
    assert_clean(repo, baseline)
