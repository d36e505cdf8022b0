"""Shared DVC storage, with real git and DVC: the project pushes its cached outputs to the default
remote (`shared`, a directory beside the project: `make push`), and a fresh clone pulls them
(`make pull`) with nothing left to re-run; an experiment travels through the git remote with
`dvc exp push` / `dvc exp pull`. Slow."""

from __future__ import annotations

import configparser
import json
from pathlib import Path

import pytest
from helpers import ROOT, copy_repository, ran_stages, sh

pytestmark = pytest.mark.slow


def status(repo: Path) -> dict:
    return json.loads(sh(["dvc", "status", "--json"], repo).stdout)


def test_the_default_remote_is_a_shared_directory_and_make_pushes_and_pulls_it() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".dvc/config")
    assert config["core"]["remote"] == "shared"
    # relative to .dvc/: a folder beside the project's
    assert config["'remote \"shared\"'"]["url"] == "../../dvc-storage"
    makefile = (ROOT / "Makefile").read_text()
    assert "\n\tdvc push\n" in makefile and "\n\tdvc pull\n" in makefile


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A project on small synthetic data, run, committed and pushed to a bare git remote, its
    outputs pushed to the shared directory; then an experiment pushed the same way."""
    root = tmp_path_factory.mktemp("team")
    origin = root / "origin.git"
    sh(["git", "init", "-q", "--bare", "-b", "main", str(origin)], root)
    first = copy_repository(root / "first")
    config = first / "params/config.yaml"
    config.write_text(config.read_text().replace("  - dataset: adult", "  - dataset: synthetic"))
    synthetic = first / "params/dataset/synthetic.yaml"
    synthetic.write_text(synthetic.read_text().replace("n_rows: 20000", "n_rows: 2000"))
    sh(["dvc", "repro"], first)
    sh(["git", "add", "-A"], first)
    sh(["git", "commit", "-q", "-m", "synthetic, 2000 rows"], first)
    sh(["git", "remote", "add", "origin", str(origin)], first)
    sh(["git", "push", "-q", "origin", "main"], first)
    sh(["dvc", "push"], first)
    sh(["dvc", "exp", "run", "--temp", "-n", "lr", "-S", "model=logistic_regression"], first)
    sh(["dvc", "exp", "push", "origin", "lr"], first)
    return {"root": root, "origin": origin, "first": first}


def test_a_fresh_clone_pulls_every_output_and_reruns_nothing(pushed: dict[str, Path]) -> None:
    root = pushed["root"]
    assert (root / "dvc-storage/files/md5").is_dir()  # beside the projects, shared by both
    second = root / "second"
    sh(["git", "clone", "-q", str(pushed["origin"]), str(second)], root)
    assert not (second / "models/model.pkl").exists()
    sh(["dvc", "pull"], second)
    first, cached = pushed["first"], ["models/model.pkl", "data/features/train.parquet"]
    for name in cached:
        assert (second / name).read_bytes() == (first / name).read_bytes()
    assert status(second) == {"params": ["always changed"]}
    assert ran_stages(sh(["dvc", "repro"], second).stdout) == ["params"]


def test_an_experiment_travels_through_the_git_remote(pushed: dict[str, Path]) -> None:
    root = pushed["root"]
    third = root / "third"
    sh(["git", "clone", "-q", str(pushed["origin"]), str(third)], root)
    sh(["dvc", "exp", "pull", "origin", "lr"], third)
    shown = json.loads(sh(["dvc", "exp", "show", "--json"], third).stdout)
    experiments = [exp for baseline in shown for exp in (baseline.get("experiments") or [])]
    names = [exp.get("name") for exp in experiments]
    assert "lr" in names, names
    sh(["dvc", "exp", "apply", "lr"], third)
    assert "logistic_regression" in (third / "params.yaml").read_text()
    assert (third / "models/model.pkl").is_file()  # its outputs came from the shared directory
