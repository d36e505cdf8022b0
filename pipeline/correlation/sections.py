"""The sections of correlation.json that are more than a table: the matrices, the strongest
target association, leakage, confounding and the spurious-correlation examples, typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from pipeline.correlation.records import Record
from pipeline.correlation.rows import Leak, PartialCorrelation

DIAGONAL = "null: a column with itself is not a pair"
TOTAL = "total_columns"  # in a wide table's matrix: its columns, of which the matrix shows some


@dataclass(frozen=True, eq=False)
class Matrices:
    """Pair fields as symmetric matrices over `columns`; a field with no finite value is left
    out (it was not computed), and reads back as NaN everywhere."""

    columns: tuple[str, ...]
    values: dict[str, np.ndarray]  # by pair field: strength, pearson, ..., mutual_info_r
    total: int | None = None  # a wide table's columns, of which `columns` are the strongest

    def get(self, field: str) -> np.ndarray:
        """The matrix of `field`; NaN everywhere when no pair has a value for it."""
        if field in self.values:
            return self.values[field]
        return np.full((len(self.columns), len(self.columns)), np.nan)

    def to_json(self) -> dict[str, Any]:
        total = {} if self.total is None else {TOTAL: self.total}
        return {
            "columns": list(self.columns),
            "diagonal": DIAGONAL,
            **total,
            **{field: matrix.tolist() for field, matrix in self.values.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        fields = [key for key in data if key not in ("columns", "diagonal", TOTAL)]
        total = data.get(TOTAL)
        return cls(
            columns=tuple(data["columns"]),
            values={field: np.array(data[field], dtype=np.float64) for field in fields},
            total=None if total is None else int(total),
        )


@dataclass(frozen=True)
class Strongest(Record):
    """The feature most associated with the target."""

    feature: str
    measure: str
    strength: float


@dataclass(frozen=True)
class Leakage(Record):
    """Columns that nearly copy the target, at `correlation.leakage_threshold`."""

    threshold: float  # correlation.leakage_threshold
    leaks: tuple[Leak, ...]  # strongest first


@dataclass(frozen=True)
class Confounding(Record):
    """Partial correlations given `dataset.confounders`, and the columns they do not cover."""

    confounders: tuple[str, ...]
    pairs: tuple[PartialCorrelation, ...]  # pairs with the target first, then by shrinkage
    not_covered: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class PearsonTest(Record):
    """Pearson's r, its two-sided p-value and its confidence interval (Fisher's z)."""

    r: float
    p: float
    confidence: float  # the interval's level, 1 - correlation.alpha
    low: float
    high: float


@dataclass(frozen=True)
class SpearmanTest(Record):
    """Spearman's rho and its two-sided p-value."""

    rho: float
    p: float


@dataclass(frozen=True)
class DifferencedPearson(Record):
    """Pearson's r of the year-to-year changes, on n - 1 points."""

    r: float
    p: float
    n: int


@dataclass(frozen=True)
class PoolCage(Record):
    """Pool drownings against Nicolas Cage films, 1999-2009: a correlation found by searching."""

    source: str
    years: tuple[int, ...]
    pool_drownings: tuple[int, ...]
    nicolas_cage_films: tuple[int, ...]
    n: int
    pearson: PearsonTest
    spearman: SpearmanTest
    differenced_pearson: DifferencedPearson
    reading: str


@dataclass(frozen=True)
class RandomWalks(Record):
    """How often independent random walks correlate strongly, in levels and in differences."""

    pairs: int
    length: int
    threshold: float
    exceed_levels: float
    exceed_differences: float
    reading: str


@dataclass(frozen=True)
class SignificantPairs(Record):
    """Significant pairs of the real matrix, before and after FDR control."""

    tested_pairs: int
    significant: int
    expected_false_if_all_independent: float
    significant_after_fdr: int


@dataclass(frozen=True)
class NullMatrices(Record):
    """Significant pairs in simulated matrices of unrelated columns."""

    matrices: int
    columns: int
    pairs: int
    rows: int
    mean_significant: float
    mean_significant_after_fdr: float
    share_with_any_after_fdr: float


@dataclass(frozen=True)
class MultipleComparisons(Record):
    """The real matrix's significant pairs beside those of matrices of unrelated columns."""

    alpha: float
    reading: str
    matrix: SignificantPairs
    null: NullMatrices


@dataclass(frozen=True)
class Spurious(Record):
    """Why correlations arise by chance, worked through three ways."""

    pool_drownings_and_nicolas_cage: PoolCage
    random_walks: RandomWalks
    multiple_comparisons: MultipleComparisons

    @property
    def readings(self) -> tuple[str, str, str]:
        """The three readings: the named example first, then the two simulations that explain it."""
        return (
            self.pool_drownings_and_nicolas_cage.reading,
            self.random_walks.reading,
            self.multiple_comparisons.reading,
        )


@dataclass(frozen=True)
class Screening(Record):
    """How the pairs of a wide table were bounded: how many pairs there are, how many were
    measured in full, and every pair's strength counted by tenths."""

    columns: int  # columns in the matrix (constant ones skipped)
    pairs: int  # every pair, each in the q-values' family
    measured_pairs: int  # pairs with every coefficient (pairs.csv)
    screened_pairs: int  # pairs of complete numeric features, screened from one matrix
    screened_by: str | None  # the coefficient they were screened by
    listed_pairs: int  # the strongest pairs correlation.json lists
    significant: int  # pairs with p < alpha
    significant_after_fdr: int  # pairs with q < alpha
    strength_edges: tuple[float, ...]  # bin edges of the strength histogram
    strength_counts: tuple[int, ...]  # pairs per bin, the last closed
    method: str
