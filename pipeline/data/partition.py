"""A source's own train/test partition (Adult's adult.data / adult.test, MNIST's 60,000 / 10,000):
the leading rows of the raw table are its training rows, the trailing rows its test rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.errors import ConfigError, DataValidationError


@dataclass(frozen=True)
class Partition:
    train: int  # leading rows of the table, in its order
    test: int  # trailing rows

    def __post_init__(self) -> None:
        if self.train < 1 or self.test < 1:
            raise ValueError(f"a partition needs rows on both sides, got {self}")

    @property
    def rows(self) -> int:
        return self.train + self.test

    def to_json(self) -> dict[str, int]:
        return {"train": self.train, "test": self.test}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Partition:
        return cls(train=int(data["train"]), test=int(data["test"]))

    def test_mask(self, rows: int) -> np.ndarray:
        """True for the test rows of a table of `rows` rows, which must be the partitioned table."""
        if rows != self.rows:
            raise DataValidationError(
                f"the raw table has {rows} rows, but its official partition covers {self.rows} "
                f"({self.train} train + {self.test} test); run the ingest stage again"
            )
        return np.arange(rows) >= self.train


def required_partition(partition: Partition | None, dataset: str) -> Partition:
    """The partition that `dataset.official_split: true` asks for, or the error naming the fix."""
    if partition is None:
        raise ConfigError(
            f"dataset.official_split is true, but dataset {dataset!r} has no official train/test "
            "partition (only adult and mnist have one); set dataset.official_split=false to use "
            "the seeded split (split.test_size)"
        )
    return partition
