"""The tables bundled with scikit-learn, loaded by name with their files' checksums."""

import pytest

from pipeline.config import DatasetConfig
from pipeline.data.loaders import load


def config(name: str, target: str, task: str = "auto", sensitive=()) -> DatasetConfig:
    return DatasetConfig(
        name=name, source="", target=target, task=task, positive_label=None, sensitive=sensitive
    )


@pytest.mark.parametrize(
    "name,rows,columns,target,values",
    [
        ("digits", 1797, 65, "digit", set(range(10))),
        ("breast_cancer", 569, 31, "diagnosis", {"malignant", "benign"}),
        ("diabetes", 442, 11, "progression", None),
    ],
)
def test_bundled_datasets(name, rows, columns, target, values) -> None:
    loaded = load(config(name, target), seed=0)
    assert loaded.frame.shape == (rows, columns)
    if values is not None:
        assert set(loaded.frame[target]) == values
    assert all(len(digest) == 64 for digest in loaded.files.values())


def test_diabetes_sex_is_an_integer_group() -> None:
    diabetes = config("diabetes", "progression", "regression", ("sex",))
    assert sorted(load(diabetes, 0).frame["sex"].unique()) == [1, 2]
