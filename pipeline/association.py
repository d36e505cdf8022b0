"""Association coefficients for mixed column types, computed for every pair at once.

Pearson and Spearman for numeric pairs, the correlation ratio (eta) for numeric-categorical pairs,
Cramér's V (plain and bias-corrected) for categorical pairs, and mutual information on binned
numeric columns as a scale common to all three. Each coefficient comes with its usual p-value,
computed with the same special functions scipy uses, so the numbers agree with scipy's to rounding.

Missing values are handled pairwise: a pair uses the rows where both of its columns are present
(as `pandas.DataFrame.corr` does). Missing is never a category of its own.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import false_discovery_control, rankdata

from pipeline import sums

MEASURES = ("pearson", "spearman", "eta", "cramers_v", "mutual_info")
NUMERIC = "numeric"
CATEGORICAL = "categorical"
OTHER_LEVEL = "(other)"
SUM_BLOCK = 1024  # rows summed in one run before block sums are added (see group_sums)
# The coefficient that stands for a pair's strength, by pair kind, in order of preference.
STRENGTH_ORDER = {
    (NUMERIC, NUMERIC): ("pearson", "spearman", "mutual_info"),
    (NUMERIC, CATEGORICAL): ("eta", "mutual_info"),
    (CATEGORICAL, CATEGORICAL): ("cramers_v", "mutual_info"),
}
PAIR_FIELDS = (
    "a", "b", "kind", "n",
    "pearson", "pearson_p", "spearman", "spearman_p", "eta", "eta_p",
    "cramers_v", "cramers_v_corrected", "cramers_v_p",
    "mutual_info", "mutual_info_r", "mutual_info_p",
    "strength", "strength_measure", "p_value",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class Column:
    """One column made ready for counting: floats with NaN, or integer codes with -1 for missing.

    Per-column work that every pair would otherwise repeat is done once here: the missing mask,
    the ranks and centred values of a complete numeric column, a categorical column's counts.
    """

    name: str
    kind: str  # numeric or categorical
    values: np.ndarray | None  # numeric: float64, NaN where missing
    codes: np.ndarray | None  # categorical: level codes; numeric: bin codes (mutual information)
    levels: tuple[str, ...]  # categorical: level labels by code; numeric: bin labels
    lumped: int  # categorical: number of rare levels merged into OTHER_LEVEL
    missing: np.ndarray  # bool mask of missing rows
    order: np.ndarray | None = None  # numeric: indices of the present rows, sorted by value
    ranks: np.ndarray | None = None  # complete numeric: average ranks (Spearman)
    centred: np.ndarray | None = None  # complete numeric: values minus their mean (eta)
    total: float | None = None  # complete numeric: sum of squares of `centred`
    counts: np.ndarray | None = None  # complete categorical: rows per level code (eta)
    blocked: np.ndarray | None = None  # complete categorical: codes for `group_sums`

    @property
    def has_missing(self) -> bool:
        return self.n_missing > 0

    @property
    def n_missing(self) -> int:
        return int(np.count_nonzero(self.missing))


def numeric_column(name: str, values: np.ndarray, bins: int | None) -> Column:
    """A numeric column: one sort gives its ranks (when complete) and its bins."""
    missing = np.isnan(values)
    complete = not missing.any()
    order = (
        np.argsort(values) if complete else np.flatnonzero(~missing)[np.argsort(values[~missing])]
    )
    ordered = values[order]
    ranks = None
    if complete:
        ranks = np.empty(len(values))
        ranks[order] = sorted_ranks(ordered)
    codes, levels = (None, ()) if not bins else quantile_bins(values, missing, ordered, bins)
    centred = values - values.mean() if complete else None
    total = float(np.sum(centred * centred)) if complete else None
    return Column(name, NUMERIC, values, codes, levels, 0, missing, order, ranks, centred, total)


def categorical_column(name: str, series: pd.Series, max_levels: int) -> Column:
    codes, levels, lumped = encode_categorical(series, max_levels)
    missing = codes < 0
    if missing.any():
        return Column(name, CATEGORICAL, None, codes, levels, lumped, missing)
    counts = np.bincount(codes, minlength=len(levels))
    return Column(name, CATEGORICAL, None, codes, levels, lumped, missing, counts=counts,
                  blocked=blocked(codes, len(levels)))  # fmt: skip


def sorted_ranks(ordered: np.ndarray) -> np.ndarray:
    """Ranks 1..n of sorted values with ties averaged (scipy.stats.rankdata's default)."""
    n = len(ordered)
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    return ((starts + ends + 1) / 2.0)[np.cumsum(new) - 1]


def subset_ranks(column: Column, keep: np.ndarray) -> np.ndarray:
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
    """Columns of `frame` ready for `association_table`; names in `categorical` are categorical,
    and so is every column that is not numeric. Without `bins`, numeric columns get no bin codes
    (no mutual information). Columns are prepared in parallel threads (numpy releases the GIL)."""
    categorical = set(categorical)

    def prepare(name: str) -> Column:
        series = frame[name]
        if name in categorical or not _is_numeric(series):
            return categorical_column(str(name), series, max_levels)
        return numeric_column(str(name), series.to_numpy(np.float64, na_value=np.nan), bins)

    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 8)) as pool:
        prepared = list(pool.map(prepare, frame.columns))
    return {c.name: c for c in prepared}


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


# --- coefficients -------------------------------------------------------------------------------


def pearson_p(r: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Two-sided p-value of Pearson's r under independence (the beta distribution, as scipy)."""
    r = np.asarray(r, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    ab = n / 2.0 - 1.0
    with np.errstate(invalid="ignore"):
        p = 2.0 * special.betaincc(ab, ab, (np.abs(r) + 1.0) / 2.0)
    p = np.where(n == 2, np.where(np.isnan(r), np.nan, 1.0), p)
    return np.where(n < 2, np.nan, p)


def t_test_p(r: np.ndarray | float, dof: np.ndarray | float) -> np.ndarray:
    """Two-sided p-value of a correlation through Student's t (scipy's Spearman test)."""
    r = np.asarray(r, dtype=np.float64)
    dof = np.asarray(dof, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt((dof / ((r + 1.0) * (1.0 - r))).clip(0))
        p = 2.0 * special.stdtr(dof, -np.abs(t))
    return np.where(dof < 1, np.nan, p)


def correlation_matrix(matrix: np.ndarray) -> np.ndarray:
    """Pearson correlations of the columns of a matrix without NaN; NaN for constant columns.

    Cross products and sums of squares come from the same Gram matrix, so their rounding errors
    cancel in the ratio (as in numpy.corrcoef); summing the squares separately left errors of
    several 1e-12 in rank correlations of a million rows. Portable sums (pipeline/sums.py), not a
    BLAS product, so the bytes of the report do not depend on the CPU.
    """
    columns = sums.rows(np.asarray(matrix).T)
    centred = columns - columns.mean(axis=1, keepdims=True)
    gram = sums.gram(centred)
    norms = np.sqrt(np.diag(gram))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.clip(gram / np.outer(norms, norms), -1.0, 1.0)
    constant = norms == 0
    r[constant, :] = np.nan
    r[:, constant] = np.nan
    return r


def pearson_pair(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r of two float arrays without NaN (two-pass, centred); NaN if one is constant."""
    if len(x) < 2:
        return float("nan")
    xc, yc = x - x.mean(), y - y.mean()
    sxx, syy = float(sums.dot(xc, xc)), float(sums.dot(yc, yc))
    if sxx == 0 or syy == 0:
        return float("nan")
    return float(np.clip(sums.dot(xc / np.sqrt(sxx), yc / np.sqrt(syy)), -1.0, 1.0))


def spearman_pair(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2:
        return float("nan")
    return pearson_pair(rankdata(x), rankdata(y))


def eta(values: np.ndarray, codes: np.ndarray) -> tuple[float, float]:
    """Correlation ratio of numeric `values` grouped by `codes` (both complete), and its F-test p.

    eta**2 is the share of the variance of `values` between the groups' means; the p-value is the
    one-way ANOVA F test (scipy.stats.f_oneway).
    """
    if len(values) == 0:
        return float("nan"), float("nan")
    deviations = values - values.mean()
    counts = np.bincount(codes)
    sums = group_sums(blocked(codes, len(counts)), deviations, len(counts))
    return eta_from_sums(counts, sums, float(np.sum(deviations * deviations)))


def blocked(codes: np.ndarray, levels: int) -> np.ndarray:
    """Codes made distinct per block of SUM_BLOCK rows, for `group_sums`."""
    return codes + levels * (np.arange(len(codes)) // SUM_BLOCK)


def group_sums(blocked_codes: np.ndarray, values: np.ndarray, levels: int) -> np.ndarray:
    """Sums of `values` by group, per block of rows first and then over the blocks pairwise.

    A single running sum over a million rows (np.bincount) loses about 1e-12 of the F-test's
    p-value; summing short blocks and then the blocks' sums keeps the error near rounding.
    """
    n_blocks = -(-len(values) // SUM_BLOCK)
    table = np.bincount(blocked_codes, weights=values, minlength=levels * n_blocks)
    return np.ascontiguousarray(table.reshape(n_blocks, levels).T).sum(axis=1)


def eta_from_sums(counts: np.ndarray, sums: np.ndarray, total: float) -> tuple[float, float]:
    """eta and its F-test p from the group sizes, the groups' sums of deviations from the overall
    mean, and the total sum of squared deviations."""
    present = counts > 0
    n = int(counts.sum())
    between = float(np.sum(sums[present] ** 2 / counts[present]))
    groups = int(present.sum())
    if total == 0 or groups < 2:
        return float("nan"), float("nan")
    ratio = min(between / total, 1.0)
    within = total - between
    dfb, dfw = groups - 1, n - groups
    if dfw < 1:
        return float(np.sqrt(ratio)), float("nan")
    if within <= 0:
        return float(np.sqrt(ratio)), 0.0
    statistic = (between / dfb) / (within / dfw)
    return float(np.sqrt(ratio)), float(special.fdtrc(dfb, dfw, statistic))


def contingency(a: np.ndarray, ka: int, b: np.ndarray, kb: int) -> np.ndarray:
    """Counts table of two complete code arrays, unobserved levels removed."""
    table = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb)
    return table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]


@dataclass(frozen=True)
class TableMeasures:
    cramers_v: float
    cramers_v_corrected: float
    cramers_v_p: float
    mutual_info: float
    mutual_info_p: float


def table_measures(table: np.ndarray) -> TableMeasures:
    """Cramér's V (plain, and bias-corrected after Bergsma 2013) with the chi-squared test's p,
    and mutual information in nats with the G-test's p, from a table without empty rows or columns.
    """
    nan = float("nan")
    rows, cols = table.shape
    n = float(table.sum())
    if rows < 2 or cols < 2:
        return TableMeasures(nan, nan, nan, 0.0 if n else nan, nan)
    row_sums = table.sum(axis=1).astype(np.float64)
    col_sums = table.sum(axis=0).astype(np.float64)
    expected = np.outer(row_sums, col_sums) / n
    chi2 = float(np.sum((table - expected) ** 2 / expected))
    dof = (rows - 1) * (cols - 1)
    phi2 = chi2 / n
    v = float(np.sqrt(phi2 / min(rows - 1, cols - 1)))
    corrected = nan
    if n > 1:
        phi2_corrected = max(0.0, phi2 - dof / (n - 1))
        rows_corrected = rows - (rows - 1) ** 2 / (n - 1)
        cols_corrected = cols - (cols - 1) ** 2 / (n - 1)
        denominator = min(rows_corrected - 1, cols_corrected - 1)
        corrected = float(np.sqrt(phi2_corrected / denominator)) if denominator > 0 else nan
    observed = table > 0
    counts = table[observed].astype(np.float64)
    outer = np.outer(row_sums, col_sums)[observed]
    mi = max(float(np.sum(counts / n * (np.log(counts) + np.log(n) - np.log(outer)))), 0.0)
    return TableMeasures(
        cramers_v=v,
        cramers_v_corrected=corrected,
        cramers_v_p=float(special.chdtrc(dof, chi2)),
        mutual_info=mi,
        mutual_info_p=float(special.chdtrc(dof, 2.0 * n * mi)),
    )


def mutual_info_r(mi: float) -> float:
    """Linfoot's informational coefficient of correlation, sqrt(1 - exp(-2 MI)), in [0, 1).

    For a bivariate normal pair it equals |Pearson's r|; it puts mutual information on a
    correlation-like scale that every pair of column types shares.
    """
    return float(np.sqrt(-np.expm1(-2.0 * mi))) if np.isfinite(mi) else float("nan")


# --- every pair ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowGroup:
    """Pairs that use the same rows: those where every member of `key` is present."""

    key: tuple[str, ...]  # the columns with missing values that the pairs involve
    members: list[Column]  # every column in the pairs, in the original order
    keep: np.ndarray | None  # row mask; None for every row
    pairs: list[tuple[str, str]]


def row_groups(
    columns: Sequence[Column],
    wanted: set[frozenset[str]] | None = None,
    also_missing: np.ndarray | None = None,
) -> list[RowGroup]:
    """Group pairs of `columns` by the rows pairwise-complete handling gives them, so one matrix
    product serves a whole group: every pair of complete columns, or one column with missing
    values and all its complete partners. `also_missing` marks rows every pair must skip."""
    grouped: dict[tuple[str, ...], list[tuple[Column, Column]]] = {}
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


def _numeric_block(
    columns: Sequence[Column], spearman: bool, wanted: set[frozenset[str]]
) -> dict[tuple[str, str], tuple]:
    """(n, pearson, spearman) for the `wanted` pairs of numeric columns, pairwise complete, with
    one matrix product per group of pairs that share their rows."""
    out: dict[tuple[str, str], tuple] = {}
    for group in row_groups(columns, wanted):
        keep = group.keep
        if keep is None:
            n = len(group.members[0].values)
            values = [c.values for c in group.members]
            ranks = [c.ranks for c in group.members] if spearman else []
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


def _complete(first: Column, second: Column) -> np.ndarray | None:
    """Row mask where both columns are present; None when neither has a missing value."""
    if not (first.has_missing or second.has_missing):
        return None
    return ~(first.missing | second.missing)


def _pair(
    first: Column, second: Column, measures: set[str], numeric: dict[tuple[str, str], tuple]
) -> dict:
    nan = float("nan")
    row: dict = dict.fromkeys(PAIR_FIELDS, nan)
    kinds = tuple(sorted((first.kind, second.kind), key=(NUMERIC, CATEGORICAL).index))
    row.update(a=first.name, b=second.name, kind="-".join(kinds))
    keep = _complete(first, second)
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
        num, cat = (first, second) if first.kind == NUMERIC else (second, first)
        if keep is None:  # complete: the column's centred values and level counts are ready
            sums = group_sums(cat.blocked, num.centred, len(cat.counts))
            total = num.total
            row["eta"], row["eta_p"] = eta_from_sums(cat.counts, sums, total)
        else:
            row["eta"], row["eta_p"] = eta(num.values[keep], cat.codes[keep])
    wants_table = "mutual_info" in measures or (
        kinds == (CATEGORICAL, CATEGORICAL) and "cramers_v" in measures
    )
    if wants_table:
        a, b = first.codes, second.codes
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
            row["mutual_info_r"] = mutual_info_r(measured.mutual_info)
            row["mutual_info_p"] = measured.mutual_info_p
    _strength(row, kinds, measures)
    return row


STRENGTH_FIELDS = {  # measure -> (the field that is its strength, the field of its p-value)
    "pearson": ("pearson", "pearson_p"),
    "spearman": ("spearman", "spearman_p"),
    "eta": ("eta", "eta_p"),
    "cramers_v": ("cramers_v_corrected", "cramers_v_p"),
    "mutual_info": ("mutual_info_r", "mutual_info_p"),
}


def _strength(row: dict, kinds: tuple[str, str], measures: set[str]) -> None:
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
) -> pd.DataFrame:
    """One row per pair (every pair of `columns` in order, or the given `pairs`).

    Coefficients not in `measures` or not defined for the pair's kind are NaN; so are those of a
    constant column.
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
    numeric_columns = [columns[n] for n in names if n in involved and columns[n].kind == NUMERIC]
    numeric = {}
    if {"pearson", "spearman"} & measures:
        wanted = {frozenset(pair) for pair in pairs}
        numeric = _numeric_block(numeric_columns, "spearman" in measures, wanted)
    rows = [_pair(columns[a], columns[b], measures, numeric) for a, b in pairs]
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


# --- partial correlation ------------------------------------------------------------------------


def design(columns: Sequence[Column], keep: np.ndarray) -> np.ndarray:
    """Intercept, numeric confounders, and one-hot categorical confounders (first level dropped)."""
    parts = [np.ones((int(keep.sum()), 1))]
    for column in columns:
        if column.kind == NUMERIC:
            parts.append(column.values[keep][:, None])
        else:
            codes = column.codes[keep]
            observed = np.unique(codes)
            parts.append((codes[:, None] == observed[None, 1:]).astype(np.float64))
    return np.hstack(parts)


def residual_correlations(matrix: np.ndarray, basis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson matrices of the columns of `matrix` as they are and after removing their
    least-squares fit on `basis` (the partial correlations given the basis columns)."""
    residuals = sums.project_out(matrix.T, basis.T).T
    return correlation_matrix(matrix), correlation_matrix(residuals)


def partial_correlations(numeric: Sequence[Column], confounders: Sequence[Column]) -> pd.DataFrame:
    """Pearson's r of each pair of `numeric` columns before and after removing the linear effect
    of `confounders` (least-squares residuals), on the rows where the pair and every confounder
    are present. p-values: t test with n - 2 - k degrees of freedom (k confounder regressors)."""
    confounded = np.zeros(len(numeric[0].values) if numeric else 0, dtype=bool)
    for column in confounders:
        confounded |= column.missing
    rows = []
    for group in row_groups(numeric, also_missing=confounded):
        keep = group.keep
        matrix = np.column_stack([c.values[keep] for c in group.members])
        basis = design(confounders, keep)
        raw, partial = residual_correlations(matrix, basis)
        n, k = int(keep.sum()), basis.shape[1] - 1
        index = {c.name: i for i, c in enumerate(group.members)}
        for a, b in group.pairs:
            r, rp = float(raw[index[a], index[b]]), float(partial[index[a], index[b]])
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "n": n,
                    "raw": r,
                    "raw_p": float(pearson_p(r, n)),
                    "partial": rp,
                    "partial_p": float(t_test_p(rp, n - 2 - k)),
                    "confounder_terms": k,
                }
            )
    order = {c.name: i for i, c in enumerate(numeric)}
    rows.sort(key=lambda row: (order[row["a"]], order[row["b"]]))
    return pd.DataFrame(
        rows, columns=["a", "b", "n", "raw", "raw_p", "partial", "partial_p", "confounder_terms"]
    )


def rowwise_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of each row of `x` with the same row of `y`."""
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = sums.dot(xc, yc) / np.sqrt(sums.dot(xc, xc) * sums.dot(yc, yc))
    return np.clip(r, -1.0, 1.0)
