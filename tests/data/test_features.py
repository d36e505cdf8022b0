"""From the raw table to the split: column roles, the binary target's 0/1 coding, the split
(seeded, or the source's own partition)."""

import numpy as np
import pandas as pd
import pytest

from pipeline.config import DatasetConfig
from pipeline.data.features import FeaturesConfig, build_features
from pipeline.data.partition import Partition
from pipeline.data.split import SplitConfig
from pipeline.errors import ConfigError, DataValidationError

FEATURES = FeaturesConfig(
    include_sensitive=False, drop=(), categorical=(), min_frequency=1, scale=True
)
SPLIT = SplitConfig(test_size=0.25, stratify=True)


def dataset(**changes) -> DatasetConfig:
    base = dict(
        name="t", source="x", target="y", task="auto", positive_label="yes", sensitive=("sex",)
    )
    return DatasetConfig(**{**base, **changes})


def frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "code": rng.integers(0, 3, n),
            "colour": rng.choice(["r", "g", None], n),
            "sex": rng.choice(["f", "m"], n),
            "y": rng.choice(["no", "no", "no", "yes"], n),
        }
    )


def test_split_is_seeded_stratified_and_disjoint() -> None:
    data = frame()
    train, test, schema = build_features(data, dataset(), FEATURES, SPLIT, seed=3)
    again, _, _ = build_features(data, dataset(), FEATURES, SPLIT, seed=3)
    other, _, _ = build_features(data, dataset(), FEATURES, SPLIT, seed=4)
    pd.testing.assert_frame_equal(train, again)
    assert not train.equals(other)
    assert len(test) == 100 and len(train) == 300
    assert abs(train["y"].mean() - test["y"].mean()) < 0.01  # stratified
    assert abs(train["y"].mean() - (data["y"] == "yes").mean()) < 0.01


def test_binary_target_is_one_for_the_positive_label() -> None:
    data = frame()
    train, test, schema = build_features(data, dataset(), FEATURES, SPLIT, seed=0)
    assert schema.labels == ("no", "yes") and schema.classes == (0, 1)
    assert train["y"].sum() + test["y"].sum() == (data["y"] == "yes").sum()
    _, _, flipped = build_features(data, dataset(positive_label="no"), FEATURES, SPLIT, seed=0)
    assert flipped.labels == ("yes", "no") and flipped.positive_label == "no"


def test_sensitive_attributes_travel_but_are_not_inputs_by_default() -> None:
    train, test, schema = build_features(frame(), dataset(), FEATURES, SPLIT, seed=0)
    assert "sex" not in schema.features and "sex" in train.columns and "sex" in test.columns
    included = FeaturesConfig(**{**FEATURES.__dict__, "include_sensitive": True})
    _, _, schema = build_features(frame(), dataset(), included, SPLIT, seed=0)
    assert "sex" in schema.categorical


def test_column_roles_follow_dtypes_and_config() -> None:
    _, _, schema = build_features(frame(), dataset(), FEATURES, SPLIT, seed=0)
    assert schema.numeric == ("x", "code") and schema.categorical == ("colour",)
    config = FeaturesConfig(**{**FEATURES.__dict__, "categorical": ("code",), "drop": ("x",)})
    train, _, schema = build_features(frame(), dataset(), config, SPLIT, seed=0)
    assert schema.numeric == () and schema.categorical == ("code", "colour")
    assert set(train["code"].dropna()) == {"0", "1", "2"}
    assert train["colour"].isna().any()  # missing stays missing, for the imputer


def test_boolean_columns_are_categorical_inputs() -> None:
    data = frame().assign(flag=lambda f: f["x"] > 0)
    train, _, schema = build_features(data, dataset(), FEATURES, SPLIT, seed=0)
    assert schema.categorical == ("colour", "flag")
    assert set(train["flag"]) == {"True", "False"}


def test_rows_without_target_are_dropped() -> None:
    data = frame()
    data.loc[:9, "y"] = None
    train, test, _ = build_features(data, dataset(), FEATURES, SPLIT, seed=0)
    assert len(train) + len(test) == 390


def test_unknown_columns_in_config_are_named() -> None:
    config = FeaturesConfig(**{**FEATURES.__dict__, "drop": ("nope",)})
    with pytest.raises(ConfigError, match="features.drop names 'nope'"):
        build_features(frame(), dataset(), config, SPLIT, seed=0)


def test_regression_split_is_not_stratified() -> None:
    data = frame().assign(y=np.linspace(0, 10, 400))
    train, test, schema = build_features(data, dataset(positive_label=None), FEATURES, SPLIT, 0)
    assert schema.task == "regression" and schema.classes == ()
    assert len(test) == 100


def test_the_official_partition_is_kept_and_missing_targets_do_not_shift_it() -> None:
    data = frame(400)
    data.loc[[0, 5, 310, 399], "y"] = None  # two training rows, two test rows without target
    official = dataset(official_split=True)
    train, test, schema = build_features(data, official, FEATURES, SPLIT, 0, Partition(300, 100))
    assert (len(train), len(test)) == (298, 98)  # split.test_size (0.25 of 396) is not used
    kept = data[data["y"].notna()]
    assert train["x"].tolist() == kept["x"][kept.index < 300].tolist()
    assert test["x"].tolist() == kept["x"][kept.index >= 300].tolist()
    assert test["y"].tolist() == (kept["y"][kept.index >= 300] == "yes").astype(int).tolist()
    assert schema.labels == ("no", "yes")
    seeded, _, _ = build_features(data, dataset(), FEATURES, SPLIT, 0, Partition(300, 100))
    again, _, _ = build_features(data, dataset(), FEATURES, SPLIT, 0)
    pd.testing.assert_frame_equal(seeded, again)  # without official_split the partition is unused


def test_official_split_needs_a_partition_that_covers_the_table() -> None:
    official = dataset(name="csv", official_split=True)
    no_partition = (
        r"dataset 'csv' has no official train/test partition.*set dataset.official_split=false"
    )
    with pytest.raises(ConfigError, match=no_partition):
        build_features(frame(), official, FEATURES, SPLIT, 0)
    stale = r"the raw table has 400 rows, but its official partition covers 401 \(300 train \+ 101"
    with pytest.raises(DataValidationError, match=stale + r" test\); run the ingest stage"):
        build_features(frame(), official, FEATURES, SPLIT, 0, Partition(300, 101))
