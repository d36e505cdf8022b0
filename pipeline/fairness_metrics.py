"""Group metrics for the fairness stage, computed from per-group counts in one pass over the rows.

Every classification metric here is a ratio of confusion-matrix cells, so a group's metrics are a
function of its cell counts. The bootstrap resamples rows within each group (a stratified
bootstrap: group sizes stay fixed). For cell-count metrics that is, in distribution, the same as
drawing each group's cells from a multinomial with the group's size and observed cell proportions,
so a replicate costs O(groups x cells), not O(rows). Metrics of individual rows (ROC AUC, Brier
score, calibration error, regression errors) are weighted sums, resampled with row multiplicities
drawn the same stratified way, O(rows) per replicate.

A metric whose denominator is empty is NaN here (null in reports, with the reason), never 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline import sums

MISSING_GROUP = "(missing)"
TN, FP, FN, TP = range(4)  # binary cells, in the order of confusion_matrix(...).ravel()
ALL_CELLS = (TN, FP, FN, TP)
BOOTSTRAP_CHUNK = 1 << 22  # row multiplicities held in memory at once, per chunk of replicates


@dataclass(frozen=True)
class Rate:
    """numerator cells / denominator cells, and why the rate is undefined when the latter is 0."""

    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    undefined: str


NO_ROWS = "the group has no rows"
NO_POSITIVES = "no positives (y_true = positive label) in the group"
NO_NEGATIVES = "no negatives (y_true = other label) in the group"
NO_PREDICTED_POSITIVES = "no predicted positives in the group"
NO_PREDICTED_NEGATIVES = "no predicted negatives in the group"

RATES: dict[str, Rate] = {
    "base_rate": Rate((FN, TP), ALL_CELLS, NO_ROWS),
    "selection_rate": Rate((FP, TP), ALL_CELLS, NO_ROWS),
    "accuracy_score": Rate((TN, TP), ALL_CELLS, NO_ROWS),
    "true_positive_rate": Rate((TP,), (FN, TP), NO_POSITIVES),
    "false_negative_rate": Rate((FN,), (FN, TP), NO_POSITIVES),
    "false_positive_rate": Rate((FP,), (TN, FP), NO_NEGATIVES),
    "true_negative_rate": Rate((TN,), (TN, FP), NO_NEGATIVES),
    "precision_score": Rate((TP,), (FP, TP), NO_PREDICTED_POSITIVES),  # positive predictive value
    "false_discovery_rate": Rate((FP,), (FP, TP), NO_PREDICTED_POSITIVES),
    "negative_predictive_value": Rate((TN,), (TN, FN), NO_PREDICTED_NEGATIVES),
    "false_omission_rate": Rate((FN,), (TN, FN), NO_PREDICTED_NEGATIVES),
}


@dataclass(frozen=True)
class Groups:
    """Each row's group code (0 .. len(labels) - 1) for one attribute or a combination of them."""

    codes: np.ndarray
    labels: tuple[str, ...]
    missing: int | None  # the code of rows with a missing attribute value, if there are any
    sizes: np.ndarray


def factorize(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code of each row, -1 where missing; sorted distinct values as text)."""
    codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), [str(value) for value in uniques]


def combine(factorized: Sequence[tuple[np.ndarray, list[str]]]) -> Groups:
    """Groups of the observed combinations of factorized columns, sorted, labelled "a, b".

    Rows missing any of the values form one more group, `(missing)`, last.
    """
    codes = np.zeros(len(factorized[0][0]), dtype=np.int64)
    radix = []
    for column_codes, levels in factorized:
        radix.append(max(len(levels), 1))
        codes = codes * radix[-1] + column_codes
    missing = None
    if any(column_codes.min(initial=0) < 0 for column_codes, _ in factorized):
        missing = np.zeros(len(codes), dtype=bool)
        for column_codes, _ in factorized:
            missing |= column_codes < 0
        codes[missing] = 0
    counts = np.bincount(
        codes if missing is None else codes[~missing], minlength=int(np.prod(radix))
    )
    present = np.flatnonzero(counts)
    labels = []
    for combined in present:
        parts = zip(factorized, np.unravel_index(combined, radix), strict=True)
        labels.append(", ".join(levels[i] for (_, levels), i in parts))
    sizes = counts[present]
    if len(present) < len(counts):
        lookup = np.full(len(counts), -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        codes = lookup[codes]
    missing_code = None
    if missing is not None:
        missing_code = len(labels)
        codes[missing] = missing_code
        labels.append(MISSING_GROUP)
        sizes = np.append(sizes, missing.sum())
    return Groups(codes=codes, labels=tuple(labels), missing=missing_code, sizes=sizes)


def confusion_counts(
    codes: np.ndarray, n_groups: int, y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 2
) -> np.ndarray:
    """(groups, classes, classes) confusion counts, true by predicted, in one pass.

    `y_true` and `y_pred` are class indices 0 .. n_classes - 1.
    """
    k = n_classes
    flat = (codes * k + y_true) * k + y_pred
    return np.bincount(flat, minlength=n_groups * k * k).reshape(n_groups, k, k)


def binary_cells(confusion: np.ndarray) -> np.ndarray:
    """(..., 2, 2) confusion counts as (..., 4) cells (tn, fp, fn, tp)."""
    return confusion.reshape(*confusion.shape[:-2], 4)


def one_vs_rest(confusion: np.ndarray) -> np.ndarray:
    """(..., K, K) confusion counts as (..., K, 4) cells (tn, fp, fn, tp), one class vs the rest."""
    tp = np.diagonal(confusion, axis1=-2, axis2=-1)
    fn = confusion.sum(axis=-1) - tp
    fp = confusion.sum(axis=-2) - tp
    tn = confusion.sum(axis=(-2, -1))[..., None] - tp - fn - fp
    return np.stack([tn, fp, fn, tp], axis=-1)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def rates(cells: np.ndarray) -> dict[str, np.ndarray]:
    """Every rate of RATES for cells of shape (..., 4); NaN where the denominator is empty."""
    return {
        name: ratio(cells[..., rate.numerator].sum(-1), cells[..., rate.denominator].sum(-1))
        for name, rate in RATES.items()
    }


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


def calibration_bins(y_score: np.ndarray, n_bins: int) -> np.ndarray:
    """Equal-width bin of each score, as in sklearn.calibration.calibration_curve."""
    return np.searchsorted(np.linspace(0.0, 1.0, n_bins + 1)[1:-1], y_score)


def score_order(y_true: np.ndarray, y_score: np.ndarray) -> np.ndarray:
    """Row order by score, negatives before positives among tied scores (score_metrics needs it)."""
    return np.lexsort((y_true, y_score))


def score_metrics(
    y_true: np.ndarray, y_score: np.ndarray, weights: np.ndarray, n_bins: int, proba: bool
) -> dict[str, np.ndarray]:
    """ROC AUC, Brier score and expected calibration error of rows weighted by `weights`.

    Rows come in `score_order`. `weights` is (replicates, rows): ones for the point estimate,
    multiplicities for bootstrap replicates. AUC is the Mann-Whitney form (a tied negative counts
    one half), NaN without both classes; ECE = sum over bins of |sum(y - score)| / n, the
    bin-size-weighted gap between the mean label and the mean score. Brier and ECE are NaN when
    the scores are not probabilities.
    """
    y = y_true.astype(bool)
    s = y_score.astype(np.float64)
    positives, negatives = np.flatnonzero(y), np.flatnonzero(~y)
    # weight of the negatives before each positive: a cumulative sum over negatives only
    below = np.zeros((len(weights), len(negatives) + 1))
    np.cumsum(weights[:, negatives], axis=1, out=below[:, 1:])
    before = below[:, np.searchsorted(negatives, positives)]
    if np.any(s[1:] == s[:-1]):  # tied negatives come first in score_order; count them half
        run_start = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        first = run_start[np.searchsorted(run_start, positives, side="right") - 1]
        before = before - 0.5 * (before - below[:, np.searchsorted(negatives, first)])
    pairs = sums.dot(weights[:, positives], before)
    residual = y - s
    n_pos, total = sums.weighted(weights, y), sums.weighted(weights, np.ones(len(s)))
    auc = ratio(pairs, n_pos * (total - n_pos))
    if not proba:
        nan = np.full(len(weights), np.nan)
        return {"roc_auc_score": auc, "brier_score_loss": nan, "expected_calibration_error": nan}
    # rows in score order: each calibration bin is a run of columns
    edges = np.searchsorted(calibration_bins(s, n_bins), np.arange(n_bins + 1))
    gaps = sum(
        np.abs(sums.weighted(weights[:, a:b], residual[a:b]))
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    )
    return {
        "roc_auc_score": auc,
        "brier_score_loss": sums.weighted(weights, residual**2) / total,
        "expected_calibration_error": gaps / total,
    }


def regression_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, weights: np.ndarray
) -> dict[str, np.ndarray]:
    """Mean absolute error, root mean squared error and mean prediction of weighted rows.

    `weights` is (replicates, rows), as for score_metrics.
    """
    error = y_pred - y_true
    total = weights.sum(axis=1)
    return {
        "mean_absolute_error": sums.weighted(weights, np.abs(error)) / total,
        "root_mean_squared_error": np.sqrt(sums.weighted(weights, error**2) / total),
        "mean_prediction": sums.weighted(weights, y_pred) / total,
    }


@dataclass(frozen=True)
class RowMetrics:
    """Metrics of individual rows per group (groups last), overall, and their replicates."""

    point: dict[str, np.ndarray]
    boot: dict[str, np.ndarray] | None
    overall: dict[str, np.ndarray] | None = None
    boot_overall: dict[str, np.ndarray] | None = None


def row_metrics(
    groups: Groups,
    compute: Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]],
    n_boot: int,
    rng: np.random.Generator,
    order: np.ndarray | None = None,
    with_overall: bool = True,
) -> RowMetrics:
    """Per-group (and overall) `compute(rows, weights)`, at weights 1 and for each replicate.

    Rows reach `compute` in `order` (e.g. score order) within each group and overall. Replicates
    resample rows within groups, so the overall replicate is the union of the group replicates.
    """
    n_groups = len(groups.labels)
    everything = np.arange(len(groups.codes)) if order is None else order
    by_group = np.argsort(groups.codes[everything], kind="stable")
    bounds = np.concatenate([[0], np.cumsum(groups.sizes)])
    positions = [by_group[bounds[g] : bounds[g + 1]] for g in range(n_groups)]
    members = [everything[where] for where in positions]

    def evaluate(weights: list[np.ndarray]) -> tuple[dict, dict | None]:
        parts = [compute(rows, w) for rows, w in zip(members, weights, strict=True)]
        grouped = {name: np.stack([p[name] for p in parts], axis=-1) for name in parts[0]}
        if not with_overall:
            return grouped, None
        total = np.empty((len(weights[0]), len(everything)))
        for where, w in zip(positions, weights, strict=True):
            total[:, where] = w
        return grouped, compute(everything, total)

    point, overall = evaluate([np.ones((1, len(rows))) for rows in members])
    result = RowMetrics(
        point={k: v[0] for k, v in point.items()},
        boot=None,
        overall=None if overall is None else {k: v[0] for k, v in overall.items()},
    )
    if n_boot == 0:
        return result
    chunks = [evaluate(w) for w in stratified_multiplicities(groups.sizes, n_boot, rng)]
    return RowMetrics(
        point=result.point,
        boot={k: np.concatenate([c[0][k] for c in chunks]) for k in point},
        overall=result.overall,
        boot_overall=None
        if overall is None
        else {k: np.concatenate([c[1][k] for c in chunks]) for k in overall},
    )


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


# ---------------------------------------------------------------- report entries


SCORE_UNDEFINED = {
    "roc_auc_score": "needs both positives and negatives in the group",
    "brier_score_loss": "the scores are not probabilities (some are outside [0, 1])",
    "expected_calibration_error": "the scores are not probabilities (some are outside [0, 1])",
}


@dataclass(frozen=True)
class Block:
    """Per-group metrics (groups last), overall metrics, their replicates, null reasons."""

    point: dict[str, np.ndarray]
    overall: dict[str, np.ndarray]
    boot: dict[str, np.ndarray] | None
    boot_overall: dict[str, np.ndarray] | None
    undefined: dict[str, str]


def _number(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def entry(point: float, lower: float, upper: float, why: str, boot: bool) -> dict[str, Any]:
    """{"value", "interval"}, and "undefined" saying why a null value is null."""
    out: dict[str, Any] = {"value": _number(point)}
    low, high = _number(lower), _number(upper)
    out["interval"] = None if low is None or high is None else [low, high]
    if out["value"] is None:
        out["undefined"] = why
    elif boot and out["interval"] is None:
        out["interval_undefined"] = "defined in fewer than half of the bootstrap replicates"
    return out


def entries(point, replicates, level: float, why) -> list[dict[str, Any]]:
    """One entry per element of `point`, with percentile intervals over `replicates`."""
    point = np.atleast_1d(np.asarray(point, dtype=np.float64))
    lower = upper = np.full(point.shape, np.nan)
    if replicates is not None:
        lower, upper, _ = percentile_interval(np.reshape(replicates, (-1, point.size)), level)
    whys = [why] * point.size if isinstance(why, str) else why
    boot = replicates is not None
    return [entry(*values, boot) for values in zip(point, lower, upper, whys, strict=True)]


def disparity_reason(
    name: str,
    method: str,
    table: dict[str, np.ndarray],
    block: Block,
    included: np.ndarray,
    ref: int | None,
    prefixes: dict,
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
        values = np.where(included, block.point[metric], np.nan)
        if method == "between_groups":
            if (~np.isnan(values)).sum() < 2:
                reasons.append(f"fewer than two compared groups have a defined {metric}")
            elif is_ratio:
                reasons.append(f"{metric} is 0 in every compared group")
        elif method == "to_overall":
            if np.isnan(block.overall[metric]):
                reasons.append(f"the overall {metric} is undefined")
            elif np.isnan(values).all():
                reasons.append(f"no compared group has a defined {metric}")
            elif is_ratio:
                reasons.append(f"{metric} is 0 overall and in every compared group")
        elif not included[ref]:
            reasons.append("the reference group is excluded (see groups_excluded)")
        elif np.isnan(values[ref]):
            reasons.append(f"the reference group's {metric} is undefined")
        elif np.isnan(np.delete(values, ref)).all():
            reasons.append(f"no other compared group has a defined {metric}")
        elif is_ratio:
            reasons.append(f"{metric} is 0 in the reference group and every compared group")
    return "; ".join(reasons)


def extreme_groups(values: np.ndarray, target: float | None, labels: tuple[str, ...]) -> list:
    """The groups behind a disparity: [largest, smallest], or the farthest from `target`."""
    if np.isnan(values).all() or (target is not None and np.isnan(target)):
        return []
    if target is None:
        return [labels[int(np.nanargmax(values))], labels[int(np.nanargmin(values))]]
    return [labels[int(np.nanargmax(np.abs(values - target)))]]


def compare(
    block: Block,
    groups: Groups,
    reasons: list[list[str]],
    ref: int | None,
    prefixes: dict[str, str],
    ratios: bool,
    level: float,
) -> dict[str, Any]:
    """Per-group tables and the disparities of one set of per-group metrics.

    `reasons` says why each group is excluded (empty: compared); `ref` is the reference group.
    """
    labels = groups.labels
    included = np.array([not r for r in reasons], dtype=bool)
    points = disparities(block.point, block.overall, included, ref, prefixes, ratios)
    boots = None
    if block.boot is not None:
        boots = disparities(block.boot, block.boot_overall, included, ref, prefixes, ratios)
    found: dict[str, dict[str, Any]] = {}
    for method, table in points.items():
        found[method] = {}
        for name, value in table.items():
            why = disparity_reason(name, method, table, block, included, ref, prefixes)
            reps = None if boots is None else boots[method][name]
            (item,) = entries(value, reps, level, why)
            prefix = re.sub(r"_(difference|ratio)$", "", name)
            if prefix in prefixes:
                values = np.where(included, block.point[prefixes[prefix]], np.nan)
                target = None
                if method == "to_overall":
                    target = block.overall[prefixes[prefix]]
                elif method == "to_reference":
                    target = values[ref]
                    values = np.where(np.arange(len(labels)) == ref, np.nan, values)
                item["groups"] = extreme_groups(values, target, labels)
            found[method][name] = item
    shown = [name for name in block.undefined if name in block.point]
    table = {}
    per_metric = {
        name: entries(
            block.point[name],
            None if block.boot is None else block.boot[name],
            level,
            block.undefined[name],
        )
        for name in shown
    }
    for g, label in enumerate(labels):
        table[label] = {
            "count": int(groups.sizes[g]),
            "eligible": not reasons[g],
            "excluded_because": reasons[g],
            "metrics": {name: per_metric[name][g] for name in shown},
        }
    overall = {
        name: entries(
            block.overall[name],
            None if block.boot_overall is None else block.boot_overall[name],
            level,
            block.undefined[name].replace("in the group", "in the data"),
        )[0]
        for name in shown
    }
    return {
        "groups_compared": [label for label, r in zip(labels, reasons, strict=True) if not r],
        "groups_excluded": {label: r for label, r in zip(labels, reasons, strict=True) if r},
        "reference_group": None if ref is None else labels[ref],
        "groups": table,
        "overall": {"count": len(groups.codes), "metrics": overall},
        "disparities": found,
    }


def binary_block(cells: np.ndarray, boot_cells: np.ndarray | None, scores=None) -> Block:
    """Rates of (groups, 4) confusion cells and their replicates, plus score metrics if any.

    `scores` is (per-group RowMetrics, overall RowMetrics) of score_metrics.
    """
    tables = [rates(cells), rates(cells.sum(axis=0)), None, None]
    if boot_cells is not None:
        tables[2:] = rates(boot_cells), rates(boot_cells.sum(axis=-2))
    if scores is not None:
        groups, everyone = scores
        tables[0] |= groups.point
        tables[1] |= {k: v[0] for k, v in everyone.point.items()}
        if boot_cells is not None:
            tables[2] |= groups.boot
            tables[3] |= {k: v[:, 0] for k, v in everyone.boot.items()}
    for table in tables:
        if table is not None:  # compared by average_odds_difference, not shown per group
            table["average_odds"] = (table["true_positive_rate"] + table["false_positive_rate"]) / 2
    undefined = {name: rate.undefined for name, rate in RATES.items()}
    return Block(*tables, undefined | (SCORE_UNDEFINED if scores is not None else {}))
