"""The stratified bootstrap: rows resampled within each group (group sizes fixed), and its
percentile intervals.

For confusion-count metrics, resampling a group's rows is, in distribution, drawing its cells
from a multinomial with the group's size and observed cell proportions, so a replicate costs
O(groups x cells), not O(rows). Metrics of individual rows (ROC AUC, Brier score, calibration
error, regression errors) are weighted sums, resampled with row multiplicities drawn the same
stratified way, O(rows) per replicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from pipeline.fairness.groups import Groups

BOOTSTRAP_CHUNK = 1 << 22  # row multiplicities held in memory at once, per chunk of replicates
# How the intervals are made, as the report's settings state it.
BOOTSTRAP = (
    "percentile intervals over n_boot replicates, each resampling rows with replacement within "
    "every group of the audit (group sizes fixed); confusion-count metrics are drawn as "
    "multinomials of the per-group counts, metrics of single rows (ROC AUC, Brier score, "
    "calibration error, regression errors) from row multiplicities drawn the same way, except "
    "the overall score metrics, which resample the whole test set once for every audit; a "
    "replicate in which a quantity is undefined is left out of its interval, which is null if "
    "fewer than half of the replicates remain"
)

# compute(rows, weights) -> {metric: (replicates,) values} for `rows` weighted by (replicates, rows)
RowCompute = Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Tables:
    """Metrics by name per group (groups on the last axis) and the same metrics overall."""

    groups: dict[str, np.ndarray]
    overall: dict[str, np.ndarray]


def bootstrap_cells(cells: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, groups, m) replicates of (groups, m) cell counts, resampling rows within groups.

    Drawing n_g rows with replacement from group g and counting them per cell is a multinomial
    draw with n_g trials and the group's observed cell proportions.
    """
    sizes = cells.sum(axis=-1)
    proportions = cells / np.maximum(sizes, 1)[:, None]
    return rng.multinomial(sizes, proportions, size=(n_boot, len(sizes)))


def stratified_multiplicities(
    sizes: np.ndarray, n_boot: int, rng: np.random.Generator
) -> Iterator[list[np.ndarray]]:
    """Chunks of bootstrap replicates: per group, (replicates, group rows) multiplicities.

    Each replicate draws every group's rows with replacement, as many as the group has.
    """
    chunk = max(1, min(n_boot, BOOTSTRAP_CHUNK // max(int(sizes.sum()), 1)))
    done = 0
    while done < n_boot:
        n_rep = min(chunk, n_boot - done)
        out = []
        for size in sizes:
            size = int(size)
            draws = rng.integers(0, size, size=(n_rep, size), dtype=np.int64) if size else None
            if draws is None:
                out.append(np.zeros((n_rep, 0)))
                continue
            draws += (np.arange(n_rep, dtype=np.int64) * size)[:, None]
            counts = np.bincount(draws.ravel(), minlength=n_rep * size)
            out.append(counts.reshape(n_rep, size).astype(np.float64))
        yield out
        done += n_rep


def _members(
    groups: Groups, order: np.ndarray | None
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """(every row in `order`, each group's positions in it, each group's rows in that order)."""
    everything = np.arange(len(groups.codes)) if order is None else order
    by_group = np.argsort(groups.codes[everything], kind="stable")
    bounds = np.concatenate([[0], np.cumsum(groups.sizes)])
    positions = [by_group[bounds[g] : bounds[g + 1]] for g in range(len(groups.labels))]
    return everything, positions, [everything[where] for where in positions]


def _per_group(
    compute: RowCompute, members: list[np.ndarray], weights: list[np.ndarray]
) -> dict[str, np.ndarray]:
    parts = [compute(rows, w) for rows, w in zip(members, weights, strict=True)]
    return {name: np.stack([p[name] for p in parts], axis=-1) for name in parts[0]}


def row_metrics(
    groups: Groups,
    compute: RowCompute,
    n_boot: int,
    rng: np.random.Generator,
    order: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    """Per-group `compute(rows, weights)` at weights 1, and for each replicate (None if n_boot
    is 0). Rows reach `compute` in `order` (e.g. score order) within each group."""
    _, _, members = _members(groups, order)
    ones = [np.ones((1, len(rows))) for rows in members]
    point = {k: v[0] for k, v in _per_group(compute, members, ones).items()}
    if n_boot == 0:
        return point, None
    chunks = [
        _per_group(compute, members, weights)
        for weights in stratified_multiplicities(groups.sizes, n_boot, rng)
    ]
    return point, {k: np.concatenate([c[k] for c in chunks]) for k in point}


def row_metrics_with_overall(
    groups: Groups, compute: RowCompute, n_boot: int, rng: np.random.Generator
) -> tuple[Tables, Tables | None]:
    """Per-group and overall `compute(rows, weights)` at weights 1, and for each replicate (None
    if n_boot is 0). Replicates resample rows within groups, so the overall replicate is the
    union of the group replicates."""
    everything, positions, members = _members(groups, None)

    def evaluate(weights: list[np.ndarray]) -> Tables:
        total = np.empty((len(weights[0]), len(everything)))
        for where, w in zip(positions, weights, strict=True):
            total[:, where] = w
        return Tables(_per_group(compute, members, weights), compute(everything, total))

    found = evaluate([np.ones((1, len(rows))) for rows in members])
    point = Tables(
        groups={k: v[0] for k, v in found.groups.items()},
        overall={k: v[0] for k, v in found.overall.items()},
    )
    if n_boot == 0:
        return point, None
    chunks = [evaluate(w) for w in stratified_multiplicities(groups.sizes, n_boot, rng)]
    return point, Tables(
        groups={k: np.concatenate([c.groups[k] for c in chunks]) for k in point.groups},
        overall={k: np.concatenate([c.overall[k] for c in chunks]) for k in point.overall},
    )


def percentile_interval(
    replicates: np.ndarray, level: float, min_defined: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile bootstrap interval over axis 0, ignoring NaN replicates.

    Returns (lower, upper, fraction of replicates defined); the bounds are NaN where fewer than
    `min_defined` of the replicates are defined. Quantiles interpolate linearly, as numpy's.
    """
    ordered = np.sort(replicates, axis=0)  # NaN last
    defined = (~np.isnan(ordered)).sum(axis=0)
    fraction = defined / max(len(ordered), 1)
    bounds = []
    for q in ((1.0 - level) / 2.0, (1.0 + level) / 2.0):
        position = q * np.maximum(defined - 1, 0)
        below = np.floor(position).astype(np.int64)
        above = np.minimum(below + 1, np.maximum(defined - 1, 0))
        low = np.take_along_axis(ordered, below[None], axis=0)[0]
        high = np.take_along_axis(ordered, above[None], axis=0)[0]
        value = low + (position - below) * (high - low)
        bounds.append(np.where((fraction >= min_defined) & (defined > 0), value, np.nan))
    return bounds[0], bounds[1], fraction
