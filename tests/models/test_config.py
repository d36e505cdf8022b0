"""The model section's own reader: name, task and class path, every other key a parameter."""

import pytest

from pipeline.config import parse_config
from pipeline.errors import ConfigError
from pipeline.models.config import ModelConfig, model_config, read_model

RAW = {"name": "rf", "task": "classification", "_target_": "sklearn.ensemble.X", "n": 3}


def test_every_key_but_name_task_and_target_is_a_parameter() -> None:
    assert model_config(RAW) == ModelConfig("rf", "classification", "sklearn.ensemble.X", {"n": 3})


@pytest.mark.parametrize("key", ["name", "task", "_target_"])
def test_a_missing_key_says_how_to_pick_a_model(key: str) -> None:
    raw = {k: v for k, v in RAW.items() if k != key}
    with pytest.raises(ConfigError, match=f"missing key 'model.{key}'.*-S model="):
        model_config(raw)


def test_a_model_task_is_classification_or_regression() -> None:
    with pytest.raises(ConfigError, match="model.task is 'binary'"):
        model_config({**RAW, "task": "binary"})
    with pytest.raises(ConfigError, match="'model' in params.yaml must be a mapping"):
        model_config(["rf"])


def test_read_model_names_a_missing_section() -> None:
    raw = {"seed": 0, "paths": {}, "dataset": {
        "name": "adult", "source": "x", "target": "y", "task": "auto", "positive_label": None,
        "sensitive": [],
    }}  # fmt: skip
    with pytest.raises(ConfigError, match="missing section 'model'"):
        read_model(parse_config(raw))
    assert read_model(parse_config({**raw, "model": RAW})).params == {"n": 3}
