"""Disparities between groups (differences and ratios, as fairlearn defines them), why one is
undefined, and which groups are behind it. Each works on point estimates (groups last) and on
bootstrap replicates alike."""

from __future__ import annotations

import re

import numpy as np

from pipeline.fairness.bootstrap import Tables
from pipeline.fairness.counts import ratio

# disparity prefix -> the per-group metric it compares (fairlearn's names where it has one)
BINARY_DISPARITIES = {
    "demographic_parity": "selection_rate",
    "equal_opportunity": "true_positive_rate",
    "false_positive_rate": "false_positive_rate",
    "predictive_parity": "precision_score",
    "average_odds": "average_odds",  # the mean of the true and false positive rates
    "accuracy_score": "accuracy_score",
}
REGRESSION_DISPARITIES = {
    name: name for name in ("mean_absolute_error", "root_mean_squared_error", "mean_prediction")
}
COMPONENTS = {"equalized_odds": ("equal_opportunity", "false_positive_rate")}


def _extremes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(number defined, max, min) over the last axis, ignoring NaN, without warnings."""
    defined = ~np.isnan(values)
    high = np.where(defined, values, -np.inf).max(axis=-1)
    low = np.where(defined, values, np.inf).min(axis=-1)
    return defined.sum(axis=-1), high, low


def between_groups(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(max - min, min / max) over the groups (last axis) where the value is defined.

    NaN with fewer than two defined groups; the ratio is NaN when the largest value is 0.
    """
    n, high, low = _extremes(values)
    enough = n >= 2
    difference = np.where(enough, high - low, np.nan)
    ratios = ratio(np.where(enough, low, np.nan), np.where(enough, high, np.nan))
    return difference, ratios


def to_target(values: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(max |value - target|, min of min(value, target) / max(value, target)) over the groups.

    `values` is (..., groups) and `target` (...), e.g. the overall rate or a reference group's.
    """
    target = np.asarray(target, dtype=np.float64)[..., None]
    gaps = np.abs(values - target)
    n, high, _ = _extremes(gaps)
    difference = np.where(n >= 1, high, np.nan)
    folded = ratio(np.minimum(values, target), np.maximum(values, target))
    n, _, low = _extremes(folded)
    return difference, np.where(n >= 1, low, np.nan)


def disparities(
    metrics: dict[str, np.ndarray],
    overall: dict[str, np.ndarray],
    included: np.ndarray,
    reference: int | None,
    prefixes: dict[str, str],
    ratios: bool,
) -> dict[str, dict[str, np.ndarray]]:
    """{method: {disparity: value}}, for point estimates (groups last) and replicates alike.

    Only `included` groups in which the metric is defined take part. Methods: `between_groups`
    (largest minus smallest, smallest over largest), `to_overall` (the group farthest from the
    overall value) and, with a `reference` group, `to_reference` (the group farthest from it),
    ratios taken as smaller over larger as in fairlearn. Equalized odds is the worse
    of the true and false positive rate disparities, and `_mean` their mean, as in fairlearn.
    """
    out: dict[str, dict[str, np.ndarray]] = {}
    methods = ["between_groups", "to_overall"] + (["to_reference"] if reference is not None else [])
    for method in methods:
        table: dict[str, np.ndarray] = {}
        for prefix, metric in prefixes.items():
            values = metrics[metric]
            if method == "between_groups":
                pair = between_groups(np.where(included, values, np.nan))
            elif method == "to_overall":
                pair = to_target(np.where(included, values, np.nan), overall[metric])
            else:
                others = included & (np.arange(included.size) != reference)
                target = values[..., reference] if included[reference] else values[..., 0] * np.nan
                pair = to_target(np.where(others, values, np.nan), target)
            table[f"{prefix}_difference"] = pair[0]
            if ratios:
                table[f"{prefix}_ratio"] = pair[1]
        for combined, (first, second) in COMPONENTS.items():
            if first not in prefixes:
                continue
            for kind, worst in (("difference", np.maximum), ("ratio", np.minimum)):
                a, b = table[f"{first}_{kind}"], table[f"{second}_{kind}"]
                table[f"{combined}_{kind}"] = worst(a, b)  # NaN if either is NaN
                table[f"{combined}_{kind}_mean"] = (a + b) / 2.0
        out[method] = table
    return out


def disparity_reason(
    name: str,
    method: str,
    table: dict[str, np.ndarray],
    point: Tables,
    included: np.ndarray,
    ref: int | None,
    prefixes: dict[str, str],
) -> str:
    """Why the point estimate of disparity `name` by `method` (in `table`) is undefined."""
    prefix = re.sub(r"_(difference|ratio)(_mean)?$", "", name)
    kind = "ratio" if "_ratio" in name else "difference"
    is_ratio = kind == "ratio"
    reasons = []
    for component in COMPONENTS.get(prefix, (prefix,)):
        if not np.isnan(table[f"{component}_{kind}"]):
            continue  # of equalized odds, only the undefined part explains it
        metric = prefixes[component]
        values = np.where(included, point.groups[metric], np.nan)
        if method == "between_groups":
            if (~np.isnan(values)).sum() < 2:
                reasons.append(f"fewer than two compared groups have a defined {metric}")
            elif is_ratio:
                reasons.append(f"{metric} is 0 in every compared group")
        elif method == "to_overall":
            if np.isnan(point.overall[metric]):
                reasons.append(f"the overall {metric} is undefined")
            elif np.isnan(values).all():
                reasons.append(f"no compared group has a defined {metric}")
            elif is_ratio:
                reasons.append(f"{metric} is 0 overall and in every compared group")
        elif ref is None:
            raise ValueError(f"disparities {method} need a reference group")
        elif not included[ref]:
            reasons.append("the reference group is excluded (see groups_excluded)")
        elif np.isnan(values[ref]):
            reasons.append(f"the reference group's {metric} is undefined")
        elif np.isnan(np.delete(values, ref)).all():
            reasons.append(f"no other compared group has a defined {metric}")
        elif is_ratio:
            reasons.append(f"{metric} is 0 in the reference group and every compared group")
    return "; ".join(reasons)


def extreme_groups(
    values: np.ndarray, target: np.ndarray | float | None, labels: tuple[str, ...]
) -> list[str]:
    """The groups behind a disparity: [largest, smallest], or the farthest from `target`."""
    if np.isnan(values).all() or (target is not None and np.isnan(target)):
        return []
    if target is None:
        return [labels[int(np.nanargmax(values))], labels[int(np.nanargmin(values))]]
    return [labels[int(np.nanargmax(np.abs(values - target)))]]
