"""One sequential pass over rows per metric family, for `lanes` replicates at once.

`counts` is a (rows, lanes) uint8 matrix of row multiplicities (resample.py), or ones for the point
estimate. A ranked pass visits rows in score order through `idx` (positions in `counts`; the
next rows are prefetched, since a second model's or class's order jumps through the matrix) and
keeps integer sums only, so ROC AUC is exact: twice the Mann-Whitney count of (positive, negative)
pairs, a tied pair counting one half. Float sums add count x value in row order, with no fused
multiply-add (numba without fastmath emits none), so every result has the same bits on any CPU
and for any number of threads.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

POS, LAST, RUN_POS, RUN_NEG = 1, 2, 4, 8  # row flags: positive; last row of its tie run; the run
GROUP_LAST = 16  # has positives; has negatives; last row of its tie run within its group
AHEAD = 16  # rows prefetched ahead in a ranked pass


@intrinsic
def prefetch(typingctx, matrix, row):
    """Ask the CPU to start loading matrix[row] (a hint: no effect on any result)."""

    def codegen(context, builder, signature, args):
        aryty, _ = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        offset = builder.mul(context.cast(builder, args[1], signature.args[1], types.intp),
                             cgutils.unpack_tuple(builder, ary.strides)[0])  # fmt: skip
        i8 = ir.IntType(8).as_pointer()
        address = builder.gep(builder.bitcast(ary.data, i8), [offset])
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8, i32, i32, i32]), "llvm.prefetch.p0"
        )
        builder.call(fn, [address, ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return types.void(matrix, row), codegen


def ranking(score: np.ndarray, positive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows by descending score, their flags) for a ranked pass."""
    order = np.argsort(score, kind="stable")[::-1].astype(np.int32)
    s, y = score[order], positive[order].astype(bool)
    last = np.r_[s[1:] != s[:-1], True]
    run = np.cumsum(np.r_[0, last[:-1]])  # tie run of each row
    has_pos = np.bincount(run, weights=y) > 0
    has_neg = np.bincount(run, weights=~y) > 0
    flags = y * POS + last * (LAST + RUN_POS * has_pos[run] + RUN_NEG * has_neg[run])
    return order, flags.astype(np.uint8)


@nb.njit(nogil=True, cache=True)
def ranked(counts, idx, flags, lanes, with_ap, totals, ap):
    """Descending score order: totals[:, 0..2] = positives, negatives, 2 x Mann-Whitney pairs;
    ap = sum over tie runs of (positives in run) x precision at the run's threshold."""
    run_pos = np.zeros(lanes, np.int64)
    run_neg = np.zeros(lanes, np.int64)
    tp = np.zeros(lanes, np.int64)
    fp = np.zeros(lanes, np.int64)
    pairs = np.zeros(lanes, np.int64)
    ap[:lanes] = 0.0
    n = idx.shape[0]
    for i in range(n):
        if i + AHEAD < n:
            prefetch(counts, idx[i + AHEAD])  # type: ignore[call-arg]
        line = counts[idx[i]]
        f = flags[i]
        if f & POS:
            for r in range(lanes):
                run_pos[r] += line[r]
        else:
            for r in range(lanes):
                run_neg[r] += line[r]
        if f & LAST:
            if f & RUN_NEG:  # a negative pairs with positives above (1) and tied (1/2)
                for r in range(lanes):
                    pairs[r] += run_neg[r] * (2 * tp[r] + run_pos[r])
                    fp[r] += run_neg[r]
                    run_neg[r] = 0
            if f & RUN_POS:
                for r in range(lanes):
                    tp[r] += run_pos[r]
                if with_ap:
                    for r in range(lanes):
                        ap[r] += run_pos[r] * (tp[r] / max(tp[r] + fp[r], 1))
                for r in range(lanes):
                    run_pos[r] = 0
    for r in range(lanes):
        totals[r, 0] = tp[r]
        totals[r, 1] = fp[r]
        totals[r, 2] = pairs[r]


@nb.njit(nogil=True, cache=True)
def weighted_sums(counts, values, bounds, lanes, sums, totals):
    """Per segment [bounds[s], bounds[s+1]) of rows: sums[s, r, v] = sum of count x values[:, v]
    in row order, totals[s, r] = sum of counts."""
    for s in range(bounds.shape[0] - 1):
        acc = np.zeros((values.shape[1], lanes))
        total = np.zeros(lanes, np.int64)
        for i in range(bounds[s], bounds[s + 1]):
            line = counts[i]
            for r in range(lanes):
                total[r] += line[r]
            for v in range(values.shape[1]):
                value = values[i, v]
                for r in range(lanes):
                    acc[v, r] += line[r] * value
        for r in range(lanes):
            totals[s, r] = total[r]
            for v in range(values.shape[1]):
                sums[s, r, v] = acc[v, r]


@nb.njit(inline="always")
def close_run(h, run, below, ints, lanes):
    """Ascending order: the open run's positives pair with the negatives below (1), tied (1/2)."""
    for r in range(lanes):
        ints[h, r, 2] += run[h, 0, r] * (2 * below[h, r] + run[h, 1, r])
        below[h, r] += run[h, 1, r]
        ints[h, r, 0] += run[h, 0, r]
        run[h, 0, r] = 0
        run[h, 1, r] = 0


@nb.njit(nogil=True, cache=True)
def grouped_scores(counts, idx, group, flags, residual, bins, lanes, ints, floats, gaps):
    """Ascending score order, per group and overall (last index): ints[g, r, 0..2] = positives,
    negatives, 2 x Mann-Whitney pairs; floats[g, r] = sum of count x residual^2; gaps[g, bin, r] =
    sum of count x residual in each calibration bin (groups only)."""
    n_groups = gaps.shape[0]
    run = np.zeros((n_groups + 1, 2, lanes), np.int64)  # positives, negatives of the open run
    below = np.zeros((n_groups + 1, lanes), np.int64)  # negatives below the open run
    ints[:, :lanes] = 0
    floats[:, :lanes] = 0.0
    gaps[:, :, :lanes] = 0.0
    n = idx.shape[0]
    for i in range(n):
        if i + AHEAD < n:
            prefetch(counts, idx[i + AHEAD])  # type: ignore[call-arg]
        line = counts[idx[i]]
        g, f, b = group[i], flags[i], bins[i]
        side = 0 if f & POS else 1
        e, e2 = residual[i], residual[i] * residual[i]
        for r in range(lanes):
            run[g, side, r] += line[r]
            run[n_groups, side, r] += line[r]
            floats[g, r] += line[r] * e2
            gaps[g, b, r] += line[r] * e
        if f & GROUP_LAST:
            close_run(g, run, below, ints, lanes)
        if f & LAST:
            close_run(n_groups, run, below, ints, lanes)
    for h in range(n_groups + 1):
        for r in range(lanes):
            ints[h, r, 1] = below[h, r]
    for r in range(lanes):
        for g in range(n_groups):
            floats[n_groups, r] += floats[g, r]
