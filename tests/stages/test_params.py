"""The params stage: what DVC templated, the stamp of the data source, and a hand-edited
params.yaml refused, never silently replaced."""

import shutil
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from pipeline.composition import recorded_digest
from pipeline.config import DatasetConfig
from pipeline.errors import ConfigError
from pipeline.stages.params import compose, main, previous, source_stamp, templated_changes


def test_only_templated_values_that_changed_are_named() -> None:
    dvc_yaml = "deps:\n  - ${paths.raw}\n  - ${ paths.model }\n  - ${tracking.lock}\n"
    before = {"paths": {"raw": "a.parquet", "model": "m.pkl"}, "seed": 1}
    after = {"paths": {"raw": "b.parquet", "model": "m.pkl"}, "seed": 2, "tracking": {"lock": "x"}}
    assert templated_changes(before, after, dvc_yaml) == [
        "paths.raw: 'a.parquet' -> 'b.parquet'", "tracking.lock: None -> 'x'",
    ]  # fmt: skip
    assert templated_changes(after, after, dvc_yaml) == []


def test_the_source_stamp_hashes_every_file_and_names_a_missing_source(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "b.csv").write_text("b")
    (tmp_path / "d" / "sub" / "a.csv").write_text("a")
    (tmp_path / "d" / ".hidden").write_text("x")
    stamp = source_stamp(tmp_path / "d")
    assert [line.split("  ")[1] for line in stamp.splitlines()] == ["b.csv", "sub/a.csv"]
    (tmp_path / "d" / "b.csv").write_text("B")
    assert source_stamp(tmp_path / "d") != stamp  # content, not names or times
    assert source_stamp(tmp_path / "d" / "b.csv").endswith("  b.csv\n")
    with pytest.raises(
        ConfigError, match=r"dataset.source 'nope.csv' does not exist: no such file.*dataset.path"
    ):
        source_stamp(Path("nope.csv"))


def test_an_unreadable_previous_params_file_is_not_compared(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("seed: [1\n")
    assert previous(tmp_path / "p.yaml") is None and previous(tmp_path / "none.yaml") is None
    (tmp_path / "p.yaml").write_text("seed: 1\n")
    assert previous(tmp_path / "p.yaml") == {"seed": 1}


def test_a_missing_csv_names_dataset_path_and_the_file() -> None:
    dataset = DatasetConfig("csv", "nope.csv", "y", "auto", None, (), options={"path": "nope.csv"})
    with pytest.raises(ConfigError) as error:
        source_stamp(dataset)
    assert str(error.value) == (
        "dataset.source 'nope.csv' does not exist: dataset.path 'nope.csv' names no file in the "
        "project folder; for dataset=csv set dataset.path to your CSV or Parquet file (relative "
        "to the project folder, or absolute), e.g. -S dataset.path=data/mine.csv"
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with params/, the default dataset, and params.yaml composed from them."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "adult").symlink_to(ROOT / "data" / "adult")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DVC_EXP_NAME", raising=False)
    compose(tmp_path / "params.yaml", [], tmp_path / "params")
    shutil.copy(tmp_path / "params.yaml", tmp_path / "composed.yaml")
    return tmp_path


def test_a_hand_edit_of_params_yaml_is_refused_and_kept(project: Path) -> None:
    path = project / "params.yaml"
    text = path.read_text().replace("max_iter: 200", "max_iter: 50")
    edited = text.replace("test_size: 0.25", "test_size: 0.3")
    path.write_text(edited)
    with pytest.raises(ConfigError) as error:
        main([])
    assert str(error.value) == (
        "params.yaml was edited by hand (model.max_iter: 200 -> 50 (edit "
        "params/model/hist_gradient_boosting.yaml); split.test_size: 0.25 -> 0.3 (edit "
        "params/split/default.yaml)); "
        "`dvc repro` composes it from params/ and would discard the edit: make it in params/ (or "
        "run `dvc exp run -S model.max_iter=50`), then discard the hand edit with `git checkout "
        "params.yaml`"
    )
    assert path.read_text() == edited  # never silently discarded
    params = project / "params/model/hist_gradient_boosting.yaml"
    params.write_text(params.read_text().replace("max_iter: 200", "max_iter: 50"))
    split = project / "params/split/default.yaml"
    split.write_text(split.read_text().replace("test_size: 0.25", "test_size: 0.3"))
    main([])  # the edit made in params/ as well: nothing is lost, the file is composed again
    assert recorded_digest(path.read_text()) is not None
    assert yaml.safe_load(path.read_text())["model"]["max_iter"] == 50


def test_a_composition_by_dvc_exp_run_is_accepted_later(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "params.yaml"
    compose(path, ["model=random_forest", "model.n_estimators=5"], project / "params")
    path.write_text(path.read_text().split("\npaths:", 1)[1].join(["paths:", ""]))  # as DVC dumps
    assert recorded_digest(path.read_text()) is None
    monkeypatch.setenv("DVC_EXP_NAME", "exp")
    main()
    experiment = path.read_text()
    assert recorded_digest(experiment) is not None
    assert yaml.safe_load(experiment)["model"]["n_estimators"] == 5
    monkeypatch.delenv("DVC_EXP_NAME")
    main([])  # e.g. after `dvc exp apply`: not a hand edit; composed from params/ again
    assert path.read_text() == (project / "composed.yaml").read_text()


def test_an_unknown_key_under_dvc_exp_run_stops_after_the_header(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "params.yaml"
    compose(path, ["+model.n_estimatorz=5"], project / "params")
    monkeypatch.setenv("DVC_EXP_NAME", "exp")
    with pytest.raises(ConfigError, match=r"^model.n_estimatorz is not a parameter of model="):
        main()
    monkeypatch.delenv("DVC_EXP_NAME")
    main([])  # the failed experiment's params.yaml is not taken for a hand edit
    assert path.read_text() == (project / "composed.yaml").read_text()


def test_overrides_on_the_command_line_compose_as_dvc_exp_run_does(project: Path) -> None:
    main(["model=random_forest"])
    assert yaml.safe_load((project / "params.yaml").read_text())["model"]["name"] == "random_forest"
    with pytest.raises(ConfigError, match=r"did you mean model.n_estimators\?"):
        main(["model=random_forest", "+model.n_estimatorz=5"])
