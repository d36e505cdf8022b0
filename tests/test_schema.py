"""The schema: which task a target supports, which columns are categorical, and its file."""

import numpy as np
import pandas as pd
import pytest

from pipeline.config import DatasetConfig
from pipeline.data.features import FeaturesConfig, build_features, build_schema
from pipeline.data.split import SplitConfig
from pipeline.errors import DataValidationError
from pipeline.schema import (
    binary_labels,
    is_categorical,
    read_schema,
    resolve_task,
    sorted_labels,
    write_schema,
)


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


@pytest.mark.parametrize(
    "values,positive_label,labels",
    [
        ([9, 10], None, (9, 10)),  # by value, not as text ("9" > "10")
        ([10, 9, 9], None, (9, 10)),
        ([0.0, 1.0], None, (0.0, 1.0)),
        ([2, 10.5], None, (2, 10.5)),  # ints and floats together
        ([True, False], None, (False, True)),
        (["yes", "no"], None, ("no", "yes")),
        (["9", "10"], None, ("10", "9")),  # text is text: the documented rule
        ([9, 10], 9, (10, 9)),
        ([0.0, 1.0], 1, (0.0, 1.0)),
        (["no", "yes"], "no", ("yes", "no")),
    ],
)
def test_binary_labels_sort_numbers_by_value(values, positive_label, labels) -> None:
    target = pd.Series([*values, None], name="y")
    if all(isinstance(v, bool) for v in values):
        target = pd.Series(values, name="y")
    assert binary_labels(target, positive_label) == labels


def test_sorted_labels_of_a_mix_that_does_not_compare_sorts_as_text() -> None:
    assert sorted_labels([10, 9, 2.5]) == [2.5, 9, 10]
    assert sorted_labels(["b", 10, "a", 9]) == [10, 9, "a", "b"]


def test_multiclass_classes_are_in_the_order_of_scikit_learn() -> None:
    from sklearn.preprocessing import LabelEncoder

    rng = np.random.default_rng(0)
    y = rng.choice([1, 2, 10, 12], 200)
    frame = pd.DataFrame({"x": rng.normal(size=200), "sex": rng.choice(["f", "m"], 200), "y": y})
    dataset = DatasetConfig(
        name="t", source="x", target="y", task="auto", positive_label=None, sensitive=("sex",)
    )
    features = FeaturesConfig(
        include_sensitive=False, drop=(), categorical=(), min_frequency=1, scale=True
    )
    schema = build_schema(frame, dataset, features)
    assert schema.classes == (1, 2, 10, 12)
    assert list(schema.classes) == LabelEncoder().fit(y).classes_.tolist()


@pytest.mark.parametrize("declared", ["auto", "binary", "multiclass"])
def test_a_target_of_one_class_is_refused_by_name(declared: str) -> None:
    with pytest.raises(DataValidationError, match="has the single value 'yes': there is nothing"):
        resolve_task(pd.Series(["yes"] * 5 + [None], name="y"), declared)
