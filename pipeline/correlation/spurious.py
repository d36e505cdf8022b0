"""Why correlations arise by chance, worked through: the pool-drownings and Nicolas Cage series,
independent random walks, and the "significant" pairs a matrix of unrelated columns shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from pipeline.correlation.coefficients import (
    correlation_matrix,
    pearson_p,
    pearson_pair,
    rowwise_pearson,
    spearman_pair,
    t_test_p,
)
from pipeline.correlation.pairs import q_values
from pipeline.correlation.sections import (
    DifferencedPearson,
    MultipleComparisons,
    NullMatrices,
    PearsonTest,
    PoolCage,
    RandomWalks,
    SignificantPairs,
    SpearmanTest,
)
from pipeline.progress import steps

# US deaths by drowning after falling into a swimming pool, and films with Nicolas Cage,
# 1999-2009: Tyler Vigen, "Spurious Correlations" (from CDC and IMDb figures).
POOL_YEARS = tuple(range(1999, 2010))
POOL_DROWNINGS = (109, 102, 102, 98, 85, 95, 96, 98, 123, 94, 102)
CAGE_FILMS = (2, 2, 2, 3, 1, 1, 2, 3, 4, 1, 4)
NULL_MATRIX_ROWS = 1000  # rows of each simulated null matrix (p-values are uniform at any size)
HISTOGRAM_BINS = 40
# Simulated pairs over every null matrix: a wide table (hundreds of thousands of pairs per
# matrix) gets fewer matrices, whose mean is still precise; narrow tables keep every matrix.
NULL_PAIR_BUDGET = 1_000_000


def fisher_interval(r: float, n: int, confidence: float) -> tuple[float, float]:
    """Confidence interval of Pearson's r by Fisher's z transform (scipy's pearsonr interval)."""
    if n <= 3 or not np.isfinite(r):
        return float("nan"), float("nan")
    z = np.arctanh(min(max(r, -1.0 + 1e-15), 1.0 - 1e-15))
    half = float(special.ndtri(0.5 + confidence / 2.0)) / np.sqrt(n - 3.0)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def pool_cage(confidence: float = 0.95) -> PoolCage:
    """Pearson (with its interval), Spearman and first-differenced Pearson of the yearly US pool
    drownings against the films Nicolas Cage appeared in, 1999-2009."""
    pool = np.asarray(POOL_DROWNINGS, dtype=float)
    cage = np.asarray(CAGE_FILMS, dtype=float)
    n = len(pool)
    r = pearson_pair(pool, cage)
    p = float(pearson_p(r, n))
    low, high = fisher_interval(r, n, confidence)
    rho = spearman_pair(pool, cage)
    diff = pearson_pair(np.diff(pool), np.diff(cage))
    return PoolCage(
        source="Tyler Vigen, Spurious Correlations (CDC and IMDb figures)",
        years=POOL_YEARS,
        pool_drownings=POOL_DROWNINGS,
        nicolas_cage_films=CAGE_FILMS,
        n=n,
        pearson=PearsonTest(r=r, p=p, confidence=confidence, low=low, high=high),
        spearman=SpearmanTest(rho=rho, p=float(t_test_p(rho, n - 2))),
        differenced_pearson=DifferencedPearson(r=diff, p=float(pearson_p(diff, n - 1)), n=n - 1),
        reading=(
            f"In the United States, {POOL_YEARS[0]}-{POOL_YEARS[-1]}, the number of people who "
            "drowned after falling into a swimming pool rose and fell with the number of films "
            f"Nicolas Cage appeared in: Pearson r = {r:.3f}, {confidence:.0%} interval {low:.2f} "
            f"to {high:.2f}, p = {p:.3f}, on {n} yearly points (Tyler Vigen, Spurious "
            "Correlations, from CDC and IMDb figures). Nothing links the two: an actor's film "
            "roles do not push people into pools, and pool accidents do not cast films. The "
            "match is spurious because it was found by searching: compare enough unrelated "
            "yearly series and a few pairs will match this well by chance, and with 11 points "
            f"the interval is wide. First differencing does not remove it (r = {diff:.3f}) "
            "because the two series hardly trend; the random walks and the matrices of "
            "unrelated columns below show how often chance alone gives such numbers."
        ),
    )


def random_walks(
    rng: np.random.Generator, pairs: int, length: int, threshold: float
) -> tuple[RandomWalks, pd.DataFrame]:
    """How often two independent random walks correlate beyond `threshold`, in levels and in
    first differences (the walks' independent steps); and the histogram of both."""
    steps = rng.standard_normal((2, pairs, length))
    walks = np.cumsum(steps, axis=2)
    levels = rowwise_pearson(walks[0], walks[1])
    differences = rowwise_pearson(steps[0][:, 1:], steps[1][:, 1:])
    edges = np.linspace(-1.0, 1.0, HISTOGRAM_BINS + 1)
    histogram = pd.DataFrame(
        {
            "r": (edges[:-1] + edges[1:]) / 2,
            "levels": np.histogram(levels, edges)[0],
            "differences": np.histogram(differences, edges)[0],
        }
    )
    exceed_levels = float(np.mean(np.abs(levels) > threshold))
    exceed_differences = float(np.mean(np.abs(differences) > threshold))
    reading = (
        f"{exceed_levels:.1%} of {pairs} pairs of independent random walks of length "
        f"{length} have |r| > {threshold} in levels, {exceed_differences:.1%} after "
        "first differencing: trends alone make unrelated series look correlated."
    )
    summary = RandomWalks(pairs, length, threshold, exceed_levels, exceed_differences, reading)
    return summary, histogram


def multiple_comparisons(
    table: pd.DataFrame, q: np.ndarray, alpha: float, rng: np.random.Generator, matrices: int
) -> MultipleComparisons:
    """Significant pairs in the matrix at `alpha`, beside what unrelated columns give by chance."""
    tested = table["p_value"].notna().to_numpy()
    m = int(tested.sum())
    columns = len(set(table["a"].unique()) | set(table["b"].unique()))
    pairs = columns * (columns - 1) // 2
    budget = max(1, NULL_PAIR_BUDGET // max(pairs, 1))
    # the same p-value through Student's t, ten times as fast, when the matrices are wide
    p_value = pearson_p if matrices <= budget else lambda r, n: t_test_p(r, n - 2)
    matrices = min(matrices, budget)
    below_p, below_q = [], []
    for _ in steps(range(matrices), "correlation: null matrices"):
        r = correlation_matrix(rng.standard_normal((NULL_MATRIX_ROWS, columns)))
        p = p_value(r[np.triu_indices(columns, 1)], NULL_MATRIX_ROWS)
        below_p.append(int(np.sum(p < alpha)))
        below_q.append(int(np.sum(q_values(p) < alpha)))
    significant = int(np.sum(table["p_value"].to_numpy()[tested] < alpha))
    after_fdr = int(np.sum(q[tested] < alpha))
    reading = (
        f"Of {m} pairs, {significant} have p < {alpha} and {after_fdr} keep q < {alpha}. If no "
        f"pair were related, about {alpha * m:.1f} would still have p < {alpha}: in {matrices} "
        f"simulated matrices of {columns} unrelated columns, {np.mean(below_p):.2f} pairs per "
        f"matrix had p < {alpha} and {np.mean(below_q):.2f} survived FDR control."
    )
    return MultipleComparisons(
        alpha=alpha,
        reading=reading,
        matrix=SignificantPairs(
            tested_pairs=m,
            significant=significant,
            expected_false_if_all_independent=alpha * m,
            significant_after_fdr=after_fdr,
        ),
        null=NullMatrices(
            matrices=matrices,
            columns=columns,
            pairs=pairs,
            rows=NULL_MATRIX_ROWS,
            mean_significant=float(np.mean(below_p)),
            mean_significant_after_fdr=float(np.mean(below_q)),
            share_with_any_after_fdr=float(np.mean(np.asarray(below_q) > 0)),
        ),
    )
