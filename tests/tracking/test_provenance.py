"""What leads a run back to its code and data: git state, run name, tags and note."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import sh

from pipeline.tracking.provenance import (
    Provenance,
    changed_paths,
    description,
    git_state,
    is_output,
    run_name,
    run_tags,
)


def provenance(**changes: object) -> Provenance:
    values: dict = {
        "commit": "0123456789abcdef",
        "dirty": False,
        "dirty_paths": (),
        "dvc_lock_sha256": None,
        "data_sha256": "f" * 64,
        "source_sha256": {},
        "exp_name": None,
        "exp_baseline": None,
    }
    return Provenance(**(values | changes))


def test_dirty_flag_ignores_pipeline_outputs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "c"]):
        sh(["git", *args], tmp_path)
    (tmp_path / "dvc.lock").write_text("x")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/metrics.json").write_text("{}")
    (tmp_path / "reports/.gitignore").write_text("/metrics.json\n")
    commit, dirty, paths = git_state({"reports/metrics.json"})
    assert commit is not None and len(commit) == 40 and dirty is False and paths == ()
    (tmp_path / "code.py").write_text("print()")
    assert git_state({"reports/metrics.json"})[1:] == (True, ("code.py",))


def test_porcelain_gives_both_names_of_a_rename() -> None:
    porcelain = " M a.py\0R  new.py\0old.py\0?? dir/c.txt\0"
    assert changed_paths(porcelain) == ["a.py", "new.py", "old.py", "dir/c.txt"]
    assert changed_paths("") == []


def test_an_output_folder_covers_the_files_below_it() -> None:
    outputs = {"reports/plots", "models/model.pkl"}
    assert is_output("reports/plots/roc.csv", outputs)
    assert is_output("models/model.pkl", outputs)
    assert not is_output("reports/plots.csv", outputs)


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({}, "rf · adult"),
        ({"exp_name": "tidy-mule"}, "rf · adult · tidy-mule"),
        ({"commit": None}, "rf · adult"),
    ],
)
def test_a_run_is_named_after_its_model_and_data(changes: dict, name: str) -> None:
    assert run_name("rf", "adult", provenance(**changes)) == name


def test_tags_lead_back_to_the_commit_the_data_and_the_experiment() -> None:
    traced = provenance(
        dirty=True,
        dirty_paths=("code.py",),
        dvc_lock_sha256="d" * 64,
        source_sha256={"b.csv": "2", "a.csv": "1"},
        exp_name="tidy-mule",
        exp_baseline="baseline",
    )
    tags = run_tags("adult", "rf", traced)
    assert tags["git.commit"] == tags["mlflow.source.git.commit"] == "0123456789abcdef"
    assert tags["git.dirty"] == "true" and tags["git.dirty_paths"] == "code.py"
    assert tags["dataset.name"] == "adult" and tags["model.name"] == "rf"
    assert tags["dataset.source_sha256.a.csv"] == "1" and tags["dvc.lock.sha256"] == "d" * 64
    assert tags["dvc.exp_name"] == "tidy-mule" and tags["dvc.exp_baseline_rev"] == "baseline"
    assert tags["mlflow.source.name"] == "dvc exp run" and "env.python" in tags
    assert "dvc exp apply tidy-mule" in tags["mlflow.note.content"]
    assert "with uncommitted changes" in tags["mlflow.note.content"]


def test_without_git_the_dirty_flag_is_unknown() -> None:
    tags = run_tags("adult", "rf", provenance(commit=None, dirty=None))
    assert tags["git.dirty"] == "unknown" and "git.commit" not in tags
    assert tags["mlflow.source.name"] == "dvc repro"
    assert description("adult", "rf", provenance(commit=None)) == "`rf` on `adult`."
