"""The worked spurious-correlation figures: pool drownings and Nicolas Cage, random walks, and
the significant pairs of unrelated columns."""

from __future__ import annotations

import numpy as np
from scipy import stats

from pipeline.correlation import spurious
from pipeline.correlation.pairs import q_values

TOL = 1e-12


def test_pool_drownings_and_nicolas_cage_figures() -> None:
    example = spurious.pool_cage()
    pool, cage = np.array(spurious.POOL_DROWNINGS), np.array(spurious.CAGE_FILMS)
    assert round(example.pearson.r, 3) == 0.666 and round(example.pearson.p, 3) == 0.025
    reference = stats.pearsonr(pool, cage)
    assert abs(example.pearson.r - reference.statistic) < TOL
    assert abs(example.pearson.p - reference.pvalue) < TOL
    rank = stats.spearmanr(pool, cage)
    assert abs(example.spearman.rho - rank.statistic) < TOL
    assert abs(example.spearman.p - rank.pvalue) < TOL
    interval = reference.confidence_interval(0.95)
    assert example.pearson.confidence == 0.95
    assert abs(example.pearson.low - interval.low) < TOL
    assert abs(example.pearson.high - interval.high) < TOL
    for words in ("swimming pool", "Nicolas Cage", "r = 0.666", "0.11 to 0.90", "p = 0.025"):
        assert words in example.reading
    assert "spurious" in example.reading and "Nothing links the two" in example.reading
    differenced = stats.pearsonr(np.diff(pool), np.diff(cage))
    assert abs(example.differenced_pearson.r - differenced.statistic) < TOL
    assert abs(example.differenced_pearson.p - differenced.pvalue) < TOL


def test_random_walks_correlate_far_more_often_in_levels_than_in_differences() -> None:
    summary, histogram = spurious.random_walks(np.random.default_rng(42), 10000, 11, 0.66)
    again, _ = spurious.random_walks(np.random.default_rng(42), 10000, 11, 0.66)
    assert summary == again  # seeded
    assert 0.20 < summary.exceed_levels < 0.30  # about a quarter
    assert 0.02 < summary.exceed_differences < 0.05  # about 3.5%
    assert histogram["levels"].sum() == histogram["differences"].sum() == 10000


def test_multiple_comparisons_by_chance_and_after_fdr(mixed_table) -> None:
    table = mixed_table.table
    q = q_values(table["p_value"])
    tests = spurious.multiple_comparisons(table, q, 0.05, np.random.default_rng(0), 300)
    null = tests.null
    assert null.pairs == 28 and null.columns == 8
    assert abs(null.mean_significant - 0.05 * 28) < 0.4  # alpha of the pairs, by chance
    assert null.mean_significant_after_fdr < 0.2
    assert null.share_with_any_after_fdr < 0.1  # BH keeps family-wise error near alpha
    matrix = tests.matrix
    assert matrix.tested_pairs == 28
    assert matrix.significant_after_fdr <= matrix.significant
