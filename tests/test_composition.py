"""The checks around the composition of params/: YAML typos by line and column, unknown options
and keys with the closest valid name, and the digest that tells a hand edit of params.yaml apart."""

from __future__ import annotations

import importlib
import inspect
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from pipeline.composition import (
    changed_keys,
    check_keys,
    check_yaml,
    estimator_keys,
    option_keys,
    recorded_digest,
    values_digest,
    with_header,
)
from pipeline.errors import ConfigError
from pipeline.stages import params as stage

PARAMS = ROOT / "params"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a copy of params/ and the data the default dataset reads."""
    shutil.copytree(PARAMS, tmp_path / "params")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "adult").symlink_to(ROOT / "data" / "adult")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DVC_EXP_NAME", raising=False)
    return tmp_path


def test_the_header_records_the_digest_of_the_values_not_of_the_formatting() -> None:
    headed = with_header("seed: 1\nmodel:\n  name: a\n")
    assert headed.startswith("# Composed from params/ by the params stage")
    assert recorded_digest(headed) == values_digest({"seed": 1, "model": {"name": "a"}})
    assert with_header(headed) == headed  # idempotent
    reformatted = with_header("model: {name: a}\nseed: 1  # a comment\n")
    assert recorded_digest(reformatted) == recorded_digest(headed)
    assert recorded_digest("seed: 1\n") is None


def test_changed_keys_are_dotted_with_both_values() -> None:
    old = {"seed": 1, "model": {"max_iter": 200, "name": "a"}, "drop": []}
    new = {"seed": 1, "model": {"max_iter": 50, "name": "a", "extra": 3}, "drop": ["x"]}
    assert changed_keys(old, new) == [
        ("drop", [], ["x"]), ("model.extra", None, 3), ("model.max_iter", 200, 50),
    ]  # fmt: skip
    assert changed_keys(old, old) == []


def test_a_yaml_typo_is_named_by_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "params" / "model").mkdir(parents=True)
    (tmp_path / "params" / "model" / "m.yaml").write_text("name: m\nmax_iter: [200\nseed: 1\n")
    with pytest.raises(ConfigError) as error:
        check_yaml(tmp_path / "params")
    message = str(error.value)
    assert message.startswith("params/model/m.yaml is not valid YAML at line 3, column 5")
    assert "[a, b] with both brackets" in message
    check_yaml(PARAMS)  # the committed files are valid


@pytest.mark.parametrize("path", sorted(PARAMS.glob("model/*.yaml")), ids=lambda p: p.stem)
def test_estimator_keys_are_the_constructor_parameters_without_importing(path: Path) -> None:
    target = yaml.safe_load(path.read_text())["_target_"]
    module, _, name = target.rpartition(".")
    reference = inspect.signature(getattr(importlib.import_module(module), name)).parameters
    assert estimator_keys(target) == list(reference)


def test_estimator_keys_are_unknown_for_a_class_that_cannot_be_found() -> None:
    assert estimator_keys("sklearn.no_such_module.X") is None
    assert estimator_keys("sklearn.ensemble.NoSuchEstimator") is None
    assert estimator_keys("no_such_package.X") is None and estimator_keys(3) is None


def composed(*overrides: str) -> dict:
    path = Path("composed.yaml")
    stage.compose(path, list(overrides), PARAMS)
    return yaml.safe_load(path.read_text())


def test_unknown_keys_are_named_with_the_closest_one(project: Path) -> None:
    check_keys(PARAMS, composed("model=random_forest", "model.n_estimators=5"))
    with pytest.raises(ConfigError) as error:
        check_keys(PARAMS, composed("model=random_forest", "+model.n_estimatorz=5"))
    assert str(error.value).startswith(
        "model.n_estimatorz is not a parameter of model=random_forest; did you mean "
        "model.n_estimators? (keys: bootstrap, "
    )
    assert "`-S model.<key>=...` (no `+`)" in str(error.value)
    with pytest.raises(ConfigError, match=r"^split.test_sise is not a parameter of split=default;"):
        check_keys(PARAMS, composed("+split.test_sise=0.3"))
    with pytest.raises(ConfigError, match=r"^seeed is not a parameter; did you mean seed\?"):
        check_keys(PARAMS, composed("+seeed=3"))


def test_a_key_written_into_a_model_file_is_checked_against_the_estimator(project: Path) -> None:
    path = project / "params/model/random_forest.yaml"
    path.write_text(path.read_text() + "max_deph: 3\n")
    stage.compose(Path("p.yaml"), ["model=random_forest"], project / "params")
    with pytest.raises(ConfigError, match=r"did you mean model.max_depth\?.*params/model/random"):
        check_keys(project / "params", yaml.safe_load(Path("p.yaml").read_text()))


def test_an_unknown_group_option_names_the_closest(project: Path) -> None:
    with pytest.raises(ConfigError) as error:
        stage.compose(Path("p.yaml"), ["model=randomforest"], PARAMS)
    assert str(error.value).startswith(
        "cannot compose params/: model=randomforest (the override model=randomforest) is not an "
        "option of model; did you mean model=random_forest? (options: hist_gradient_boosting, "
    )
    config = project / "params/config.yaml"
    config.write_text(config.read_text().replace("dataset: adult", "dataset: adlt"))
    with pytest.raises(ConfigError, match=r"dataset=adlt \(params/config.yaml\) .*dataset=adult\?"):
        stage.compose(Path("p.yaml"), [], project / "params")


def test_an_option_extending_another_has_the_keys_of_both(project: Path) -> None:
    mine = "defaults:\n  - csv\npath: data/mine.csv\ntarget: y\nweight: 2\n"
    (project / "params/dataset/mine.yaml").write_text(mine)
    keys = option_keys(project / "params", "dataset", "mine")
    assert {"delimiter", "path", "weight"} <= set(keys) and "defaults" not in keys
    stage.compose(Path("p.yaml"), ["dataset=mine"], project / "params")
    composed = yaml.safe_load(Path("p.yaml").read_text())
    assert composed["dataset"]["name"] == "csv"  # inherited from the option it extends
    check_keys(project / "params", composed)
    stage.compose(Path("p.yaml"), ["dataset=mine", "+dataset.wieght=3"], project / "params")
    expected = r"^dataset.wieght is not a parameter of dataset=mine; did you mean dataset.weight\?"
    with pytest.raises(ConfigError, match=expected):
        check_keys(project / "params", yaml.safe_load(Path("p.yaml").read_text()))


def test_a_dataset_picks_its_own_defaults_and_overrides_still_win(project: Path) -> None:
    mnist = composed("dataset=mnist")
    assert mnist["model"]["name"] == "mlp" and mnist["crossval"]["folds"] == 0
    assert mnist["dataset"]["official_split"] is True and mnist["features"]["scale"] == "minmax"
    check_keys(PARAMS, mnist)
    chosen = composed("dataset=mnist", "model=knn", "crossval=default")
    assert chosen["model"]["name"] == "knn" and chosen["crossval"]["folds"] == 5
    adult = composed()
    assert adult["model"]["name"] == "hist_gradient_boosting" and adult["crossval"]["folds"] == 5
