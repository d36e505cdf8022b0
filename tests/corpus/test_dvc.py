"""Bad inputs under real DVC: a failed run leaves nothing behind that the next run trips on.

A small pipeline (the corpus table as `dataset=csv`, quick settings) runs once and is committed.
Then each failing case runs with `dvc exp run -S ...` in the workspace: it must stop with its one
line, leave no temporary file, and leave the stage that failed (and every stage after it) recorded
in dvc.lock as before. Going back to the committed parameters, `dvc repro` must restore every
output to the committed bytes, re-running no model stage.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from corpus.runner import QUICK, Case, table
from corpus.test_corpus import CASES
from helpers import copy_repository, ran_stages, sh

pytestmark = pytest.mark.slow

# One failing case per stage that can fail on data or config: the params stage, ingest, validate.
FAILING = ("missing_file", "too_few_rows")
CORPUS_DATASET = """\
defaults:
  - csv
path: data/corpus.csv
target: y
sensitive: [sex]
"""


def by_name(name: str) -> Case:
    (case,) = [case for case in CASES if case.name == name]
    return case


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository whose default pipeline is small and quick, run and committed."""
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    table().to_csv(repo / "data/corpus.csv", index=False)
    (repo / "params/dataset/corpus.yaml").write_text(CORPUS_DATASET)
    config = yaml.safe_load((repo / "params/config.yaml").read_text())
    quick = dict(override.split("=", 1) for override in QUICK)
    config["defaults"] = [
        {"dataset": "corpus"}
        if "dataset" in d
        else {"model": quick.pop("model")}
        if "model" in d
        else d
        for d in config["defaults"]
    ]
    for key, value in quick.items():
        section, name = key.split(".")
        config.setdefault(section, {})[name] = yaml.safe_load(value)
    (repo / "params/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    sh(["dvc", "repro"], repo)
    sh(["git", "add", "-A"], repo)
    sh(["git", "commit", "-q", "-m", "the corpus pipeline"], repo)
    return repo


def leftovers(repo: Path) -> list[str]:
    """Temporary files of the atomic writers (`.<name>.<random>.tmp<suffix>`) left anywhere."""
    return [
        str(p.relative_to(repo))
        for p in repo.rglob(".*.tmp*")
        if ".git" not in p.parts and ".dvc" not in p.parts
    ]


@pytest.mark.parametrize("name", FAILING)
def test_a_failed_run_changes_nothing_the_next_run_needs(repo: Path, name: str) -> None:
    case = by_name(name)
    committed_lock = (repo / "dvc.lock").read_text()
    case.make(repo)
    args = [arg for override in case.overrides for arg in ("-S", override)]
    failed = sh(["dvc", "exp", "run", *args], repo, check=False)
    assert failed.returncode != 0
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and case.error and re.search(case.error, errors[0]), failed.stderr
    assert "Traceback" not in failed.stderr + failed.stdout
    assert leftovers(repo) == []
    stages = ran_stages(failed.stdout)
    lock = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]
    before = yaml.safe_load(committed_lock)["stages"]
    failed_stage = stages[-1]
    order = list(before)
    for later in order[order.index(failed_stage) :]:
        assert lock[later] == before[later], f"dvc.lock's {later} entry changed"
    # back to the committed parameters: the outputs come back from the cache to the committed
    # bytes; only the stages whose small reports git keeps (`cache: false`, which DVC's run cache
    # does not store) run again, and they are the quick ones
    sh(["git", "checkout", "--", "params.yaml"], repo)
    restored = sh(["dvc", "repro"], repo)
    assert set(ran_stages(restored.stdout)) <= {"params", "ingest", "validate"}, restored.stdout
    assert (repo / "dvc.lock").read_text() == committed_lock
    assert sh(["git", "status", "--porcelain", "--untracked-files=no"], repo).stdout == ""
    assert sh(["dvc", "status"], repo).stdout == "params:\n\talways changed\n"
