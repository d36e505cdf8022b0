"""The UCI Adult census table (vendored in data/adult), checked against dataset.sha256: the rows of
adult.data, then those of adult.test, which are its official train/test partition."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.config import DatasetConfig, from_mapping
from pipeline.data.loaded import UCI_LICENSE, Loaded, check_sha256
from pipeline.data.partition import Partition
from pipeline.errors import DataValidationError
from pipeline.io import sha256_file

ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
    "native-country", "income",
]  # fmt: skip
ADULT_FILES = ("adult.data", "adult.test")


@dataclass(frozen=True)
class AdultOptions:
    """Adult takes no options beyond the common dataset keys."""


def load_adult(config: DatasetConfig) -> Loaded:
    from_mapping(AdultOptions, config.options, "dataset")
    folder = Path(config.source)
    files = {}
    frames = []
    for name in ADULT_FILES:
        path = folder / name
        if not path.is_file():
            raise DataValidationError(f"{path} is missing; restore the vendored files with git")
        files[name] = sha256_file(path)
        frame = pd.read_csv(
            path, header=None, names=ADULT_COLUMNS, skipinitialspace=True, na_values=["?"],
            skiprows=1 if name == "adult.test" else 0, comment="|",
        )  # fmt: skip
        frames.append(frame)
    check_sha256(files, config.sha256, "adult")
    frame = pd.concat(frames, ignore_index=True)
    frame["income"] = frame["income"].str.rstrip(".")
    return Loaded(
        frame=frame,
        source="UCI Machine Learning Repository, Adult (Becker and Kohavi, 1996), "
        "https://archive.ics.uci.edu/dataset/2/adult",
        license=UCI_LICENSE,
        files=files,
        partition=Partition(train=len(frames[0]), test=len(frames[1])),
    )
