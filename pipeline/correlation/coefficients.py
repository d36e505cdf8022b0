"""The association coefficients and their p-values, computed with the special functions scipy
uses, so the numbers agree with scipy's to rounding.

Pearson and Spearman for numeric pairs, the correlation ratio (eta) for numeric-categorical pairs,
Cramér's V (plain and bias-corrected) for categorical pairs, and mutual information on binned
numeric columns as a scale common to all three. Every sum that reaches a report is portable
(pipeline/sums.py), never a BLAS product, so the bytes do not depend on the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.stats import rankdata

from pipeline import sums
from pipeline.correlation.information import adjusted_mutual_info, expected_mutual_info

SUM_BLOCK = 1024  # rows summed in one run before block sums are added (see group_sums)


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
    return r_from_centred(sums.gram(centred))


def r_from_centred(gram: np.ndarray) -> np.ndarray:
    """Pearson's r from the centred cross products `gram`, elementwise only (the same bytes on
    every CPU); NaN for constant columns."""
    norms = np.sqrt(np.clip(np.diag(gram), 0.0, None))
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
    """Spearman's rho of two float arrays without NaN: Pearson's r of their average ranks."""
    if len(x) < 2:
        return float("nan")
    return pearson_pair(rankdata(x), rankdata(y))


def rowwise_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of each row of `x` with the same row of `y`."""
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = sums.dot(xc, yc) / np.sqrt(sums.dot(xc, xc) * sums.dot(yc, yc))
    return np.clip(r, -1.0, 1.0)


def eta(values: np.ndarray, codes: np.ndarray) -> tuple[float, float]:
    """Correlation ratio of numeric `values` grouped by `codes` (both complete), and its F-test p.

    eta**2 is the share of the variance of `values` between the groups' means; the p-value is the
    one-way ANOVA F test (scipy.stats.f_oneway).
    """
    if len(values) == 0:
        return float("nan"), float("nan")
    deviations = values - values.mean()
    counts = np.bincount(codes)
    totals = group_sums(blocked(codes, len(counts)), deviations, len(counts))
    return eta_from_sums(counts, totals, float(np.sum(deviations * deviations)))


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
    """The coefficients of one contingency table."""

    cramers_v: float
    cramers_v_corrected: float
    cramers_v_p: float
    mutual_info: float  # plug-in estimate, biased upward
    mutual_info_expected: float  # its mean between independent columns with these margins
    adjusted_mutual_info: float  # scikit-learn's adjusted_mutual_info_score
    mutual_info_p: float


def table_measures(table: np.ndarray) -> TableMeasures:
    """Cramér's V (plain, and bias-corrected after Bergsma 2013) with the chi-squared test's p,
    and mutual information in nats (plug-in, expected by chance, adjusted) with its p-value,
    from a table without empty rows or columns.
    """
    nan = float("nan")
    rows, cols = table.shape
    n = float(table.sum())
    if rows < 2 or cols < 2:
        zero = 0.0 if n else nan
        adjusted = (1.0 if rows == cols else 0.0) if n else nan
        return TableMeasures(nan, nan, nan, zero, zero, adjusted, nan)
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
    expected_mi = expected_mutual_info(row_sums, col_sums)
    return TableMeasures(
        cramers_v=v,
        cramers_v_corrected=corrected,
        cramers_v_p=float(special.chdtrc(dof, chi2)),
        mutual_info=mi,
        mutual_info_expected=expected_mi,
        adjusted_mutual_info=adjusted_mutual_info(mi, expected_mi, row_sums, col_sums),
        mutual_info_p=mutual_info_p(mi, expected_mi, dof, n),
    )


def mutual_info_p(mi: float, expected: float, dof: int, n: float) -> float:
    """p-value of mutual information under independence: the G statistic 2 n MI, scaled so that
    its mean under independence is the exact `expected` one, against chi-squared with `dof`.

    The plain G-test takes that mean to be `dof`; on sparse tables (600 rows in 10 x 30 cells)
    the true mean is higher and half of all independent pairs came out "significant" at 0.05.
    Scaled, the share is 0.05 or below. With many rows per cell the two tests agree.
    """
    statistic = 2.0 * n * mi
    if expected > 0:
        statistic *= dof / (2.0 * n * expected)
    return float(special.chdtrc(dof, statistic))


def mutual_info_r(mi: float) -> float:
    """Linfoot's informational coefficient of correlation, sqrt(1 - exp(-2 MI)), in [0, 1).

    For a bivariate normal pair it equals |Pearson's r|; it puts mutual information on a
    correlation-like scale that every pair of column types shares. The pair table gives it the
    bias-corrected information (`information.corrected_mutual_info`).
    """
    return float(np.sqrt(-np.expm1(-2.0 * mi))) if np.isfinite(mi) else float("nan")
