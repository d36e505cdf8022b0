"""Cases about MNIST's IDX files and the official train/test split: a small real sample that must
run right, a truncated file, images and labels of different counts, a wrong checksum, and the
official split asked of a table that has none (scikit-learn's digits).

The builders here (IDX encoding, a sample of the real digits) also serve tests/data/test_mnist.py
and the stage tests."""

from __future__ import annotations

import gzip
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from corpus.runner import Case
from helpers import ROOT

from pipeline.io import read_json

VENDORED = ROOT / "data" / "mnist"
TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"
NO_CHECKSUMS = ("dataset=mnist", "dataset.sha256=null")


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """`array` as an IDX file of unsigned bytes (2051 for images, 2049 for labels), written with
    `struct` independently of the reader under test."""
    if magic is None:
        magic = 2051 if array.ndim == 3 else 2049
    return struct.pack(f">{1 + array.ndim}I", magic, *array.shape) + array.astype("u1").tobytes()


def read_real(name: str, count: int) -> np.ndarray:
    """The first `count` images or labels of a vendored file (streamed: only those are inflated)."""
    images = "images" in name
    header, size = (16, 784) if images else (8, 1)
    with gzip.open(VENDORED / name) as handle:
        data = handle.read(header + count * size)
    array = np.frombuffer(data, np.uint8, offset=header)
    return array.reshape(count, 28, 28) if images else array


def sample(n_train: int = 300, n_test: int = 100) -> dict[str, bytes]:
    """IDX contents of the first `n_train` training and `n_test` test digits of the real data."""
    return {
        TRAIN_IMAGES: idx_bytes(read_real(TRAIN_IMAGES, n_train)),
        TRAIN_LABELS: idx_bytes(read_real(TRAIN_LABELS, n_train)),
        TEST_IMAGES: idx_bytes(read_real(TEST_IMAGES, n_test)),
        TEST_LABELS: idx_bytes(read_real(TEST_LABELS, n_test)),
    }


def write_mnist(folder: Path, contents: dict[str, bytes]) -> None:
    """Gzip each IDX content into `folder` under its file name."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        (folder / name).write_bytes(gzip.compress(content, mtime=0))


Change = Callable[[dict[str, bytes]], None]


def mnist_case(change: Change = lambda _: None) -> Callable[[Path], None]:
    """A `make` that writes a small sample, changed by `change`, as data/mnist."""

    def make(folder: Path) -> None:
        contents = sample()
        change(contents)
        write_mnist(folder / "data" / "mnist", contents)

    return make


def truncate(contents: dict[str, bytes]) -> None:
    contents[TRAIN_IMAGES] = contents[TRAIN_IMAGES][:-100]


def drop_a_label(contents: dict[str, bytes]) -> None:
    contents[TEST_LABELS] = idx_bytes(read_real(TEST_LABELS, 99))


def digits_source(folder: Path) -> None:
    """The file that `dataset=digits` names as its source (the loader), as in the project."""
    (folder / "pipeline" / "data").mkdir(parents=True)
    (folder / "pipeline" / "data" / "bundled.py").symlink_to(ROOT / "pipeline/data/bundled.py")


def official_split_kept(folder: Path) -> None:
    """The first 300 rows train, the last 100 test, in order; and the model learnt the digits."""
    train = pd.read_parquet(folder / "data/features/train.parquet")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    assert train["digit"].tolist() == read_real(TRAIN_LABELS, 300).tolist()
    assert test["digit"].tolist() == read_real(TEST_LABELS, 100).tolist()
    assert (test["pixel_14_14"].to_numpy() == read_real(TEST_IMAGES, 100)[:, 14, 14]).all()
    assert read_json(folder / "data/raw/provenance.json")["official_partition"] == {
        "test": 100,
        "train": 300,
    }
    assert read_json(folder / "reports/metrics.json")["test/accuracy"] > 0.75


CASES = [
    Case(
        "mnist_sample_keeps_the_official_split",
        mnist_case(),
        NO_CHECKSUMS,
        stages=("ingest", "validate", "features", "train", "evaluate"),
        warnings=(r"^features: multiclass; 784 numeric.*official split.*train 300 rows, test 100",),
        check=official_split_kept,
    ),
    Case(
        "mnist_truncated_images",
        mnist_case(truncate),
        ("dataset=mnist",),  # the checksums stay: the structure is reported first, more precisely
        error=r"^error: DataValidationError: data/mnist/train-images-idx3-ubyte\.gz: 235116 bytes "
        r"after decompression, expected 235216 for 300x28x28 images \(truncated\); restore",
    ),
    Case(
        "mnist_counts_differ",
        mnist_case(drop_a_label),
        NO_CHECKSUMS,
        error=r"t10k-images-idx3-ubyte\.gz holds 100 images but data/mnist/t10k-labels-idx1-ubyte"
        r"\.gz holds 99 labels; restore the vendored files with git",
    ),
    Case(
        "mnist_wrong_sha256",
        mnist_case(),
        ("dataset=mnist",),
        error=r"train-images-idx3-ubyte\.gz: SHA-256 is [0-9a-f]{64}, expected 0b367032e93c5d0cea"
        r".*restore it with git, or update dataset\.sha256",
    ),
    Case(
        "official_split_on_digits",
        digits_source,
        ("dataset=digits", "dataset.official_split=true"),
        error=r"^error: ConfigError: dataset\.official_split is true, but dataset 'digits' has no "
        r"official train/test partition.*set dataset\.official_split=false",
    ),
]
