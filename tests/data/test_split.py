"""The train/test split on its own: seeded, disjoint, stratified for classification only."""

import numpy as np
import pandas as pd
import pytest

from pipeline.data.split import SplitConfig, split
from pipeline.errors import ConfigError
from pipeline.schema import Schema

SPLIT = SplitConfig(test_size=0.25, stratify=True)
BINARY = Schema(
    task="binary", target="y", numeric=("x",), categorical=(), sensitive=(), classes=(0, 1),
    labels=(0, 1),
)  # fmt: skip


def frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame({"x": np.arange(n), "y": (rng.random(n) < 0.2).astype("int64")})


def test_the_split_is_seeded_disjoint_and_complete() -> None:
    data = frame()
    train, test = split(data, BINARY, SPLIT, seed=3)
    again, _ = split(data, BINARY, SPLIT, seed=3)
    other, _ = split(data, BINARY, SPLIT, seed=4)
    pd.testing.assert_frame_equal(train, again)
    assert not train.equals(other)
    assert set(train["x"]).isdisjoint(test["x"])
    assert sorted([*train["x"], *test["x"]]) == list(data["x"])
    assert list(train.index) == list(range(300)) and list(test.index) == list(range(100))


def test_classes_keep_their_proportions_unless_told_not_to() -> None:
    data = frame()
    train, test = split(data, BINARY, SPLIT, seed=0)
    assert test["y"].sum() == round(data["y"].sum() * 0.25)
    plain = SplitConfig(test_size=0.25, stratify=False)
    counts = {split(data, BINARY, plain, seed)[1]["y"].sum() for seed in range(10)}
    assert len(counts) > 1  # without stratification the positives in test vary by seed


def test_a_regression_target_is_split_without_strata() -> None:
    regression = Schema(**{**BINARY.__dict__, "task": "regression", "classes": (), "labels": ()})
    data = frame().assign(y=np.linspace(0, 10, 400))
    _, test = split(data, regression, SPLIT, seed=0)
    assert len(test) == 100


@pytest.mark.parametrize("size", [0.0, 1.0, 1.5])
def test_test_size_must_be_a_fraction(size: float) -> None:
    with pytest.raises(ConfigError, match=f"split.test_size is {size}"):
        SplitConfig(test_size=size, stratify=True)
