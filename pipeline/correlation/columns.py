"""Columns made ready for counting: numeric ones as floats with NaN, sorted once; categorical
ones as integer level codes with -1 for missing, the rarest levels lumped beyond a limit.

Per-column work that every pair would otherwise repeat is done once here: the missing mask, the
ranks and centred values of a complete numeric column, a categorical column's level counts.
Missing is never a category of its own.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from pipeline.correlation.coefficients import blocked
from pipeline.correlation.rows import CATEGORICAL, NUMERIC
from pipeline.schema import is_categorical

OTHER_LEVEL = "(other)"


class MissingRows:
    """The missing-row bookkeeping both kinds of column share."""

    name: str
    missing: np.ndarray  # bool mask of missing rows

    @property
    def has_missing(self) -> bool:
        return self.n_missing > 0

    @property
    def n_missing(self) -> int:
        return int(np.count_nonzero(self.missing))


@dataclass(frozen=True, eq=False)
class CompleteNumeric:
    """What pairs on every row reuse from a numeric column without missing values; its ranks are
    sorted for only when asked (a wide table's leakage check never asks)."""

    values: np.ndarray
    presorted: np.ndarray | None  # the order that sorts `values`, when already known
    centred: np.ndarray  # values minus their mean (eta)
    total: float  # sum of squares of `centred`

    @functools.cached_property
    def ranks(self) -> np.ndarray:
        """Average ranks (Spearman)."""
        order = np.argsort(self.values) if self.presorted is None else self.presorted
        ranks = np.empty(len(self.values))
        ranks[order] = sorted_ranks(self.values[order])
        return ranks


@dataclass(frozen=True, eq=False)
class NumericColumn(MissingRows):
    """A numeric column: float64 values, NaN where missing, and the order that sorts them."""

    name: str
    values: np.ndarray  # float64, NaN where missing
    missing: np.ndarray
    presorted: np.ndarray | None  # `order` when it was needed at once (for the bins)
    codes: np.ndarray | None  # bin codes (-1 missing) for mutual information; None: not binned
    levels: tuple[str, ...]  # bin labels by code
    complete: CompleteNumeric | None  # None when a value is missing
    kind: ClassVar[str] = NUMERIC
    lumped: ClassVar[int] = 0  # a numeric column merges no levels

    @functools.cached_property
    def order(self) -> np.ndarray:
        """Indices of the present rows, sorted by value."""
        if self.presorted is not None:
            return self.presorted
        return sort_order(self.values, self.missing)

    @property
    def whole(self) -> CompleteNumeric:
        """`complete`, for pairs that use every row (so none of their columns misses a value)."""
        if self.complete is None:
            raise ValueError(f"column '{self.name}' has missing values: no whole-column sums")
        return self.complete


@dataclass(frozen=True, eq=False)
class CompleteCategorical:
    """What pairs on every row reuse from a categorical column without missing values."""

    counts: np.ndarray  # rows per level code (eta)
    blocked: np.ndarray  # codes for `coefficients.group_sums`


@dataclass(frozen=True, eq=False)
class CategoricalColumn(MissingRows):
    """A categorical column: level codes of its sorted levels, -1 where missing."""

    name: str
    codes: np.ndarray  # level codes, -1 where missing
    levels: tuple[str, ...]  # level labels by code
    lumped: int  # number of rare levels merged into OTHER_LEVEL
    missing: np.ndarray
    complete: CompleteCategorical | None  # None when a value is missing
    kind: ClassVar[str] = CATEGORICAL

    @property
    def whole(self) -> CompleteCategorical:
        """`complete`, for pairs that use every row (so none of their columns misses a value)."""
        if self.complete is None:
            raise ValueError(f"column '{self.name}' has missing values: no whole-column sums")
        return self.complete


Column = NumericColumn | CategoricalColumn


def sort_order(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Indices of the present values, sorted by value."""
    if not missing.any():
        return np.argsort(values)
    return np.flatnonzero(~missing)[np.argsort(values[~missing])]


def numeric_column(name: str, values: np.ndarray, bins: int | None) -> NumericColumn:
    """A numeric column: one sort gives its bins and, when asked, its ranks."""
    missing = np.isnan(values)
    codes: np.ndarray | None = None
    levels: tuple[str, ...] = ()
    order = None
    if bins:
        order = sort_order(values, missing)
        codes, levels = quantile_bins(values, missing, values[order], bins)
    whole = None
    if not missing.any():
        centred = values - values.mean()
        whole = CompleteNumeric(values, order, centred, float(np.sum(centred * centred)))
    return NumericColumn(name, values, missing, order, codes, levels, whole)


def categorical_column(name: str, series: pd.Series, max_levels: int) -> CategoricalColumn:
    """A categorical column: level codes, and its level counts when complete."""
    codes, levels, lumped = encode_categorical(series, max_levels)
    missing = codes < 0
    if missing.any():
        return CategoricalColumn(name, codes, levels, lumped, missing, None)
    counts = np.bincount(codes, minlength=len(levels))
    whole = CompleteCategorical(counts, blocked(codes, len(levels)))
    return CategoricalColumn(name, codes, levels, lumped, missing, whole)


def sorted_ranks(ordered: np.ndarray) -> np.ndarray:
    """Ranks 1..n of sorted values with ties averaged (scipy.stats.rankdata's default)."""
    n = len(ordered)
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    return ((starts + ends + 1) / 2.0)[np.cumsum(new) - 1]


def subset_ranks(column: NumericColumn, keep: np.ndarray) -> np.ndarray:
    """Average ranks of a numeric column within the rows `keep`, in row order, without sorting
    again: filtering the column's sort order keeps it sorted."""
    order = column.order[keep[column.order]]
    ranks = np.empty(len(column.values))
    ranks[order] = sorted_ranks(column.values[order])
    return ranks[keep]


def encode_categorical(
    values: pd.Series, max_levels: int
) -> tuple[np.ndarray, tuple[str, ...], int]:
    """Integer codes (-1 missing) of sorted levels; beyond `max_levels`, the rarest are lumped.

    The `max_levels - 1` most frequent levels are kept (ties broken by label) and the rest share
    the code of OTHER_LEVEL, so an identifier-like column is measured, not dropped or exploded.
    """
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    codes = codes.astype(np.intp)
    labels = tuple(str(u) for u in uniques)
    if len(labels) <= max_levels:
        return codes, labels, 0
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    keep = np.sort(np.lexsort((np.arange(len(labels)), -counts))[: max_levels - 1])
    mapping = np.full(len(labels), max_levels - 1, dtype=np.intp)
    mapping[keep] = np.arange(len(keep))
    lumped_codes = np.where(codes >= 0, mapping[np.maximum(codes, 0)], -1)
    return lumped_codes, (*[labels[i] for i in keep], OTHER_LEVEL), len(labels) - len(keep)


def quantile_bins(
    values: np.ndarray, missing: np.ndarray, ordered: np.ndarray, bins: int
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Bin codes (-1 for NaN) of a numeric column for mutual information; `ordered` holds its
    present values sorted.

    A column with at most `bins` distinct values keeps one bin per value. Otherwise a value that
    holds at least 1/bins of the rows (a point mass, such as the zeros of a mostly-zero column)
    is a bin of its own, and the other values are cut at their quantiles into the remaining bins,
    closed on the right like `pandas.qcut` (without point masses the bins are exactly qcut's).
    """
    codes = np.full(len(values), -1, dtype=np.intp)
    observed = values[~missing]
    n = len(ordered)
    if n == 0:
        return codes, ()
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    distinct = ordered[starts]
    if len(distinct) <= bins:
        codes[~missing] = np.searchsorted(distinct, observed)
        return codes, tuple(f"{v:.6g}" for v in distinct)
    counts = np.diff(np.append(starts, n))
    heavy = distinct[counts * bins >= n]
    if len(heavy):
        position = np.minimum(np.searchsorted(heavy, observed), len(heavy) - 1)
        is_heavy = heavy[position] == observed
        rest = ordered[~np.isin(ordered, heavy)]
    else:
        is_heavy = np.zeros(len(observed), dtype=bool)
        rest = ordered
    edges = np.unique(np.quantile(rest, np.linspace(0.0, 1.0, bins - len(heavy) + 1)))
    if len(edges) == 1:
        edges = np.repeat(edges, 2)
    inner = len(heavy) + np.searchsorted(edges[1:-1], observed, side="left")
    if len(heavy):
        inner[is_heavy] = position[is_heavy]
    codes[~missing] = inner
    labels = [f"{v:.6g}" for v in heavy]
    labels += [f"({lo:.6g}, {hi:.6g}]" for lo, hi in itertools.pairwise(edges)]
    labels[len(heavy)] = f"[{edges[0]:.6g}, {edges[1]:.6g}]"
    return codes, tuple(labels)


def encode(
    frame: pd.DataFrame,
    categorical: Iterable[str],
    *,
    max_levels: int,
    bins: int | None,
) -> dict[str, Column]:
    """Columns of `frame` ready for `pairs.association_table`; names in `categorical` are
    categorical, and so is every column that is not numeric. Without `bins`, numeric columns get
    no bin codes (no mutual information). Columns are prepared in parallel threads (numpy
    releases the GIL)."""
    categorical = set(categorical)

    def prepare(name: str) -> Column:
        series = frame[name]
        if name in categorical or is_categorical(series):
            return categorical_column(str(name), series, max_levels)
        return numeric_column(str(name), series.to_numpy(np.float64, na_value=np.nan), bins)

    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 8)) as pool:
        prepared = list(pool.map(prepare, frame.columns))
    return {c.name: c for c in prepared}


def numeric_and_categorical(
    first: Column, second: Column
) -> tuple[NumericColumn, CategoricalColumn]:
    """The numeric and the categorical column of a mixed pair, in that order."""
    if isinstance(first, NumericColumn) and isinstance(second, CategoricalColumn):
        return first, second
    if isinstance(second, NumericColumn) and isinstance(first, CategoricalColumn):
        return second, first
    raise ValueError(f"'{first.name}' and '{second.name}' are not a numeric-categorical pair")
