"""The MNIST handwritten digits (vendored in data/mnist as gzip of the original IDX files).

One table of 70,000 rows in the official order (the 60,000 training images, then the 10,000 test
images): a uint8 column per pixel, `pixel_{row:02d}_{col:02d}` row-major, and the target `digit`.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import DatasetConfig, from_mapping
from pipeline.data.loaded import Loaded, check_sha256
from pipeline.data.partition import Partition
from pipeline.errors import ConfigError, DataValidationError

IMAGE_MAGIC = 2051  # IDX: unsigned bytes, three dimensions (count, rows, columns)
LABEL_MAGIC = 2049  # IDX: unsigned bytes, one dimension (count)
# (images, labels) of each side of the official partition, training first
PARTS = (
    ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
)
MNIST_FILES = tuple(name for part in PARTS for name in part)
TARGET = "digit"
CITATION = (
    'Yann LeCun, Corinna Cortes and Christopher J. C. Burges, "The MNIST database of handwritten '
    'digits", derived from NIST Special Databases 1 and 3'
)
LICENSE = "CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/)"
RESTORE = "restore the vendored files with git (git checkout -- data/mnist)"


@dataclass(frozen=True)
class MnistOptions:
    """MNIST takes no options beyond the common dataset keys."""


def pixel_columns(rows: int, columns: int) -> list[str]:
    """The names of an image's pixels, row-major: pixel_00_00, pixel_00_01, ..."""
    return [f"pixel_{r:02d}_{c:02d}" for r in range(rows) for c in range(columns)]


def gunzip(path: Path) -> tuple[bytes, str]:
    """The decompressed bytes of `path` and the SHA-256 of its compressed bytes."""
    if not path.is_file():
        raise DataValidationError(f"{path} is missing; {RESTORE}")
    raw = path.read_bytes()
    try:
        data = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise DataValidationError(
            f"{path} is not a complete gzip file ({error}); {RESTORE}"
        ) from None
    return data, hashlib.sha256(raw).hexdigest()


def parse_idx(data: bytes, magic: int, name: str) -> np.ndarray:
    """The uint8 array an IDX file holds: (count, rows, columns) images or (count,) labels, a
    read-only view of `data`. Checks the magic number and that the length fits the dimensions."""
    dimensions = 3 if magic == IMAGE_MAGIC else 1
    header = 4 * (1 + dimensions)
    kind = "images" if magic == IMAGE_MAGIC else "labels"
    if len(data) < header:
        raise DataValidationError(
            f"{name}: {len(data)} bytes, too short for an IDX {kind} header; {RESTORE}"
        )
    found, *shape = struct.unpack(f">{1 + dimensions}I", data[:header])
    if found != magic:
        raise DataValidationError(
            f"{name}: magic number {found}, expected {magic} (IDX {kind}); the file is not "
            f"MNIST {kind} or is corrupt; {RESTORE}"
        )
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        dims = "x".join(str(n) for n in shape)
        state = "truncated" if len(data) < expected else "longer than its header says"
        raise DataValidationError(
            f"{name}: {len(data)} bytes after decompression, expected {expected} for {dims} "
            f"{kind} ({state}); {RESTORE}"
        )
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def read_part(
    folder: Path, images: str, labels: str
) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """(images, labels, {file: SHA-256}) of one side of the partition, checked together."""
    image_bytes, image_sha = gunzip(folder / images)
    pixels = parse_idx(image_bytes, IMAGE_MAGIC, str(folder / images))
    label_bytes, label_sha = gunzip(folder / labels)
    digits = parse_idx(label_bytes, LABEL_MAGIC, str(folder / labels))
    if len(pixels) != len(digits):
        raise DataValidationError(
            f"{folder / images} holds {len(pixels)} images but {folder / labels} holds "
            f"{len(digits)} labels; {RESTORE}"
        )
    if len(digits) and digits.max() > 9:
        raise DataValidationError(
            f"{folder / labels}: label {int(digits.max())} is not a digit 0-9; {RESTORE}"
        )
    return pixels, digits, {images: image_sha, labels: label_sha}


def load_mnist(config: DatasetConfig) -> Loaded:
    from_mapping(MnistOptions, config.options, "dataset")
    folder = Path(config.source)
    (train, train_labels, train_files), (test, test_labels, test_files) = (
        read_part(folder, images, labels) for images, labels in PARTS
    )
    files = {**train_files, **test_files}
    check_sha256(files, config.sha256, "mnist")
    if train.shape[1:] != test.shape[1:]:
        raise DataValidationError(
            f"the training images are {train.shape[1]}x{train.shape[2]} but the test images "
            f"{test.shape[1]}x{test.shape[2]}; {RESTORE}"
        )
    rows, columns = train.shape[1:]
    if config.image_shape is not None and tuple(config.image_shape) != (rows, columns):
        shape = list(config.image_shape)
        raise ConfigError(
            f"dataset.image_shape is {shape}, but the MNIST images are {rows}x{columns}; "
            f"set dataset.image_shape=[{rows},{columns}]"
        )
    # One uint8 block, filled in place: no per-column copies of 70,000 x 784 bytes.
    pixels = np.empty((len(train) + len(test), rows * columns), np.uint8)
    pixels[: len(train)] = train.reshape(len(train), -1)
    pixels[len(train) :] = test.reshape(len(test), -1)
    frame = pd.DataFrame(pixels, columns=pixel_columns(rows, columns), copy=False)
    frame[TARGET] = np.concatenate([train_labels, test_labels]).astype("int64")
    return Loaded(
        frame=frame,
        source=CITATION,
        license=LICENSE,
        files=files,
        partition=Partition(train=len(train), test=len(test)),
    )
