"""Bootstrap replicates of the metric passes, on every core: each thread draws `LANES` replicates
at a time into its own count matrix and runs the passes on it.

Replicate b's draws depend only on its key (resample.replicate_keys), and each thread writes only
its own replicates' rows of the outputs, so the results are the same with any number of threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba as nb
import numpy as np

from pipeline.stats.passes import grouped_scores, ranked, weighted_sums
from pipeline.stats.resample import Strata, check_total, draw_lanes

LANES = 16  # replicates drawn side by side: 16 bytes of counts per row


def lanes_for(n_rows: int) -> int:
    """Replicates per count matrix: LANES, fewer for huge inputs (at most 64 MiB per thread)."""
    return max(1, min(LANES, (64 << 20) // max(n_rows, 1)))


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def on_threads(kernel: Callable[..., None], n_boot: int, lanes: int, *args: object) -> None:
    """Run `kernel(t, threads, *args)` on every core, thread t taking chunks t, t + threads, ...
    of `lanes` replicates. The kernels release the GIL (nogil), so the threads run at once; a
    plain loop per thread compiles in half the time numba's parallel loop takes."""
    threads = max(1, min(available_cores(), -(-n_boot // lanes)))
    if threads == 1:
        kernel(0, 1, *args)
        return
    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(kernel, t, threads, *args) for t in range(threads)]:
            done.result()


@dataclass(frozen=True)
class Ranked:
    """Per replicate and pass: positives, negatives, 2 x Mann-Whitney pairs (ints (B, P, 3)),
    sum of positives x precision over tie runs (ap (B, P)); per stratum and value column, the
    count-weighted sums (sums (B, S, V)). A pass reads rows in its order (layout positions)."""

    ints: np.ndarray
    ap: np.ndarray
    sums: np.ndarray


@nb.njit(nogil=True, cache=True)
def _model_kernel(
    t, threads, keys, table, blocks, bounds, lanes, orders, flags, with_ap, values, out
):
    ints, ap, sums, totals = out
    n_boot = keys.shape[0]
    chunks = (n_boot + lanes - 1) // lanes
    levels = 0
    for s in range(table.shape[0]):
        levels = max(levels, table[s, 1])
    counts = np.zeros((bounds[-1], lanes), np.uint8)
    hist = np.zeros((lanes, blocks.shape[0]), np.int64)
    nodes = np.zeros(2 << levels, np.int64)
    part = np.zeros((lanes, 3), np.int64)
    part_ap = np.zeros(lanes)
    part_sums = np.zeros((bounds.shape[0] - 1, lanes, values.shape[1]))
    part_totals = np.zeros((bounds.shape[0] - 1, lanes), np.int64)
    for c in range(t, chunks, threads):
        b0 = c * lanes
        m = min(lanes, n_boot - b0)
        draw_lanes(keys[b0 : b0 + m], table, blocks, counts, hist, nodes)
        for p in range(orders.shape[0]):
            ranked(counts, orders[p], flags[p], m, with_ap[p], part, part_ap)
            ints[b0 : b0 + m, p] = part[:m]
            ap[b0 : b0 + m, p] = part_ap[:m]
        weighted_sums(counts, values, bounds, m, part_sums, part_totals)
        for r in range(m):
            sums[b0 + r] = part_sums[:, r]
            totals[b0 + r] = part_totals[:, r]


def model_replicates(
    keys: np.ndarray,
    layout: Strata,
    orders: np.ndarray,
    flags: np.ndarray,
    with_ap: np.ndarray,
    values: np.ndarray,
) -> Ranked:
    """Ranked passes (orders, flags: (P, rows)) and weighted sums of `values` (rows, V) for every
    replicate key; rows are resampled within each stratum of `layout`."""
    n_boot, n_passes, n_strata = len(keys), len(orders), len(layout.sizes)
    out = (
        np.zeros((n_boot, n_passes, 3), np.int64),
        np.zeros((n_boot, n_passes)),
        np.zeros((n_boot, n_strata, values.shape[1])),
        np.zeros((n_boot, n_strata), np.int64),
    )
    bounds = np.append(layout.starts, layout.n_rows).astype(np.int64)
    on_threads(
        _model_kernel, n_boot, lanes_for(layout.n_rows),
        keys.astype(np.uint64), layout.table, layout.blocks, bounds, lanes_for(layout.n_rows),
        orders.astype(np.int32).reshape(n_passes, layout.n_rows),
        flags.astype(np.uint8).reshape(n_passes, layout.n_rows), with_ap.astype(np.bool_),
        np.ascontiguousarray(values, dtype=np.float64), out,
    )  # fmt: skip
    check_total(out[3], layout.sizes)
    return Ranked(*out[:3])


@nb.njit(nogil=True, cache=True)
def _group_kernel(
    t,
    threads,
    keys,
    table,
    blocks,
    n_rows,
    lanes,
    order,
    group,
    flags,
    residual,
    bins,
    out,
):
    ints, floats, gaps = out
    n_boot = keys.shape[0]
    chunks = (n_boot + lanes - 1) // lanes
    levels = 0
    for s in range(table.shape[0]):
        levels = max(levels, table[s, 1])
    counts = np.zeros((n_rows, lanes), np.uint8)
    hist = np.zeros((lanes, blocks.shape[0]), np.int64)
    nodes = np.zeros(2 << levels, np.int64)
    part_ints = np.zeros((ints.shape[1], lanes, 3), np.int64)
    part_floats = np.zeros((floats.shape[1], lanes))
    part_gaps = np.zeros((gaps.shape[1], gaps.shape[2], lanes))
    for c in range(t, chunks, threads):
        b0 = c * lanes
        m = min(lanes, n_boot - b0)
        draw_lanes(keys[b0 : b0 + m], table, blocks, counts, hist, nodes)
        grouped_scores(
            counts,
            order,
            group,
            flags,
            residual,
            bins,
            m,
            part_ints,
            part_floats,
            part_gaps,
        )
        for r in range(m):
            ints[b0 + r] = part_ints[:, r]
            floats[b0 + r] = part_floats[:, r]
            gaps[b0 + r] = part_gaps[:, :, r]


@dataclass(frozen=True)
class Grouped:
    """Per replicate, per group and overall (last index): ints (B, G+1, 3) positives, negatives,
    2 x Mann-Whitney pairs; floats (B, G+1) sums of count x residual^2; gaps (B, G, bins) sums of
    count x residual per calibration bin."""

    ints: np.ndarray
    floats: np.ndarray
    gaps: np.ndarray


def group_replicates(
    keys: np.ndarray,
    layout: Strata,
    order: np.ndarray,
    flags: np.ndarray,
    residual: np.ndarray,
    bins: np.ndarray,
    n_bins: int,
) -> Grouped:
    """The grouped score pass for every replicate key, each group (stratum of `layout`, in order)
    resampled within itself. `order` visits layout positions in ascending score order."""
    n_groups = len(layout.sizes)
    group = np.repeat(np.arange(n_groups, dtype=np.int64), layout.sizes)[order]
    out = (
        np.zeros((len(keys), n_groups + 1, 3), np.int64),
        np.zeros((len(keys), n_groups + 1)),
        np.zeros((len(keys), n_groups, n_bins)),
    )
    on_threads(
        _group_kernel, len(keys), lanes_for(layout.n_rows),
        keys.astype(np.uint64), layout.table, layout.blocks, layout.n_rows,
        lanes_for(layout.n_rows), order.astype(np.int32), group,
        flags.astype(np.uint8),
        np.ascontiguousarray(residual, dtype=np.float64), bins.astype(np.int64), out,
    )  # fmt: skip
    check_total(out[0][:, :-1, 0] + out[0][:, :-1, 1], layout.sizes)
    return Grouped(*out)
