"""The `model` section: a scikit-learn estimator by class path (`_target_`) and its parameters.

It has its own reader, not `config.section`, because every key but name, task and `_target_` is
a parameter of the estimator, so the keys are not known in advance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.config import PARAMS_FILE, Config
from pipeline.errors import ConfigError
from pipeline.tasks import MODEL_TASKS


@dataclass(frozen=True)
class ModelConfig:
    """`estimator` is the class path (`_target_`); `params` are its keyword arguments."""

    name: str
    task: str
    estimator: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.task not in MODEL_TASKS:
            raise ConfigError(f"model.task is {self.task!r}; use classification or regression")


def model_config(raw: Any) -> ModelConfig:
    """Type the `model` section of params.yaml."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"'model' in {PARAMS_FILE} must be a mapping")
    for key in ("name", "task", "_target_"):
        if key not in raw:
            raise ConfigError(
                f"missing key 'model.{key}' in {PARAMS_FILE}; pick a model: -S model=..."
            )
    params = {k: v for k, v in raw.items() if k not in ("name", "task", "_target_")}
    return ModelConfig(name=raw["name"], task=raw["task"], estimator=raw["_target_"], params=params)


def read_model(config: Config) -> ModelConfig:
    """The model section of `config`, typed (as `config.section` does for the other sections)."""
    if "model" not in config.raw:
        raise ConfigError(f"missing section 'model' in {PARAMS_FILE}; add params/model/")
    return model_config(config.raw["model"])
