import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT

from pipeline import datasets
from pipeline.config import load_config
from pipeline.errors import DataValidationError
from pipeline.stages.params import compose


@pytest.fixture(scope="module")
def adult_config(tmp_path_factory):
    path = tmp_path_factory.mktemp("adult") / "params.yaml"
    compose(path, config_dir=ROOT / "params")
    config = load_config(path).dataset
    return replace(config, source=str(ROOT / config.source))


def count_raw_rows(path: Path, skip: int) -> tuple[int, int]:
    """Rows and '?' workclass values, read with the csv module as an independent check."""
    rows = missing = 0
    with open(path, newline="") as handle:
        for record in list(csv.reader(handle))[skip:]:
            if len(record) == 15:
                rows += 1
                missing += record[1].strip() == "?"
    return rows, missing


def test_adult_reads_both_files_with_labels_and_missing_values(adult_config) -> None:
    loaded = datasets.load_adult(adult_config)
    frame = loaded.frame
    data_rows, data_missing = count_raw_rows(ROOT / "data/adult/adult.data", 0)
    test_rows, test_missing = count_raw_rows(ROOT / "data/adult/adult.test", 1)
    assert len(frame) == data_rows + test_rows == 48842
    assert set(frame["income"]) == {"<=50K", ">50K"}
    assert frame["workclass"].isna().sum() == data_missing + test_missing
    assert list(frame.columns) == datasets.ADULT_COLUMNS
    assert loaded.files == adult_config.sha256
    assert "CC BY 4.0" in loaded.license


def test_adult_checksum_mismatch_is_an_error(adult_config, tmp_path: Path) -> None:
    for name in datasets.ADULT_FILES:
        (tmp_path / name).write_bytes((ROOT / "data/adult" / name).read_bytes())
    with open(tmp_path / "adult.test", "a") as handle:
        handle.write("\n")
    with pytest.raises(DataValidationError, match=r"adult.test: SHA-256 is [0-9a-f]{64}, expected"):
        datasets.load_adult(replace(adult_config, source=str(tmp_path)))


@pytest.mark.parametrize(
    "name,rows,columns,target,values",
    [
        ("digits", 1797, 65, "digit", set(range(10))),
        ("breast_cancer", 569, 31, "diagnosis", {"malignant", "benign"}),
        ("diabetes", 442, 11, "progression", None),
    ],
)
def test_bundled_datasets(adult_config, name, rows, columns, target, values) -> None:
    config = replace(adult_config, name=name, target=target, sha256=None)
    loaded = datasets.load(config, seed=0)
    assert loaded.frame.shape == (rows, columns)
    if values is not None:
        assert set(loaded.frame[target]) == values
    assert all(len(digest) == 64 for digest in loaded.files.values())


def test_diabetes_sex_is_an_integer_group() -> None:
    config = datasets.DatasetConfig(
        name="diabetes", source="", target="progression", task="regression",
        positive_label=None, sensitive=("sex",),
    )  # fmt: skip
    assert sorted(datasets.load(config, 0).frame["sex"].unique()) == [1, 2]


def test_synthetic_is_seeded() -> None:
    a = datasets.make_synthetic(500, 1, 0.3, 0.9)
    pd.testing.assert_frame_equal(a, datasets.make_synthetic(500, 1, 0.3, 0.9))
    assert not a.equals(datasets.make_synthetic(500, 2, 0.3, 0.9))


def test_synthetic_plants_what_it_says() -> None:
    n, bias, strength = 200_000, 0.3, 0.9
    frame = datasets.make_synthetic(n, 3, bias, strength, plant_leak=True)
    rate = frame.groupby("group")["label"].mean()
    counts = frame["group"].value_counts()
    # base rate of b is (1 - bias) x that of a; allow 4 standard errors of the ratio
    se = np.sqrt(rate["b"] * (1 - rate["b"]) / counts["b"]) / rate["a"]
    assert abs(rate["b"] / rate["a"] - (1 - bias)) < 4 * se + 4 * se * rate["b"] / rate["a"]
    region_b = frame["region"].str[1:].astype(int) >= 5
    agreement = (region_b == (frame["group"] == "b")).mean()
    assert abs(agreement - strength) < 4 * np.sqrt(strength * (1 - strength) / n)
    assert abs((frame["leak"] == frame["label"]).mean() - 0.998) < 0.001
    # spurious tracks z, and z the label; spurious is not an input of the label model
    assert np.corrcoef(frame["spurious"], frame["z"])[0, 1] > 0.85
    assert "leak" not in datasets.make_synthetic(100, 3, bias, strength).columns


def test_synthetic_rejects_bad_parameters() -> None:
    with pytest.raises(DataValidationError, match="must lie in"):
        datasets.make_synthetic(100, 0, 1.5, 0.9)


def csv_config(path: Path, name: str = "csv", sha256: str | None = None, **options):
    """A `dataset=csv` config; keyword arguments other than the common keys are its options."""
    return datasets.DatasetConfig(
        name=name, source=str(path), target="y", task="auto", positive_label=None, sensitive=(),
        sha256=sha256, options={"path": str(path), "na_values": ["", "?", "NA"], **options},
    )  # fmt: skip


def test_csv_with_delimiter_encoding_and_missing_markers(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_bytes("città;x;y\nRoma;1,5;a\n?;2;b\nNA;;a\n".encode("latin-1"))
    loaded = datasets.load_file(csv_config(path, delimiter=";", encoding="latin-1"))
    assert list(loaded.frame.columns) == ["città", "x", "y"]
    assert loaded.frame["città"].isna().sum() == 2
    assert loaded.frame["x"].isna().sum() == 1


def test_parquet_is_read_by_extension(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]})
    frame.to_parquet(tmp_path / "mine.parquet")
    loaded = datasets.load_file(csv_config(tmp_path / "mine.parquet"))
    pd.testing.assert_frame_equal(loaded.frame, frame)


def test_csv_errors_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"dataset.path '.*nope.csv' does not exist"):
        datasets.load_file(csv_config(tmp_path / "nope.csv"))
    path = tmp_path / "latin.csv"
    path.write_bytes("a,y\ncittà,1\n".encode("latin-1"))
    with pytest.raises(DataValidationError, match="set dataset.encoding"):
        datasets.load_file(csv_config(path))
    with pytest.raises(DataValidationError, match="SHA-256 is"):
        datasets.load_file(csv_config(path, encoding="latin-1", sha256="0" * 64))


def test_unknown_dataset_name_lists_the_known_ones() -> None:
    with pytest.raises(DataValidationError, match="use one of adult, breast_cancer"):
        datasets.load(csv_config(Path("x"), name="iris"), 0)
