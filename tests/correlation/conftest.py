"""Fixtures of the correlation package's tests: the shipped config, a mixed frame, its pair table.

Fixtures rather than builders in tests/helpers.py, which only the correlation tests would use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import ROOT

from pipeline.config import from_mapping
from pipeline.correlation.columns import Column, encode
from pipeline.correlation.config import MEASURES, CorrelationConfig
from pipeline.correlation.pairs import association_table


@pytest.fixture
def correlation_config() -> Callable[..., CorrelationConfig]:
    """The shipped params/correlation/default.yaml, read through the strict config reader, with
    changes: `correlation_config(bins=1)`."""
    raw = yaml.safe_load((ROOT / "params/correlation/default.yaml").read_text())

    def build(**changes: object) -> CorrelationConfig:
        return from_mapping(CorrelationConfig, {**raw, **changes}, "correlation")

    return build


def build_mixed_frame(n: int = 600, seed: int = 7) -> pd.DataFrame:
    """Numeric columns with ties, skew and missing values; categorical ones with missing values."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "y": 0.5 * x + rng.normal(size=n),
            "ties": rng.integers(0, 4, n).astype(float),  # no more values than bins
            "skewed": np.exp(x + rng.normal(size=n)),
            "holes": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2.0, 1.0, n) + x),
            "colour": rng.choice(["red", "green", "blue"], n),
            "size": rng.choice(["s", "m", "l", "xl", None], n, p=[0.3, 0.3, 0.2, 0.1, 0.1]),
            "flag": np.where(x > 0.3, "on", "off"),
        }
    )
    for name in ("colour", "size", "flag"):
        frame[name] = frame[name].astype("str").where(frame[name].notna())
    return frame


@pytest.fixture
def mixed_frame() -> Callable[..., pd.DataFrame]:
    """`mixed_frame(n=600, seed=7)`: the mixed frame of `mixed_table`, at any size."""
    return build_mixed_frame


@dataclass(frozen=True)
class MixedTable:
    frame: pd.DataFrame
    table: pd.DataFrame  # every pair, every measure
    columns: dict[str, Column]
    numeric: list[str]
    categorical: list[str]


@pytest.fixture(scope="session")
def mixed_table() -> MixedTable:
    """The mixed frame encoded (4 bins) and measured with every coefficient."""
    frame = build_mixed_frame()
    numeric, categorical = ["x", "y", "ties", "skewed", "holes"], ["colour", "size", "flag"]
    columns = encode(frame, categorical, max_levels=100, bins=4)
    table = association_table(columns, MEASURES)
    return MixedTable(frame, table, columns, numeric, categorical)


def find_pair(table: pd.DataFrame, a: str, b: str) -> pd.Series:
    rows = table[((table["a"] == a) & (table["b"] == b)) | ((table["a"] == b) & (table["b"] == a))]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture
def pair_row() -> Callable[[pd.DataFrame, str, str], pd.Series]:
    """`pair_row(table, a, b)`: the one row of the pair, in either order."""
    return find_pair
