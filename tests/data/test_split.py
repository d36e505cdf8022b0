"""The train/test split on its own: seeded, disjoint, stratified for classification only; or the
source's own partition, kept in order."""

import numpy as np
import pandas as pd
import pytest

from pipeline.data.split import SplitConfig, describe, split, split_by_mask
from pipeline.errors import ConfigError, DataValidationError
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


def test_the_official_split_keeps_each_side_in_its_order() -> None:
    data = frame(10)
    is_test = np.arange(10) >= 7
    train, test = split_by_mask(data, is_test)
    assert train["x"].tolist() == list(range(7)) and test["x"].tolist() == [7, 8, 9]
    assert list(test.index) == [0, 1, 2]
    with pytest.raises(DataValidationError, match="no row of the official test partition"):
        split_by_mask(data, np.zeros(10, bool))


def test_the_split_is_described_as_it_was_made() -> None:
    assert describe(SPLIT, False, "binary") == "seeded split (split.test_size=0.25, stratified)"
    assert describe(SPLIT, False, "regression") == (
        "seeded split (split.test_size=0.25, not stratified)"
    )
    assert describe(SPLIT, True, "binary").startswith("official split of the source")
