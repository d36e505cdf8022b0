from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from pipeline.config import DatasetConfig, from_mapping, load_config, parse_config
from pipeline.data.checks import ValidationConfig
from pipeline.data.features import FeaturesConfig
from pipeline.data.split import SplitConfig
from pipeline.errors import ConfigError
from pipeline.models.config import read_model
from pipeline.stages.params import compose

# The sections typed here, by the class that types them (the model section has its own reader).
SECTIONS = {"validation": ValidationConfig, "split": SplitConfig, "features": FeaturesConfig}

GROUP_OVERRIDES = {"csv": ["dataset.path=data/x.csv", "dataset.target=y"]}


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (ROOT / "params" / group).glob("*.yaml"))


def test_committed_params_yaml_is_the_composition_of_params(tmp_path: Path) -> None:
    compose(tmp_path / "params.yaml", config_dir=ROOT / "params")
    assert (tmp_path / "params.yaml").read_text() == (ROOT / "params.yaml").read_text()


@pytest.mark.parametrize(
    "group,option",
    [
        (g.name, o)
        for g in sorted((ROOT / "params").iterdir())
        if g.is_dir()
        for o in options(g.name)
    ],
)
def test_every_option_of_every_group_composes_and_parses(
    tmp_path: Path, group: str, option: str
) -> None:
    overrides = [f"{group}={option}", *GROUP_OVERRIDES.get(option, [])]
    if (
        group == "model"
        and "task: regression" in (ROOT / f"params/model/{option}.yaml").read_text()
    ):
        overrides.append("dataset=diabetes")
    compose(tmp_path / "params.yaml", overrides, config_dir=ROOT / "params")
    config = load_config(tmp_path / "params.yaml")
    for name, cls in SECTIONS.items():
        config.section(cls, name)
    model = read_model(config)
    written = yaml.safe_load((ROOT / "params" / group / f"{option}.yaml").read_text())
    for key, value in written.items():
        if key == "defaults":  # the options it picks for other groups
            continue
        if not isinstance(value, dict) and not str(value).startswith(("${", "???")):
            assert config.raw[group][key] == value, key
    if group == "model":
        assert model.name == option
    if group == "dataset":
        assert config.dataset.name == option


def test_seed_reaches_the_estimator(tmp_path: Path) -> None:
    compose(tmp_path / "p.yaml", ["seed=7", "model=random_forest"], config_dir=ROOT / "params")
    config = load_config(tmp_path / "p.yaml")
    assert config.seed == 7
    assert read_model(config).params["random_state"] == 7


def test_a_required_key_left_unset_is_named(tmp_path: Path) -> None:
    compose(tmp_path / "p.yaml", ["dataset=csv", "dataset.path=a.csv"], config_dir=ROOT / "params")
    with pytest.raises(ConfigError, match=r"'dataset.target' is required"):
        load_config(tmp_path / "p.yaml")


def test_a_bad_override_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot compose"):
        compose(tmp_path / "p.yaml", ["model=no_such_model"], config_dir=ROOT / "params")
    assert not (tmp_path / "p.yaml").exists()


def raw_params() -> dict:
    return yaml.safe_load((ROOT / "params.yaml").read_text())


def test_unknown_key_is_named() -> None:
    raw = raw_params()
    raw["split"]["test_fraction"] = 0.2
    with pytest.raises(ConfigError, match=r"unknown key 'split.test_fraction'"):
        parse_config(raw).section(SplitConfig, "split")


def test_missing_key_is_named() -> None:
    raw = raw_params()
    del raw["features"]["scale"]
    with pytest.raises(ConfigError, match=r"missing key 'features.scale'"):
        parse_config(raw).section(FeaturesConfig, "features")


def test_wrong_types_are_named() -> None:
    raw = raw_params()
    raw["split"]["test_size"] = "a quarter"
    with pytest.raises(ConfigError, match=r"split.test_size is 'a quarter'"):
        parse_config(raw).section(SplitConfig, "split")
    with pytest.raises(ConfigError, match=r"dataset.sensitive is 'sex'; expected a list"):
        from_mapping(DatasetConfig, {**raw_params()["dataset"], "sensitive": "sex"}, "dataset")


def test_values_out_of_range_are_named() -> None:
    raw = raw_params()
    raw["split"]["test_size"] = 1.5
    with pytest.raises(ConfigError, match=r"split.test_size is 1.5"):
        parse_config(raw).section(SplitConfig, "split")
    raw = raw_params()
    raw["dataset"]["task"] = "clustering"
    with pytest.raises(ConfigError, match=r"dataset.task is 'clustering'"):
        parse_config(raw)


def test_missing_params_file_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="dvc repro params"):
        load_config(tmp_path / "params.yaml")


def test_a_missing_section_is_named_by_the_stage_that_reads_it() -> None:
    raw = raw_params()
    del raw["validation"]
    config = parse_config(raw)  # only seed, paths and dataset are everyone's
    with pytest.raises(ConfigError, match=r"missing section 'validation' in params.yaml"):
        config.section(ValidationConfig, "validation")
    del raw["dataset"]
    with pytest.raises(ConfigError, match=r"missing section 'dataset'"):
        parse_config(raw)
