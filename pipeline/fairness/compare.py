"""One comparison of groups: per-group metrics and their disparities, as report entries with
bootstrap intervals and the reason for every null."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.fairness.bootstrap import Tables
from pipeline.fairness.counts import RATES, rates
from pipeline.fairness.disparities import disparities, disparity_reason, extreme_groups
from pipeline.fairness.estimates import Comparison, Disparity, Estimate, GroupRow
from pipeline.fairness.groups import Groups
from pipeline.fairness.scores import SCORE_UNDEFINED
from pipeline.stats.intervals import percentile_interval

INTERVAL_UNDEFINED = "defined in fewer than half of the bootstrap replicates"


@dataclass(frozen=True)
class Block:
    """Metrics to compare at the observed rows and per bootstrap replicate (None without a
    bootstrap), and why each metric can be undefined."""

    point: Tables
    boot: Tables | None
    undefined: dict[str, str]


def binary_block(
    cells: np.ndarray, boot_cells: np.ndarray | None, scores: tuple[Tables, Tables | None] | None
) -> Block:
    """Rates of (groups, 4) confusion cells and their replicates, plus score metrics if any.

    `scores` is (point, replicates) of the score metrics, per group and overall.
    """
    point = Tables(rates(cells), rates(cells.sum(axis=0)))
    boot = None
    if boot_cells is not None:
        boot = Tables(rates(boot_cells), rates(boot_cells.sum(axis=-2)))
    if scores is not None:
        score_point, score_boot = scores
        point.groups.update(score_point.groups)
        point.overall.update(score_point.overall)
        if boot is not None:
            if score_boot is None:
                raise ValueError("the score metrics lack the bootstrap replicates of the counts")
            boot.groups.update(score_boot.groups)
            boot.overall.update(score_boot.overall)
    for tables in (point, boot):
        if tables is not None:  # compared by average_odds_difference, not shown per group
            for table in (tables.groups, tables.overall):
                table["average_odds"] = (
                    table["true_positive_rate"] + table["false_positive_rate"]
                ) / 2
    undefined = {name: rate.undefined for name, rate in RATES.items()}
    return Block(point, boot, undefined | (SCORE_UNDEFINED if scores is not None else {}))


def _number(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def entry(point: float, lower: float, upper: float, why: str, boot: bool) -> Estimate:
    """The value and interval, and "undefined" saying why a null value is null."""
    value = _number(point)
    low, high = _number(lower), _number(upper)
    interval = None if low is None or high is None else (low, high)
    undefined = interval_undefined = None
    if value is None:
        undefined = why
    elif boot and interval is None:
        interval_undefined = INTERVAL_UNDEFINED
    return Estimate(value, interval, undefined, interval_undefined)


def entries(
    point: np.ndarray, replicates: np.ndarray | None, level: float, why: str
) -> list[Estimate]:
    """One entry per element of `point`, with percentile intervals over `replicates`."""
    point = np.atleast_1d(np.asarray(point, dtype=np.float64))
    lower = upper = np.full(point.shape, np.nan)
    if replicates is not None:
        lower, upper, _ = percentile_interval(np.reshape(replicates, (-1, point.size)), level)
    whys = [why] * point.size
    boot = replicates is not None
    return [entry(*values, boot) for values in zip(point, lower, upper, whys, strict=True)]


def compare(
    block: Block,
    groups: Groups,
    reasons: list[list[str]],
    ref: int | None,
    prefixes: dict[str, str],
    ratios: bool,
    level: float,
) -> Comparison:
    """Per-group tables and the disparities of one set of per-group metrics.

    `reasons` says why each group is excluded (empty: compared); `ref` is the reference group.
    """
    labels = groups.labels
    point = block.point
    included = np.array([not r for r in reasons], dtype=bool)
    points = disparities(point.groups, point.overall, included, ref, prefixes, ratios)
    boots = None
    if block.boot is not None:
        boot = block.boot
        boots = disparities(boot.groups, boot.overall, included, ref, prefixes, ratios)
    found: dict[str, dict[str, Disparity]] = {}
    for method, table in points.items():
        found[method] = {}
        for name, value in table.items():
            why = disparity_reason(name, method, table, point, included, ref, prefixes)
            reps = None if boots is None else boots[method][name]
            (item,) = entries(value, reps, level, why)
            behind = None
            prefix = re.sub(r"_(difference|ratio)$", "", name)
            if prefix in prefixes:
                values = np.where(included, point.groups[prefixes[prefix]], np.nan)
                target = None
                if method == "to_overall":
                    target = point.overall[prefixes[prefix]]
                elif method == "to_reference":
                    target = values[ref]
                    values = np.where(np.arange(len(labels)) == ref, np.nan, values)
                behind = tuple(extreme_groups(values, target, labels))
            found[method][name] = Disparity(
                item.value, item.interval, item.undefined, item.interval_undefined, behind
            )
    shown = [name for name in block.undefined if name in point.groups]
    per_metric = {
        name: entries(
            point.groups[name],
            None if block.boot is None else block.boot.groups[name],
            level,
            block.undefined[name],
        )
        for name in shown
    }
    rows = tuple(
        GroupRow(
            label=label,
            count=int(groups.sizes[g]),
            excluded_because=tuple(reasons[g]),
            metrics={name: per_metric[name][g] for name in shown},
        )
        for g, label in enumerate(labels)
    )
    overall = {
        name: entries(
            point.overall[name],
            None if block.boot is None else block.boot.overall[name],
            level,
            block.undefined[name].replace("in the group", "in the data"),
        )[0]
        for name in shown
    }
    return Comparison(
        groups=rows,
        reference_group=None if ref is None else labels[ref],
        overall_count=len(groups.codes),
        overall=overall,
        disparities=found,
    )
