"""The MNIST IDX reader: the published class counts and checksums as oracles, row-major pixel
columns, the official partition, and one clear error for each kind of broken file."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from corpus.cases_mnist import (
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    VENDORED,
    idx_bytes,
    sample,
    write_mnist,
)
from helpers import ROOT

from pipeline.config import DatasetConfig, load_config
from pipeline.data.mnist import IMAGE_MAGIC, LABEL_MAGIC, gunzip, load_mnist, parse_idx
from pipeline.data.partition import Partition
from pipeline.errors import ConfigError, DataValidationError
from pipeline.stages.params import compose

# /work/shared/data/README.md (the published figures)
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
UNCOMPRESSED_SHA256 = {
    TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}


@pytest.fixture(scope="module")
def mnist_config(tmp_path_factory) -> DatasetConfig:
    path = tmp_path_factory.mktemp("mnist") / "params.yaml"
    compose(path, ["dataset=mnist"], config_dir=ROOT / "params")
    config = load_config(path).dataset
    return replace(config, source=str(ROOT / config.source))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def reencoded(name: str) -> tuple[np.ndarray, str]:
    """The decoded array of a vendored file and the SHA-256 of it written back as IDX."""
    data, _ = gunzip(VENDORED / name)
    array = parse_idx(data, IMAGE_MAGIC if "images" in name else LABEL_MAGIC, name)
    return array, sha256(idx_bytes(array))


def test_config_names_the_vendored_files_and_their_checksums(mnist_config) -> None:
    assert isinstance(mnist_config.sha256, dict) and len(mnist_config.sha256) == 4
    for name, want in mnist_config.sha256.items():
        assert sha256((VENDORED / name).read_bytes()) == want
    assert mnist_config.official_split and mnist_config.image_shape == (28, 28)
    assert (mnist_config.target, mnist_config.task) == ("digit", "multiclass")


@pytest.mark.parametrize(
    ("name", "counts"), [(TRAIN_LABELS, TRAIN_COUNTS), (TEST_LABELS, TEST_COUNTS)]
)
def test_labels_decode_to_the_published_counts_and_bytes(name: str, counts: list[int]) -> None:
    labels, digest = reencoded(name)
    assert np.bincount(labels, minlength=10).tolist() == counts
    assert digest == UNCOMPRESSED_SHA256[name]


def test_test_images_decode_to_the_published_bytes() -> None:
    images, digest = reencoded(TEST_IMAGES)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert digest == UNCOMPRESSED_SHA256[TEST_IMAGES]


def write_sample(folder: Path, **changes: bytes) -> DatasetConfig:
    """A small MNIST folder (real digits), changed file by file; its config checks no checksums."""
    write_mnist(folder, {**sample(30, 10), **changes})
    return DatasetConfig(
        name="mnist", source=str(folder), target="digit", task="multiclass", positive_label=None,
        sensitive=(), official_split=True, image_shape=(28, 28),
    )  # fmt: skip


def test_frame_has_row_major_pixel_columns_then_the_digit(tmp_path: Path) -> None:
    loaded = load_mnist(write_sample(tmp_path))
    frame = loaded.frame
    images = np.concatenate(
        [parse_idx(gunzip(tmp_path / n)[0], IMAGE_MAGIC, n) for n in (TRAIN_IMAGES, TEST_IMAGES)]
    )
    assert frame.shape == (40, 785) and frame.columns[-1] == "digit"
    assert list(frame.columns[:3]) == ["pixel_00_00", "pixel_00_01", "pixel_00_02"]
    assert frame.columns[28] == "pixel_01_00" and frame.columns[783] == "pixel_27_27"
    assert (frame["pixel_05_17"].to_numpy() == images[:, 5, 17]).all()
    assert (frame.iloc[:, :784].to_numpy().reshape(40, 28, 28) == images).all()
    assert set(frame.dtypes.iloc[:784]) == {np.dtype("uint8")} and frame["digit"].dtype == "int64"
    assert loaded.partition == Partition(train=30, test=10)
    assert "LeCun" in loaded.source and loaded.license.startswith("CC BY-SA 3.0")
    assert sorted(loaded.files) == sorted([TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS])


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({TRAIN_IMAGES: sample(30, 10)[TRAIN_LABELS]}, r"train-images-idx3-ubyte\.gz: magic number "
         r"2049, expected 2051 \(IDX images\)"),
        ({TEST_IMAGES: idx_bytes(np.zeros((10, 28, 28)))[:-1]}, r"t10k-images-idx3-ubyte\.gz: 7855 "
         r"bytes after decompression, expected 7856 for 10x28x28 images \(truncated\)"),
        ({TRAIN_LABELS: idx_bytes(np.zeros(30)) + b"\0"}, r"train-labels-idx1-ubyte\.gz: 39 bytes "
         r"after decompression, expected 38 for 30 labels \(longer than its header says\)"),
        ({TEST_LABELS: b"\0\0\x08"}, r"t10k-labels-idx1-ubyte\.gz: 3 bytes, too short for an IDX "
         "labels header"),
        ({TEST_LABELS: idx_bytes(np.zeros(9))}, r"t10k-images-idx3-ubyte\.gz holds 10 images but "
         r".*t10k-labels-idx1-ubyte\.gz holds 9 labels"),
        ({TEST_LABELS: idx_bytes(np.full(10, 10))}, r"t10k-labels-idx1-ubyte\.gz: label 10 is not "
         "a digit 0-9"),
    ],
)  # fmt: skip
def test_a_broken_file_is_one_error_naming_it_and_the_fix(
    tmp_path: Path, changes: dict[str, bytes], error: str
) -> None:
    config = write_sample(tmp_path, **changes)
    with pytest.raises(DataValidationError, match=error) as raised:
        load_mnist(config)
    assert str(raised.value).endswith(
        "restore the vendored files with git (git checkout -- data/mnist)"
    )


def test_a_file_that_is_not_gzip_or_is_cut_short_is_named(tmp_path: Path) -> None:
    config = write_sample(tmp_path)
    whole = (tmp_path / TRAIN_LABELS).read_bytes()
    (tmp_path / TRAIN_LABELS).write_bytes(whole[:-10])
    with pytest.raises(
        DataValidationError, match=r"train-labels-idx1-ubyte\.gz is not a complete gzip"
    ):
        load_mnist(config)
    (tmp_path / TRAIN_LABELS).write_bytes(b"not gzip at all")
    with pytest.raises(
        DataValidationError, match=r"train-labels-idx1-ubyte\.gz is not a complete gzip"
    ):
        load_mnist(config)
    (tmp_path / TRAIN_LABELS).unlink()
    with pytest.raises(
        DataValidationError, match=r"train-labels-idx1-ubyte\.gz is missing; restore"
    ):
        load_mnist(config)


def test_checksums_and_image_shape_are_enforced(tmp_path: Path, mnist_config) -> None:
    sample_config = write_sample(tmp_path)
    with pytest.raises(
        DataValidationError,
        match=r"train-images-idx3-ubyte\.gz: SHA-256 is [0-9a-f]"
        r"{64}, expected 0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a",
    ):
        load_mnist(replace(mnist_config, source=str(tmp_path)))
    with pytest.raises(
        ConfigError,
        match=r"dataset.image_shape is \[8, 8\], but the MNIST images "
        r"are 28x28; set dataset.image_shape=\[28,28\]",
    ):
        load_mnist(replace(sample_config, image_shape=(8, 8)))
    with pytest.raises(ConfigError, match="unknown key 'dataset.colour'"):
        load_mnist(replace(sample_config, options={"colour": True}))  # fmt: skip


@pytest.mark.slow
def test_the_vendored_files_give_the_official_table(mnist_config) -> None:
    """All 70,000 digits: the official order and partition, bytes as published."""
    loaded = load_mnist(mnist_config)
    frame = loaded.frame
    assert frame.shape == (70000, 785) and loaded.partition == Partition(60000, 10000)
    digits = frame["digit"].to_numpy()
    assert np.bincount(digits[:60000]).tolist() == TRAIN_COUNTS
    assert np.bincount(digits[60000:]).tolist() == TEST_COUNTS
    pixels = frame.iloc[:, :784].to_numpy()
    assert (
        sha256(idx_bytes(pixels[:60000].reshape(-1, 28, 28))) == UNCOMPRESSED_SHA256[TRAIN_IMAGES]
    )
    assert sha256(idx_bytes(pixels[60000:].reshape(-1, 28, 28))) == UNCOMPRESSED_SHA256[TEST_IMAGES]
    assert loaded.files == mnist_config.sha256
