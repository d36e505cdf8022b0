"""Row multiplicities (pipeline/stats/resample.py): each replicate draws every stratum's size, with
the multinomial's law (a biased draw fails the chi-square tests), the same bits on 1 or 2 threads
and in another process, and no FMA in the kernels whose sums are written out."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numba
import numpy as np
import pytest
from scipy import stats

from pipeline.stats import passes, replicates, resample
from pipeline.stats.replicates import model_replicates
from pipeline.stats.resample import (
    draw,
    multiplicities,
    nested_cells,
    replicate_keys,
    strata,
)

SIZES = [1, 2, 3, 100, 511, 512, 513, 5000, 70000]


def test_every_replicate_draws_each_stratum_size() -> None:
    layout = strata(SIZES)
    counts = draw(replicate_keys(4, 21), layout)
    for start, size in zip(layout.starts, layout.sizes, strict=True):
        assert np.all(counts[start : start + size].sum(axis=0, dtype=np.int64) == size)
    assert np.all(counts[:1] == 1)  # a stratum of one row draws it once


def test_a_replicate_is_the_same_alone_or_among_others() -> None:
    counts = draw(replicate_keys(9, 20), strata([3000]))
    for b in (0, 15, 19):
        assert np.array_equal(multiplicities(9, b, [3000]), counts[:, b])


def looks_uniform(totals: np.ndarray, n_boot: int) -> bool:
    """Row totals over replicates of 1300 rows: uniform (chi-square) and the short block's rows
    (the last 276) drawn as often as the full blocks' (within 4 standard errors)."""
    gap = abs(totals[1024:].mean() - totals[:1024].mean())
    return stats.chisquare(totals).pvalue > 1e-3 and gap < 4 * np.sqrt(n_boot / 276)


def test_counts_have_the_binomial_law_and_every_row_the_same_mean() -> None:
    """Count of one row: Binomial(n, 1/n); totals over replicates: uniform over rows."""
    n, n_boot = 1300, 400  # blocks of 512, 512 and a short one of 276
    counts = draw(replicate_keys(1, n_boot), strata([n])).astype(np.int64)
    observed = np.bincount(counts.ravel(), minlength=6)[:6]
    expected = stats.binom.pmf(np.arange(6), n, 1 / n) * counts.size
    rest = counts.size - expected.sum()
    chi2 = stats.chisquare(np.r_[observed, counts.size - observed.sum()], np.r_[expected, rest])
    assert chi2.pvalue > 1e-3
    assert looks_uniform(counts.sum(axis=1), n_boot)


def test_a_biased_draw_would_fail_the_uniformity_test() -> None:
    """A draw that favours the full blocks' rows by 2% is caught."""
    rng = np.random.default_rng(0)
    n, n_boot = 1300, 400
    p = np.r_[np.full(1024, 1.02), np.ones(276)]
    biased = rng.choice(n, size=(n_boot, n), p=p / p.sum())
    assert not looks_uniform(np.bincount(biased.ravel(), minlength=n), n_boot)
    fair = rng.choice(n, size=(n_boot, n))
    assert looks_uniform(np.bincount(fair.ravel(), minlength=n), n_boot)


def _replicates() -> np.ndarray:
    rng = np.random.default_rng(2)
    n = 5000
    score, positive = rng.random(n).round(2), rng.random(n) < 0.4
    order, flags = passes.ranking(score, positive)
    found = model_replicates(replicate_keys(3, 50), strata([n]), order[None] * 0 + np.arange(n),
                             flags[None], np.array([True]), rng.random((n, 2)))  # fmt: skip
    return np.concatenate([found.ints.reshape(50, -1), found.ap, found.sums.reshape(50, -1)], 1)


def test_results_do_not_depend_on_the_number_of_threads(monkeypatch) -> None:
    monkeypatch.setattr(replicates, "available_cores", lambda: 1)
    one = _replicates()
    monkeypatch.setattr(replicates, "available_cores", lambda: 3)  # 4 chunks of 16 on 3 threads
    three = _replicates()
    assert one.tobytes() == three.tobytes()


def test_another_process_draws_the_same_bits() -> None:
    code = (
        "from pipeline.stats.resample import draw, replicate_keys, strata;"
        "import hashlib;"
        "counts = draw(replicate_keys(5, 17), strata([70, 9000]));"
        "print(hashlib.sha256(counts.tobytes()).hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    here = hashlib.sha256(draw(replicate_keys(5, 17), strata([70, 9000])).tobytes()).hexdigest()
    assert out.stdout.strip() == here


def test_kernels_have_no_fused_multiply_add() -> None:
    """FMA rounds once where a * b + c rounds twice: CPUs with and without it would differ.
    The kernels are compiled afresh here (cached code cannot be inspected) with the same flags."""
    n = 50
    counts, order = np.ones((n, 2), np.uint8), np.arange(n, dtype=np.int32)
    flags = np.full(n, passes.LAST | passes.GROUP_LAST, np.uint8)
    calls = {
        passes.ranked: (counts, order, flags, 2, True, np.zeros((2, 3), np.int64), np.zeros(2)),
        passes.weighted_sums: (counts, np.ones((n, 2)), np.array([0, n]), 2,
                               np.zeros((1, 2, 2)), np.zeros((1, 2), np.int64)),
        passes.grouped_scores: (counts, order, np.zeros(n, np.int64), flags, np.ones(n),
                                np.zeros(n, np.int64), 2, np.zeros((2, 2, 3), np.int64),
                                np.zeros((2, 2)), np.zeros((1, 1, 2))),
    }  # fmt: skip
    for kernel, args in calls.items():
        fresh = numba.njit(nogil=True)(kernel.py_func)
        fresh(*args)
        asm = "\n".join(fresh.inspect_asm().values()).lower()
        assert "mulsd" in asm or "mulpd" in asm, kernel  # the float products are there
        assert "fmadd" not in asm and "fmsub" not in asm and "fnmadd" not in asm, kernel


def test_a_wrapped_count_is_refused() -> None:
    with pytest.raises(OverflowError, match="256 times"):
        resample.check_total(np.array([[255, 256]]), np.array([255, 512]))


def test_nested_cells_have_the_law_of_one_multinomial_over_the_joint_cells() -> None:
    """Drawn column by column, the joint cells' counts keep the multinomial's means, variances
    and covariances (n p, n p (1 - p), -n p q), and every replicate draws every row."""
    cells = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 1], [1, 0, 0], [1, 1, 0], [1, 1, 1]])
    counts = np.array([7, 3, 5, 2, 9, 4])
    n, n_boot = int(counts.sum()), 40_000
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(3).spawn(2)]
    drawn = nested_cells(cells, counts, n_boot, rngs)
    assert drawn.shape == (n_boot, len(cells))
    assert (drawn.sum(axis=1) == n).all()
    p = counts / n
    expected = n * (np.diag(p) - np.outer(p, p))
    assert np.abs(drawn.mean(axis=0) - n * p).max() < 5 * np.sqrt(
        expected.diagonal().max() / n_boot
    )
    assert np.allclose(np.cov(drawn, rowvar=False), expected, atol=0.06 * expected.max())
    # the first two columns' cells come from the first generator alone
    first = np.random.default_rng(np.random.SeedSequence(3).spawn(1)[0])
    pairs = (
        np.array([10, 5, 2, 13]) / n
    )  # cells (0,0), (0,1), (1,0), (1,1) of the first two columns
    again = first.multinomial(n, pairs, size=n_boot)
    assert np.array_equal(drawn[:, :2].sum(axis=1), again[:, 0])
    assert np.array_equal(drawn[:, 4:].sum(axis=1), again[:, 3])
