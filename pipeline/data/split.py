"""The train/test split: seeded and stratified by the target for classification tasks, or the
source's own partition (`dataset.official_split`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError, DataValidationError
from pipeline.schema import Schema


@dataclass(frozen=True)
class SplitConfig:
    test_size: float  # fraction of rows in the test split
    stratify: bool  # keep the class proportions in both splits (ignored for regression)

    def __post_init__(self) -> None:
        if not 0.0 < self.test_size < 1.0:
            raise ConfigError(f"split.test_size is {self.test_size}; use a fraction in (0, 1)")

    def stratifies(self, task: str) -> bool:
        """Whether the seeded split keeps the class proportions (classification only)."""
        return self.stratify and task != "regression"


def split(
    frame: pd.DataFrame, schema: Schema, config: SplitConfig, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test), each with a fresh index. scikit-learn is imported here, not with the
    module: readers of FeaturesConfig (the report) never split."""
    from sklearn.model_selection import train_test_split

    stratify = frame[schema.target] if config.stratifies(schema.task) else None
    train, test = train_test_split(
        frame, test_size=config.test_size, random_state=seed, stratify=stratify
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def split_by_mask(frame: pd.DataFrame, is_test: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) as given by `is_test`, rows in their order, each with a fresh index."""
    train, test = frame[~is_test].reset_index(drop=True), frame[is_test].reset_index(drop=True)
    for side, rows in (("training", train), ("test", test)):
        if rows.empty:
            raise DataValidationError(
                f"no row of the official {side} partition has a target; set "
                "dataset.official_split=false to use the seeded split"
            )
    return train, test


def describe(config: SplitConfig, official: bool, task: str) -> str:
    """Which split was made, for the features stage's printed line."""
    if official:
        return "official split of the source (dataset.official_split)"
    stratified = "stratified" if config.stratifies(task) else "not stratified"
    return f"seeded split (split.test_size={config.test_size}, {stratified})"
