"""The Hydra and DVC contract, shown on a temporary copy of the repository with real `dvc`."""

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import copy_repository, ran_stages, sh

from tools.check_repro import other_kernels
from tools.dag import closure, stage_modules

pytestmark = pytest.mark.slow
DATA_STAGES = ["ingest", "validate", "features", "train", "evaluate"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return copy_repository(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="module")
def first_run(repo: Path) -> str:
    """Every stage from nothing, even those whose committed outputs DVC would keep, on other
    numerical kernels than this CPU's (as on another machine): the committed results must
    reproduce byte for byte whichever machine committed them."""
    other = other_kernels()
    return sh(["dvc", "repro", "--force"], repo, env=other[0] if other else {}).stdout


def stages_in(repo: Path) -> list[str]:
    return list(yaml.safe_load((repo / "dvc.yaml").read_text())["stages"])


def metrics(repo: Path) -> dict:
    return json.loads((repo / "reports/metrics.json").read_text())


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return text


def test_fresh_repro_runs_every_stage_and_meets_the_bar(repo: Path, first_run: str) -> None:
    assert ran_stages(first_run) == stages_in(repo)
    # the committed results reproduce: dvc.lock, params.yaml and the small reports and metrics
    # that git tracks come out byte for byte as committed
    diff = sh(["git", "diff", "--stat", "--exit-code"], repo, check=False)
    assert diff.returncode == 0, "the pipeline's outputs differ from the committed ones:\n" + (
        diff.stdout + sh(["git", "diff"], repo).stdout[:20000]
    )
    untracked = sh(["git", "status", "--porcelain"], repo).stdout
    assert untracked == "", f"the pipeline wrote files git neither tracks nor ignores:\n{untracked}"
    result = metrics(repo)
    assert result["test/accuracy"] >= 0.85
    assert result["test/roc_auc"] >= 0.90
    shown = sh(["dvc", "metrics", "show", "--json"], repo).stdout
    assert '"test/roc_auc"' in shown


def test_second_repro_reruns_no_data_stage(repo: Path, first_run: str) -> None:
    output = sh(["dvc", "repro"], repo).stdout
    assert ran_stages(output) == ["params"]
    for stage in DATA_STAGES:
        assert f"Stage '{stage}' didn't change, skipping" in output


def restore(repo: Path) -> None:
    """Back to the committed state without re-running anything: git restores params/ and the
    committed files, `dvc checkout` the cached outputs that dvc.lock names."""
    sh(["git", "checkout", "--", "."], repo)
    sh(["dvc", "checkout", "--force"], repo)
    assert status(repo) == {"params": ["always changed"]}


def test_editing_a_model_parameter_reruns_train_and_what_follows(repo: Path, first_run) -> None:
    edit(repo / "params/model/hist_gradient_boosting.yaml", "max_iter: 200", "max_iter: 60")
    try:
        output = sh(["dvc", "repro", "train"], repo).stdout
        assert ran_stages(output) == ["params", "train"]
        assert yaml.safe_load((repo / "params.yaml").read_text())["model"]["max_iter"] == 60
        diff = sh(["dvc", "params", "diff"], repo).stdout
        assert "model.max_iter" in diff and "200" in diff and "60" in diff
        changed = set(status(repo))  # the new model changes every stage that reads it
        assert {"evaluate", "fairness", "explain", "track"} <= changed
        assert not {"ingest", "validate", "features", "train"} & changed
    finally:
        restore(repo)


def test_editing_the_split_reruns_features_onwards(repo: Path, first_run) -> None:
    edit(repo / "params/split/default.yaml", "test_size: 0.25", "test_size: 0.3")
    try:
        assert ran_stages(sh(["dvc", "repro", "features"], repo).stdout) == ["params", "features"]
        test = pd.read_parquet(repo / "data/features/test.parquet")
        assert len(test) == round(48842 * 0.3)
        changed = set(status(repo))
        assert {"train", "evaluate", "crossval", "fairness", "correlation", "explain"} <= changed
        assert not {"ingest", "validate", "features"} & changed
    finally:
        restore(repo)


def test_exp_run_with_overrides_is_listed_with_params_and_metrics(repo: Path, first_run) -> None:
    output = sh(
        [
            "dvc",
            "exp",
            "run",
            "-n",
            "rf50",
            "-S",
            "model=random_forest",
            "-S",
            "model.n_estimators=50",
        ],
        repo,
    ).stdout
    assert "train" in ran_stages(output) and "ingest" not in ran_stages(output)
    params = yaml.safe_load((repo / "params.yaml").read_text())
    assert params["model"]["name"] == "random_forest" and params["model"]["n_estimators"] == 50
    shown = json.loads(sh(["dvc", "exp", "show", "--json"], repo).stdout)
    experiments = [e for rev in shown for e in (rev.get("experiments") or [])]
    found = [e for e in experiments if e.get("name") == "rf50"]
    assert found, shown
    data = found[0]["revs"][0]["data"]
    model = data["params"]["params.yaml"]["data"]["model"]
    assert model["name"] == "random_forest" and model["n_estimators"] == 50
    assert data["metrics"]["reports/metrics.json"]["data"]["test/accuracy"] > 0.8
    table = sh(["dvc", "exp", "show", "--no-pager", "--md"], repo).stdout
    assert "rf50" in table


def test_plain_repro_after_an_experiment_recomposes_params(repo: Path, first_run) -> None:
    output = sh(["dvc", "repro"], repo).stdout
    assert "train" in ran_stages(output) or "Stage 'train' is cached" in output
    committed = sh(["git", "show", "HEAD:params.yaml"], repo).stdout
    assert (repo / "params.yaml").read_text() == committed
    assert yaml.safe_load(committed)["model"]["name"] == "hist_gradient_boosting"


def test_a_failing_stage_keeps_the_last_good_lock_entry(repo: Path, first_run) -> None:
    lock_before = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]
    path = repo / "params/dataset/adult.yaml"
    original = edit(path, "target: income", "target: salary")
    try:
        result = sh(["dvc", "repro"], repo, check=False)
        assert result.returncode != 0
        assert (
            "error: DataValidationError: column 'salary' (dataset.target) is missing"
            in result.stderr
        )
        lock_after = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]
        for stage in ("validate", "features", "train", "evaluate"):
            assert lock_after[stage] == lock_before[stage], stage
    finally:
        path.write_text(original)
    restore(repo)


def status(repo: Path) -> dict:
    return json.loads(sh(["dvc", "status", "--json"], repo).stdout)


@pytest.mark.parametrize("module", ["pipeline/schema.py", "pipeline/sums.py", "pipeline/errors.py"])
def test_a_comment_in_a_module_changes_exactly_the_stages_that_import_it(
    repo: Path, first_run, module: str
) -> None:
    expected = {stage for stage, (name, _) in stage_modules().items() if module in closure(name)}
    path = repo / module
    original = path.read_text()
    path.write_text(original + "# a comment\n")
    try:
        changed = {stage for stage, why in status(repo).items() if module in json.dumps(why)}
    finally:
        path.write_text(original)
    assert changed == expected
    assert status(repo) == {"params": ["always changed"]}


def test_a_changed_templated_path_stops_with_one_line_then_one_more_repro_uses_it(
    repo: Path, first_run
) -> None:
    path = repo / "params/paths/default.yaml"
    original = edit(path, "report_summary: reports/summary.md", "report_summary: reports/s2.md")
    try:
        result = sh(["dvc", "repro"], repo, check=False)
        assert result.returncode != 0
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and "Traceback" not in result.stderr + result.stdout
        assert "paths.report_summary: 'reports/summary.md' -> 'reports/s2.md'" in errors[0]
        assert "run `dvc repro` once more" in errors[0]
        sh(["dvc", "repro"], repo)
        assert (repo / "reports/s2.md").is_file() and status(repo) == {"params": ["always changed"]}
    finally:
        path.write_text(original)
    sh(["dvc", "repro"], repo, check=False)  # stops again, for the change back
    sh(["dvc", "repro"], repo)
    assert status(repo) == {"params": ["always changed"]}


def test_switching_the_dataset_needs_one_repro(repo: Path, first_run) -> None:
    """Last: it leaves the copy on another dataset."""
    edit(repo / "params/config.yaml", "  - dataset: adult", "  - dataset: breast_cancer")
    output = sh(["dvc", "repro"], repo).stdout
    assert "ingest" in ran_stages(output)
    assert status(repo) == {"params": ["always changed"]}
    ingest = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]["ingest"]
    assert ingest["params"]["params.yaml"]["dataset"]["name"] == "breast_cancer"
    provenance = json.loads((repo / "data/raw/provenance.json").read_text())
    assert provenance["dataset"] == "breast_cancer"
