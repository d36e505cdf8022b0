"""Dataset names to loaders: unknown names list the known ones; each loader types its options."""

from pathlib import Path

import pytest

from pipeline.config import DatasetConfig
from pipeline.data.loaders import LOADERS, load
from pipeline.errors import ConfigError, DataValidationError


def config(name: str, **options) -> DatasetConfig:
    return DatasetConfig(
        name=name, source=str(Path("x")), target="y", task="auto", positive_label=None,
        sensitive=(), options=options,
    )  # fmt: skip


def test_unknown_dataset_name_lists_the_known_ones() -> None:
    with pytest.raises(DataValidationError, match="use one of adult, breast_cancer"):
        load(config("iris", path="x"), 0)


@pytest.mark.parametrize("name", [*LOADERS, "synthetic"])
def test_an_option_the_loader_does_not_take_is_named(name: str) -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'dataset.colour'"):
        load(config(name, colour="red"), 0)
