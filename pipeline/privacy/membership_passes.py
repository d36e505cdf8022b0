"""The loss-threshold attack's bootstrap: one pass over the rows in ascending loss order (most
member-like first) per replicate group, with integer counts only for the ranking numbers.

Rows are laid out as strata (group g's members, then its non-members, for each group in order),
resampled within each stratum by pipeline.stats.resample (so every replicate keeps each group's
member and non-member counts P_g and N_g). Per group and replicate the pass keeps:
- twice the Mann-Whitney count of (member, non-member) pairs where the member's loss is lower
  (a tie counting one half): ROC AUC = pairs / (2 P_g N_g), exactly;
- the best threshold's tp x N_g - fp x P_g over every cut between tie runs (the empty cut gives
  0): advantage = max(TPR - FPR) = best / (P_g N_g), exactly;
- per stratum, the sum of count x loss in pass order and the sum of count x correct.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from pipeline.stats.replicates import lanes_for, on_threads
from pipeline.stats.resample import Strata, check_total, draw_lanes, strata

PAIRS, BEST, MEMBERS, NONMEMBERS = range(4)  # the integer outputs per group and replicate


@nb.njit(nogil=True, cache=True)
def threshold_pass(counts, order, stratum, last, sizes, loss, correct, lanes, ints, sums, hits):
    """One pass of `lanes` replicates (counts (rows, lanes)) through `order` (ascending loss).

    stratum[i] = 2 g + (1 for a non-member) of row order[i]; last[i]: the row closes its tie run
    within its group. ints[g, r] = pairs, best, members, non-members; sums[s, r] = sum of count x
    loss; hits[s, r] = sum of count x correct.
    """
    n_groups = sizes.shape[0] // 2
    run = np.zeros((n_groups, 2, lanes), np.int64)
    tp = np.zeros((n_groups, lanes), np.int64)
    fp = np.zeros((n_groups, lanes), np.int64)
    ints[:, :lanes] = 0
    sums[:, :lanes] = 0.0
    hits[:, :lanes] = 0
    for i in range(order.shape[0]):
        row = order[i]
        line = counts[row]
        s = stratum[i]
        g, side = s // 2, s % 2
        value, right = loss[row], correct[row]
        for r in range(lanes):
            run[g, side, r] += line[r]
            sums[s, r] += line[r] * value
            hits[s, r] += line[r] * right
        if last[i]:
            n_pos, n_neg = sizes[2 * g], sizes[2 * g + 1]
            for r in range(lanes):
                # the run's non-members pair with the members above (1) and in the run (1/2)
                ints[g, r, PAIRS] += run[g, 1, r] * (2 * tp[g, r] + run[g, 0, r])
                tp[g, r] += run[g, 0, r]
                fp[g, r] += run[g, 1, r]
                run[g, 0, r] = 0
                run[g, 1, r] = 0
                gain = tp[g, r] * n_neg - fp[g, r] * n_pos
                if gain > ints[g, r, BEST]:
                    ints[g, r, BEST] = gain
    for g in range(n_groups):
        for r in range(lanes):
            ints[g, r, MEMBERS] = tp[g, r]
            ints[g, r, NONMEMBERS] = fp[g, r]


@nb.njit(nogil=True, cache=True)
def _kernel(t, threads, keys, table, blocks, n_rows, lanes, args, out):
    order, stratum, last, sizes, loss, correct = args
    ints, sums, hits = out
    n_boot = keys.shape[0]
    levels = 0
    for s in range(table.shape[0]):
        levels = max(levels, table[s, 1])
    counts = np.zeros((n_rows, lanes), np.uint8)
    hist = np.zeros((lanes, blocks.shape[0]), np.int64)
    nodes = np.zeros(2 << levels, np.int64)
    part_ints = np.zeros((ints.shape[1], lanes, 4), np.int64)
    part_sums = np.zeros((sums.shape[1], lanes))
    part_hits = np.zeros((hits.shape[1], lanes), np.int64)
    for c in range(t, (n_boot + lanes - 1) // lanes, threads):
        b0 = c * lanes
        m = min(lanes, n_boot - b0)
        draw_lanes(keys[b0 : b0 + m], table, blocks, counts, hist, nodes)
        threshold_pass(
            counts, order, stratum, last, sizes, loss, correct, m, part_ints, part_sums, part_hits
        )
        for r in range(m):
            ints[b0 + r] = part_ints[:, r]
            sums[b0 + r] = part_sums[:, r]
            hits[b0 + r] = part_hits[:, r]


@dataclass(frozen=True)
class Layout:
    """Rows in strata order (group g's members, then its non-members), and the pass's order."""

    strata: Strata
    loss: np.ndarray  # rounded losses, in strata order
    correct: np.ndarray  # int64 0/1, in strata order
    order: np.ndarray  # strata positions by ascending loss (stable)
    stratum: np.ndarray  # stratum of each visited row
    last: np.ndarray  # the visited row closes its tie run within its group

    @property
    def sizes(self) -> np.ndarray:
        return self.strata.sizes

    @property
    def n_groups(self) -> int:
        return len(self.strata.sizes) // 2


def layout(
    member: list[tuple[np.ndarray, np.ndarray]], nonmember: list[tuple[np.ndarray, np.ndarray]]
) -> Layout:
    """The pass's layout from (loss, correct) of each group's members and non-members."""
    parts = [part for pair in zip(member, nonmember, strict=True) for part in pair]
    sizes = [len(loss) for loss, _ in parts]
    loss = np.concatenate([np.asarray(v, np.float64) for v, _ in parts])
    correct = np.concatenate([np.asarray(c, np.int64) for _, c in parts])
    of_row = np.repeat(np.arange(len(parts), dtype=np.int64), sizes)
    order = np.lexsort((of_row // 2, loss))  # by loss, then group: a group's runs contiguous
    stratum, value = of_row[order], loss[order]
    group = stratum // 2
    last = np.ones(len(order), dtype=np.bool_)
    if len(order) > 1:
        last[:-1] = (value[1:] != value[:-1]) | (group[1:] != group[:-1])
    return Layout(strata(sizes), loss, correct, order.astype(np.int64), stratum, last)


@dataclass(frozen=True)
class Passes:
    """Per replicate (or the point estimate): ints (B, G, 4), loss sums and hits (B, 2G)."""

    ints: np.ndarray
    sums: np.ndarray
    hits: np.ndarray


def _run(rows: Layout, counts: np.ndarray) -> Passes:
    lanes = counts.shape[1]
    ints = np.zeros((rows.n_groups, lanes, 4), np.int64)
    sums = np.zeros((len(rows.sizes), lanes))
    hits = np.zeros((len(rows.sizes), lanes), np.int64)
    threshold_pass(counts, rows.order, rows.stratum, rows.last, rows.sizes, rows.loss,
                   rows.correct, lanes, ints, sums, hits)  # fmt: skip
    return Passes(ints.transpose(1, 0, 2), sums.T, hits.T)


def point(rows: Layout) -> Passes:
    """The pass on the rows themselves (every count 1): one 'replicate'."""
    return _run(rows, np.ones((rows.strata.n_rows, 1), np.uint8))


def with_counts(rows: Layout, counts: np.ndarray) -> Passes:
    """The pass for given multiplicities (rows in strata order, replicates): for checking."""
    return _run(rows, np.ascontiguousarray(counts, dtype=np.uint8))


def replicates(rows: Layout, keys: np.ndarray) -> Passes:
    """The pass for every replicate key, rows resampled within each stratum, on every core."""
    n_boot, n_rows = len(keys), rows.strata.n_rows
    out = (
        np.zeros((n_boot, rows.n_groups, 4), np.int64),
        np.zeros((n_boot, len(rows.sizes))),
        np.zeros((n_boot, len(rows.sizes)), np.int64),
    )
    args = (rows.order, rows.stratum, rows.last, rows.sizes, rows.loss, rows.correct)
    lanes = lanes_for(n_rows)
    on_threads(_kernel, n_boot, lanes, keys.astype(np.uint64), rows.strata.table,
               rows.strata.blocks, n_rows, lanes, args, out)  # fmt: skip
    totals = out[0][:, :, [MEMBERS, NONMEMBERS]].reshape(n_boot, -1)
    check_total(totals, rows.sizes)
    return Passes(*out)
