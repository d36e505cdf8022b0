"""The pair table: every coefficient for every pair of columns at once, with Benjamini-Hochberg
q-values and the pairs as a square matrix.

Missing values are handled pairwise: a pair uses the rows where both of its columns are present
(as `pandas.DataFrame.corr` does). Pairs that share their rows are grouped, so one portable matrix
product serves a whole group.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from pipeline.correlation.coefficients import (
    contingency,
    correlation_matrix,
    eta,
    eta_from_sums,
    group_sums,
    mutual_info_r,
    pearson_p,
    t_test_p,
    table_measures,
)
from pipeline.correlation.columns import (
    CategoricalColumn,
    Column,
    NumericColumn,
    numeric_and_categorical,
    subset_ranks,
)
from pipeline.correlation.config import MEASURES
from pipeline.correlation.information import corrected_mutual_info
from pipeline.correlation.rows import CATEGORICAL, NUMERIC
from pipeline.progress import steps

# The coefficient that stands for a pair's strength, by pair kind, in order of preference.
STRENGTH_ORDER = {
    (NUMERIC, NUMERIC): ("pearson", "spearman", "mutual_info"),
    (NUMERIC, CATEGORICAL): ("eta", "mutual_info"),
    (CATEGORICAL, CATEGORICAL): ("cramers_v", "mutual_info"),
}
STRENGTH_FIELDS = {  # measure -> (the field that is its strength, the field of its p-value)
    "pearson": ("pearson", "pearson_p"),
    "spearman": ("spearman", "spearman_p"),
    "eta": ("eta", "eta_p"),
    "cramers_v": ("cramers_v_corrected", "cramers_v_p"),
    "mutual_info": ("mutual_info_r", "mutual_info_p"),
}
PAIR_FIELDS = (
    "a", "b", "kind", "n",
    "pearson", "pearson_p", "spearman", "spearman_p", "eta", "eta_p",
    "cramers_v", "cramers_v_corrected", "cramers_v_p",
    "mutual_info", "mutual_info_expected", "adjusted_mutual_info", "mutual_info_r", "mutual_info_p",
    "strength", "strength_measure", "p_value",
)  # fmt: skip

C = TypeVar("C", bound=NumericColumn | CategoricalColumn)


@dataclass(frozen=True)
class RowGroup(Generic[C]):
    """Pairs that use the same rows: those where every member of `key` is present."""

    key: tuple[str, ...]  # the columns with missing values that the pairs involve
    members: list[C]  # every column in the pairs, in the original order
    keep: np.ndarray | None  # row mask; None for every row
    pairs: list[tuple[str, str]]


def row_groups(
    columns: Sequence[C],
    wanted: set[frozenset[str]] | None = None,
    also_missing: np.ndarray | None = None,
) -> list[RowGroup[C]]:
    """Group pairs of `columns` by the rows pairwise-complete handling gives them, so one matrix
    product serves a whole group: every pair of complete columns, or one column with missing
    values and all its complete partners. `also_missing` marks rows every pair must skip."""
    grouped: dict[tuple[str, ...], list[tuple[C, C]]] = {}
    for first, second in itertools.combinations(columns, 2):
        if wanted is not None and frozenset((first.name, second.name)) not in wanted:
            continue
        key = tuple(c.name for c in (first, second) if c.has_missing)
        grouped.setdefault(key, []).append((first, second))
    groups = []
    for key, pairs in grouped.items():
        names = {c.name for pair in pairs for c in pair}
        members = [c for c in columns if c.name in names]
        keep = None if also_missing is None else ~also_missing
        for column in members:
            if column.name in key:
                keep = ~column.missing if keep is None else keep & ~column.missing
        pair_names = [(a.name, b.name) for a, b in pairs]
        groups.append(RowGroup(key, members, keep, pair_names))
    return groups


def numeric_block(
    columns: Sequence[NumericColumn], spearman: bool, wanted: set[frozenset[str]]
) -> dict[tuple[str, str], tuple[int, float, float]]:
    """(n, pearson, spearman) for the `wanted` pairs of numeric columns, pairwise complete, with
    one matrix product per group of pairs that share their rows."""
    out: dict[tuple[str, str], tuple[int, float, float]] = {}
    for group in row_groups(columns, wanted):
        keep = group.keep
        if keep is None:
            n = len(group.members[0].values)
            values = [c.values for c in group.members]
            ranks = [c.whole.ranks for c in group.members] if spearman else []
        else:
            n = int(keep.sum())
            values = [c.values[keep] for c in group.members]
            ranks = [subset_ranks(c, keep) for c in group.members] if spearman else []
        pearson = correlation_matrix(np.column_stack(values)) if n > 1 else None
        ranked = correlation_matrix(np.column_stack(ranks)) if spearman and n > 1 else None
        index = {c.name: i for i, c in enumerate(group.members)}
        for a, b in group.pairs:
            i, j = index[a], index[b]
            r = float(pearson[i, j]) if pearson is not None else float("nan")
            rho = float(ranked[i, j]) if ranked is not None else float("nan")
            out[(a, b)] = (n, r, rho)
    return out


def complete_rows(first: Column, second: Column) -> np.ndarray | None:
    """Row mask where both columns are present; None when neither has a missing value."""
    if not (first.has_missing or second.has_missing):
        return None
    return ~(first.missing | second.missing)


def table_codes(column: Column) -> np.ndarray:
    """The codes a contingency table counts: levels, or bins of a numeric column."""
    if column.codes is None:
        raise ValueError("mutual information needs bin codes: encode with `bins`")
    return column.codes


def pair_row(
    first: Column,
    second: Column,
    measures: set[str],
    numeric: dict[tuple[str, str], tuple[int, float, float]],
) -> dict[str, Any]:
    """One row of the pair table: every coefficient of `measures` that the pair's kind has."""
    nan = float("nan")
    row: dict[str, Any] = dict.fromkeys(PAIR_FIELDS, nan)
    low, high = sorted((first.kind, second.kind), key=(NUMERIC, CATEGORICAL).index)
    kinds = (low, high)
    row.update(a=first.name, b=second.name, kind="-".join(kinds))
    keep = complete_rows(first, second)
    n = len(first.missing) if keep is None else int(keep.sum())
    row["n"] = n
    if kinds == (NUMERIC, NUMERIC) and numeric:
        key = (first.name, second.name)
        _, r, rho = numeric[key] if key in numeric else numeric[(second.name, first.name)]
        if "pearson" in measures:
            row["pearson"], row["pearson_p"] = r, float(pearson_p(r, n))
        if "spearman" in measures:
            row["spearman"], row["spearman_p"] = rho, float(t_test_p(rho, n - 2))
    elif kinds == (NUMERIC, CATEGORICAL) and "eta" in measures:
        num, cat = numeric_and_categorical(first, second)
        if keep is None:  # complete: the column's centred values and level counts are ready
            levels, values = cat.whole, num.whole
            totals = group_sums(levels.blocked, values.centred, len(levels.counts))
            row["eta"], row["eta_p"] = eta_from_sums(levels.counts, totals, values.total)
        else:
            row["eta"], row["eta_p"] = eta(num.values[keep], cat.codes[keep])
    wants_table = "mutual_info" in measures or (
        kinds == (CATEGORICAL, CATEGORICAL) and "cramers_v" in measures
    )
    if wants_table:
        a, b = table_codes(first), table_codes(second)
        if keep is not None:
            a, b = a[keep], b[keep]
        ka, kb = max(len(first.levels), 1), max(len(second.levels), 1)
        measured = table_measures(contingency(a, ka, b, kb))
        if kinds == (CATEGORICAL, CATEGORICAL) and "cramers_v" in measures:
            row["cramers_v"] = measured.cramers_v
            row["cramers_v_corrected"] = measured.cramers_v_corrected
            row["cramers_v_p"] = measured.cramers_v_p
        if "mutual_info" in measures:
            row["mutual_info"] = measured.mutual_info
            row["mutual_info_expected"] = measured.mutual_info_expected
            row["adjusted_mutual_info"] = measured.adjusted_mutual_info
            corrected = corrected_mutual_info(measured.mutual_info, measured.mutual_info_expected)
            row["mutual_info_r"] = mutual_info_r(corrected)
            row["mutual_info_p"] = measured.mutual_info_p
    set_strength(row, kinds, measures)
    return row


def set_strength(row: dict[str, Any], kinds: tuple[str, str], measures: set[str]) -> None:
    """The pair's strength in [0, 1]: the first configured coefficient for its kind."""
    for measure in STRENGTH_ORDER[kinds]:
        if measure in measures:
            field, p_field = STRENGTH_FIELDS[measure]
            row["strength"] = abs(row[field])
            row["strength_measure"] = field
            row["p_value"] = row[p_field]
            return


def association_table(
    columns: dict[str, Column],
    measures: Iterable[str],
    pairs: Sequence[tuple[str, str]] | None = None,
    numeric: dict[tuple[str, str], tuple[int, float, float]] | None = None,
) -> pd.DataFrame:
    """One row per pair (every pair of `columns` in order, or the given `pairs`).

    Coefficients not in `measures` or not defined for the pair's kind are NaN; so are those of a
    constant column. `numeric` gives (n, pearson, spearman) of the numeric pairs when they are
    already known.
    """
    measures = set(measures)
    unknown = measures - set(MEASURES)
    if unknown:
        raise ValueError(f"unknown measures {sorted(unknown)}; known: {MEASURES}")
    names = list(columns)
    if "mutual_info" in measures and any(c.codes is None for c in columns.values()):
        raise ValueError("mutual information needs bin codes: encode with `bins`")
    if pairs is None:
        pairs = list(itertools.combinations(names, 2))
    involved = {name for pair in pairs for name in pair}
    numeric_columns = [
        column
        for name in names
        if name in involved and isinstance(column := columns[name], NumericColumn)
    ]
    if numeric is None and {"pearson", "spearman"} & measures:
        wanted = {frozenset(pair) for pair in pairs}
        numeric = numeric_block(numeric_columns, "spearman" in measures, wanted)
    rows = [
        pair_row(columns[a], columns[b], measures, numeric or {})
        for a, b in steps(pairs, "correlation: pairs", total=len(pairs))
    ]
    return pd.DataFrame(rows, columns=list(PAIR_FIELDS))


def q_values(p_values: pd.Series | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values; NaN p-values are left out of the family."""
    p = np.asarray(p_values, dtype=np.float64)
    q = np.full(len(p), np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        q[tested] = false_discovery_control(p[tested], method="bh")
    return q


def square(table: pd.DataFrame, names: Sequence[str], field: str, diagonal: float) -> np.ndarray:
    """The pairs' `field` as a symmetric matrix over `names`."""
    index = {name: i for i, name in enumerate(names)}
    matrix = np.full((len(names), len(names)), np.nan)
    np.fill_diagonal(matrix, diagonal)
    for a, b, value in zip(table["a"], table["b"], table[field], strict=True):
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = value
    return matrix
