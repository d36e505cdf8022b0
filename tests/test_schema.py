"""The schema: which task a target supports, which columns are categorical, and its file."""

import numpy as np
import pandas as pd
import pytest

from pipeline.config import DatasetConfig
from pipeline.data.features import FeaturesConfig, build_features
from pipeline.data.split import SplitConfig
from pipeline.errors import DataValidationError
from pipeline.schema import is_categorical, read_schema, resolve_task, write_schema


@pytest.mark.parametrize(
    "values,declared,task",
    [
        ([0, 1, 0, 1], "auto", "binary"),
        ([0.5, 1.5, 2.5] * 10, "auto", "regression"),
        (list(range(50)), "auto", "regression"),
        ([1, 2, 3, 1, 2, 3], "auto", "multiclass"),
        (["a", "b", "c"], "auto", "multiclass"),
        ([1, 2, 3, 4], "regression", "regression"),
    ],
)
def test_resolve_task(values, declared, task) -> None:
    assert resolve_task(pd.Series(values, name="y"), declared) == task


@pytest.mark.parametrize(
    "values,categorical",
    [
        (pd.Series([1.5, 2.0]), False),
        (pd.Series([1, 2], dtype="int64"), False),
        (pd.Series([1, None], dtype="Int64"), False),
        (pd.Series([True, False]), True),
        (pd.Series([True, None], dtype="boolean"), True),
        (pd.Series(["a", "b"]), True),
        (pd.Series(["a", "b"], dtype=object), True),
        (pd.Series(["a", "b"], dtype="category"), True),
    ],
)
def test_booleans_and_text_are_categorical_numbers_are_not(values, categorical) -> None:
    assert is_categorical(values) is categorical


def test_a_boolean_target_cannot_be_a_regression_target() -> None:
    with pytest.raises(DataValidationError, match="not numeric"):
        resolve_task(pd.Series([True, False] * 20, name="y"), "regression")


def test_schema_round_trips(tmp_path) -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=400),
            "code": rng.integers(0, 3, 400),
            "colour": rng.choice(["r", "g", None], 400),
            "sex": rng.choice(["f", "m"], 400),
            "y": rng.choice(["no", "no", "no", "yes"], 400),
        }
    )
    dataset = DatasetConfig(
        name="t", source="x", target="y", task="auto", positive_label="yes", sensitive=("sex",)
    )
    features = FeaturesConfig(
        include_sensitive=False, drop=(), categorical=(), min_frequency=1, scale=True
    )
    split = SplitConfig(test_size=0.25, stratify=True)
    _, _, schema = build_features(frame, dataset, features, split, seed=0)
    write_schema(tmp_path / "schema.json", schema)
    assert read_schema(tmp_path / "schema.json") == schema
