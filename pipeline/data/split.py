"""The seeded train/test split, stratified by the target for classification tasks."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.model_selection import train_test_split

from pipeline.errors import ConfigError
from pipeline.schema import Schema


@dataclass(frozen=True)
class SplitConfig:
    test_size: float  # fraction of rows in the test split
    stratify: bool  # keep the class proportions in both splits (ignored for regression)

    def __post_init__(self) -> None:
        if not 0.0 < self.test_size < 1.0:
            raise ConfigError(f"split.test_size is {self.test_size}; use a fraction in (0, 1)")


def split(
    frame: pd.DataFrame, schema: Schema, config: SplitConfig, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test), each with a fresh index."""
    stratify = frame[schema.target] if config.stratify and schema.task != "regression" else None
    train, test = train_test_split(
        frame, test_size=config.test_size, random_state=seed, stratify=stratify
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)
