"""Bootstrap confidence intervals: percentile, and BCa (bias-corrected and accelerated, Efron 1987)
with the acceleration from a jackknife. Replicates where a statistic is undefined (NaN) are left
out; the interval is NaN when fewer than `min_defined` of them remain."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

METHODS = ("percentile", "bca")


def quantiles(
    replicates: np.ndarray, q: np.ndarray, min_defined: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles q (per column, shape (k, columns) or (k,)) over axis 0 ignoring NaN, interpolated
    linearly as numpy's; NaN where fewer than `min_defined` replicates are defined. Returns
    (values (k, columns), fraction defined (columns,))."""
    ordered = np.sort(replicates, axis=0)  # NaN last
    defined = (~np.isnan(ordered)).sum(axis=0)
    fraction = defined / max(len(ordered), 1)
    top = np.maximum(defined - 1, 0)
    position = np.asarray(q, dtype=np.float64) * top
    lower = np.floor(position).astype(np.int64)
    upper = np.minimum(lower + 1, top)
    low = np.take_along_axis(ordered, lower.reshape(-1, *ordered.shape[1:]), axis=0)
    high = np.take_along_axis(ordered, upper.reshape(-1, *ordered.shape[1:]), axis=0)
    value = low + (position.reshape(low.shape) - lower.reshape(low.shape)) * (high - low)
    return np.where((fraction >= min_defined) & (defined > 0), value, np.nan), fraction


def percentile_interval(
    replicates: np.ndarray, level: float, min_defined: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile bootstrap interval over axis 0, ignoring NaN replicates.

    Returns (lower, upper, fraction of replicates defined); the bounds are NaN where fewer than
    `min_defined` of the replicates are defined. Quantiles interpolate linearly, as numpy's.
    """
    columns = replicates.shape[1:]
    q = np.array([(1.0 - level) / 2.0, (1.0 + level) / 2.0]).reshape(2, *[1] * len(columns))
    values, fraction = quantiles(replicates, np.broadcast_to(q, (2, *columns)), min_defined)
    return values[0], values[1], fraction


@dataclass(frozen=True)
class Jackknife:
    """Leave-one-out values of a statistic, each with the number of rows that give it."""

    values: np.ndarray
    weights: np.ndarray

    def acceleration(self) -> float:
        """Efron's acceleration: the skewness of the jackknife values, / 6. NaN if undefined."""
        w, v = self.weights.astype(np.float64), self.values
        if not np.all(np.isfinite(v)) or w.sum() == 0:
            return float("nan")
        d = np.sum(w * v) / np.sum(w) - v
        spread = np.sum(w * d * d)
        return float(np.sum(w * d * d * d) / (6.0 * spread**1.5)) if spread > 0 else 0.0


def bca_interval(
    point: float,
    replicates: np.ndarray,
    level: float,
    acceleration: float,
    min_defined: float = 0.5,
) -> tuple[float, float]:
    """BCa interval of one statistic: percentiles of the defined replicates at levels moved by the
    bias correction z0 = ndtri(share of replicates strictly below the point estimate) and the
    acceleration, as scipy.stats.bootstrap(method='BCa') computes them. NaN if undefined."""
    defined = replicates[~np.isnan(replicates)]
    if len(defined) < max(min_defined * len(replicates), 1) or not np.isfinite(acceleration):
        return float("nan"), float("nan")
    z0 = ndtri(np.mean(defined < point))
    z = ndtri(np.array([(1.0 - level) / 2.0, (1.0 + level) / 2.0]))
    levels = ndtr(z0 + (z0 + z) / (1.0 - acceleration * (z0 + z)))
    if not np.all(np.isfinite(levels)):
        return float("nan"), float("nan")
    values, _ = quantiles(defined, levels, 0.0)
    return float(values[0]), float(values[1])


def intervals(
    point: dict[str, float],
    replicates: dict[str, np.ndarray],
    level: float,
    method: str = "percentile",
    jackknife: dict[str, Jackknife] | None = None,
) -> dict[str, tuple[float, float]]:
    """Each statistic's interval from its (n_boot,) replicates. BCa needs its jackknife; a
    statistic without one (e.g. average precision, whose jackknife is not O(n)) gets the
    percentile interval."""
    if method not in METHODS:
        raise ValueError(f"unknown interval method '{method}'; choose one of {', '.join(METHODS)}")
    out = {}
    for name, values in replicates.items():
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if method == "bca" and jackknife is not None and name in jackknife:
            a = jackknife[name].acceleration()
            out[name] = bca_interval(point[name], values, level, a)
        else:
            lower, upper, _ = percentile_interval(values[:, None], level)
            out[name] = (float(lower[0]), float(upper[0]))
    return out
