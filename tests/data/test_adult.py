"""The vendored Adult files: both read, labels cleaned, missing markers kept, checksums enforced,
and adult.data / adult.test kept as the official split when asked."""

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import ROOT

from pipeline.config import load_config
from pipeline.data.adult import ADULT_COLUMNS, ADULT_FILES, load_adult
from pipeline.data.features import FeaturesConfig, build_features
from pipeline.data.partition import Partition
from pipeline.data.split import SplitConfig
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
    loaded = load_adult(adult_config)
    frame = loaded.frame
    data_rows, data_missing = count_raw_rows(ROOT / "data/adult/adult.data", 0)
    test_rows, test_missing = count_raw_rows(ROOT / "data/adult/adult.test", 1)
    assert len(frame) == data_rows + test_rows == 48842
    assert set(frame["income"]) == {"<=50K", ">50K"}
    assert frame["workclass"].isna().sum() == data_missing + test_missing
    assert list(frame.columns) == ADULT_COLUMNS
    assert loaded.files == adult_config.sha256
    assert "CC BY 4.0" in loaded.license
    assert loaded.partition == Partition(train=data_rows, test=test_rows)
    assert not adult_config.official_split  # the seeded split unless asked


def test_the_official_split_is_adult_data_then_adult_test(adult_config) -> None:
    loaded = load_adult(adult_config)
    with open(ROOT / "data/adult/adult.test", newline="") as handle:
        records = [r for r in list(csv.reader(handle))[1:] if len(r) == 15]
    expected = [int(r[14].strip().rstrip(".") == ">50K") for r in records]
    features = FeaturesConfig(
        include_sensitive=False, drop=(), categorical=(), min_frequency=1, scale=True
    )
    train, test, schema = build_features(
        loaded.frame, replace(adult_config, official_split=True), features,
        SplitConfig(test_size=0.5, stratify=True), 0, loaded.partition,
    )  # fmt: skip
    no_target = loaded.frame["income"].iloc[:32561].isna().sum()
    assert (len(train), len(test)) == (32561 - no_target, 16281)
    assert test["income"].tolist() == expected
    assert test["age"].tolist() == [int(r[0]) for r in records]
    assert schema.labels == ("<=50K", ">50K")


def test_adult_checksum_mismatch_is_an_error(adult_config, tmp_path: Path) -> None:
    for name in ADULT_FILES:
        (tmp_path / name).write_bytes((ROOT / "data/adult" / name).read_bytes())
    with open(tmp_path / "adult.test", "a") as handle:
        handle.write("\n")
    with pytest.raises(DataValidationError, match=r"adult.test: SHA-256 is [0-9a-f]{64}, expected"):
        load_adult(replace(adult_config, source=str(tmp_path)))
