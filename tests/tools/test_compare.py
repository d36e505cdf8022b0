"""`python -m tools.compare` on real runs in a copy of the repository: a committed gradient
boosting run, a logistic regression experiment (`dvc exp run`), and a run on another split."""

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_repository, sh

import tools.compare
from pipeline.models.comparison import CompareConfig, compare
from tools.check_repro import tool_env

pytestmark = pytest.mark.slow


def run_compare(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.compare", *args],
        cwd=repo, env=tool_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """Synthetic data (4,000 rows): gradient boosting committed at HEAD, then the experiment
    `logreg` with a logistic regression, which the workspace holds afterwards. On this data the
    labels follow a logistic model, so the logistic regression is the better model."""
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    edit(repo / "params/config.yaml", "  - dataset: adult", "  - dataset: synthetic")
    edit(repo / "params/dataset/synthetic.yaml", "n_rows: 20000", "n_rows: 4000")
    # a lock of only the stages run here, so that `dvc exp run` finds all its outputs cached
    (repo / "dvc.lock").unlink()
    sh(["dvc", "repro", "evaluate"], repo)
    sh(["git", "add", "-A"], repo)
    sh(["git", "commit", "-qm", "hist_gradient_boosting on synthetic data"], repo)
    sh(["dvc", "exp", "run", "-n", "logreg", "-S", "model=logistic_regression", "evaluate"], repo)
    return repo


def test_the_worse_run_as_b_fails_and_the_better_passes(repo: Path) -> None:
    better = run_compare(repo, "HEAD", "logreg")
    assert better.returncode == 0, better.stdout + better.stderr
    assert "FAIL" not in better.stdout and better.stdout.count(" better") == 2
    worse = run_compare(repo, "logreg", "HEAD", "workspace", "--markdown", "compare.md")
    assert worse.returncode == 1, worse.stdout + worse.stderr
    failures = [line for line in worse.stdout.splitlines() if line.startswith("FAIL: ")]
    assert [line.split(" on ")[1].split(":")[0] for line in failures] == ["accuracy", "roc_auc"]
    assert all(line.startswith("FAIL: HEAD (") for line in failures)
    markdown = (repo / "compare.md").read_text()
    assert markdown.startswith("### Comparison: **fails**")
    # the workspace holds the experiment's own outputs: a difference of zero, p = 1
    workspace = [line for line in markdown.splitlines() if line.startswith("| workspace |")]
    assert len(workspace) == 2
    for line in workspace:
        assert "| +0.0000 | [+0.0000, +0.0000] |" in line and "| 1 | 1 | inconclusive |" in line


def test_a_run_against_itself_differs_by_exactly_zero(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tools.compare, "ROOT", repo)
    a, b = tools.compare.load_run("HEAD"), tools.compare.load_run("HEAD")
    assert a.test_md5 is not None and a.schema is not None and a.schema.task == "binary"
    config = CompareConfig(("accuracy", "roc_auc", "log_loss"), 0.0, 200, 0.95)
    result = compare(a.predictions, [b.predictions], "binary", config, seed=0)
    assert [(r.diff, r.low, r.high) for r in result.rows] == [(0.0, 0.0, 0.0)] * 3
    assert [r.p for r in result.rows] == [1.0, 1.0, None]


def test_usage_errors_exit_2(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(tools.compare, "ROOT", repo)
    with pytest.raises(SystemExit) as exited:
        tools.compare.main(["HEAD"])  # no run B
    assert exited.value.code == 2
    capsys.readouterr()
    assert tools.compare.main(["HEAD", "no-such-run"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ConfigError: 'no-such-run' is neither a git revision")


def test_runs_on_another_split_are_refused(repo: Path) -> None:
    """Last, as it changes the workspace: the pipeline again with another seed (which draws the
    split), then the workspace against HEAD."""
    edit(repo / "params/config.yaml", "seed: 42", "seed: 7")
    sh(["dvc", "repro", "evaluate"], repo)
    result = run_compare(repo, "HEAD", "workspace")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: DataValidationError: run workspace was scored on another ")
    assert "test split than HEAD (" in line
