"""What an equivalence class gives away about one sensitive attribute: distinct l-diversity (the
fewest distinct values in a class) and t-closeness (the largest distance between a class's
distribution of the attribute and the whole table's), as pycanon 1.3.6 defines them.

Distances are the earth mover's distance of Li, Li and Venkatasubramanian (2007): with equal
ground distances for a categorical attribute (half the L1 distance, i.e. total variation), and
with ordered distances for a numeric one, (1 / (m - 1)) * sum_i |F_class(i) - F_table(i)| over
the m sorted distinct values. Both are computed from integer counts, exactly, and divided once,
so a class's t is the correctly rounded quotient of two integers: the same bits on any machine.

Rows with no value of the attribute are left out of its l and t (they disclose nothing), and a
class in which no row has a value is left out of its minimum and maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

EQUAL = "equal"  # categorical: every two values are at distance 1 (total variation)
ORDERED = "ordered"  # numeric: values at distance |i - j| / (m - 1) by rank
INT64_LIMIT = 2**62  # integer sums beyond this are done with Python integers instead


@dataclass(frozen=True)
class AttributeRisk:
    """One sensitive attribute's disclosure by the equivalence classes."""

    name: str
    distance: str  # EQUAL or ORDERED
    n_values: int  # distinct values in the table
    n_missing: int  # rows without a value: left out of this attribute's l and t
    l: int | None  # noqa: E741  # smallest number of distinct values in a class; None: no row has a value
    t: float | None  # largest distance of a class's distribution from the table's
    n_homogeneous: int  # rows whose class shows one value only: knowing the class gives it
    share_homogeneous: float  # of the rows with a value

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distance": self.distance,
            "n_values": self.n_values,
            "n_missing": self.n_missing,
            "l": self.l,
            "t": None if self.t is None else float(self.t),
            "n_homogeneous": self.n_homogeneous,
            "share_homogeneous": float(self.share_homogeneous),
        }


def value_codes(column: pd.Series, ordered: bool) -> tuple[np.ndarray, int]:
    """(code of each row's value, -1 where missing; number of distinct values); ordered codes
    follow the values' numeric order."""
    codes, uniques = pd.factorize(column, sort=ordered, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), len(uniques)


def attribute_risk(
    classes: np.ndarray, n_classes: int, column: pd.Series, ordered: bool
) -> AttributeRisk:
    """l, t and homogeneous rows of `column` over the equivalence classes `classes` (a code
    0 .. n_classes - 1 per row)."""
    values, m = value_codes(column, ordered)
    known = values >= 0
    n = int(known.sum())
    distance = ORDERED if ordered else EQUAL
    if n == 0:
        return AttributeRisk(str(column.name), distance, 0, len(values), None, None, 0, 0.0)
    # the distinct (class, value) pairs present, class-major then value order, and their counts
    pairs, counts = np.unique(classes[known] * m + values[known], return_counts=True)
    pair_class, pair_value = pairs // m, pairs % m
    distinct = np.bincount(pair_class, minlength=n_classes)
    size = np.bincount(classes[known], minlength=n_classes)  # rows with a value, per class
    shown = distinct > 0
    table = np.bincount(values[known], minlength=m)
    if m == 1:
        numerator, scale = np.zeros(n_classes, dtype=np.int64), np.ones(n_classes, dtype=np.int64)
    elif ordered:
        numerator, scale = ordered_numerators(pair_class, pair_value, counts, size, table)
    else:
        numerator, scale = equal_numerators(pair_class, pair_value, counts, size, table)
    t = float(quotients(numerator[shown], scale[shown]).max())
    homogeneous = int(size[distinct == 1].sum())
    return AttributeRisk(
        name=str(column.name),
        distance=distance,
        n_values=m,
        n_missing=len(values) - n,
        l=int(distinct[shown].min()),
        t=t,
        n_homogeneous=homogeneous,
        share_homogeneous=homogeneous / n,
    )


def _integers(bound: int) -> Any:
    """int64 when every intermediate sum stays below `bound`, else Python integers."""
    return np.int64 if bound < INT64_LIMIT else object


def equal_numerators(
    pair_class: np.ndarray, pair_value: np.ndarray, counts: np.ndarray, size: np.ndarray,
    table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Per class (numerator, denominator) of 1/2 sum_v |q_v - p_v| in integers.

    With q_v = c_v / s and p_v = N_v / n: sum_v |c_v n - N_v s| / (2 s n), where a value absent
    from the class adds N_v s, so the sum is s n + sum over present values of
    (|c_v n - N_v s| - N_v s).
    """
    n = int(table.sum())
    kind = _integers(4 * n * n)
    s, total = size.astype(kind), table.astype(kind)
    own, whole = counts.astype(kind) * n, total[pair_value] * s[pair_class]
    terms = np.abs(own - whole) - whole
    heads = np.flatnonzero(np.diff(pair_class, prepend=-1))
    numerator = s * n + _sum_by(heads, terms, pair_class[heads], len(size), kind)
    return numerator, 2 * s * n


def ordered_numerators(
    pair_class: np.ndarray, pair_value: np.ndarray, counts: np.ndarray, size: np.ndarray,
    table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Per class (numerator, denominator) of (1/(m-1)) sum_i |F_c(i) - P(i)| in integers.

    With F_c(i) = a / s (a: the class's rows with a value <= i) and P(i) = C(i) / n, each term is
    |a n - C(i) s| / (s n). F_c is constant between two values the class shows, and C increases,
    so on such a run [start, end) the terms change sign once, at the first i with C(i) s >= a n,
    and the run sums in closed form through the prefix sums SC of C. Before the class's first
    value, F_c = 0 and the terms sum to s SC(first).
    """
    n, m = int(table.sum()), len(table)
    n_classes = len(size)
    kind = _integers(4 * n * n * m)
    cumulative = np.cumsum(table).astype(kind)  # C(i)
    prefix = np.concatenate([np.zeros(1, dtype=kind), np.cumsum(cumulative)])  # SC(x)
    first = np.ones(len(pair_class), dtype=bool)  # the first (lowest) value of each class
    first[1:] = pair_class[1:] != pair_class[:-1]
    heads = np.flatnonzero(first)
    start = pair_value
    end = np.append(pair_value[1:], m)
    end[heads[1:] - 1] = m  # a class's last value runs to the end of the table's values
    # a: the class's rows with a value <= this one (a running count restarted at each class)
    running = np.cumsum(counts)
    a = (running - (running - counts)[heads][np.cumsum(first) - 1]).astype(kind)
    s = size.astype(kind)[pair_class]
    target = a * n
    threshold = np.asarray(-((-target) // s), dtype=np.int64)  # C(i) s >= a n <=> C(i) >= it
    cross = np.searchsorted(np.asarray(cumulative, dtype=np.int64), threshold, side="left")
    cross = np.clip(cross, start, end)
    runs = (
        target * (cross - start) - s * (prefix[cross] - prefix[start])
        + s * (prefix[end] - prefix[cross]) - target * (end - cross)
    )  # fmt: skip
    numerator = _sum_by(heads, runs, pair_class[heads], n_classes, kind)
    numerator[pair_class[heads]] += s[heads] * prefix[start[heads]]
    return numerator, size.astype(kind) * n * (m - 1)


def _sum_by(
    heads: np.ndarray, terms: np.ndarray, groups: np.ndarray, n_groups: int, kind: Any
) -> np.ndarray:
    """Exact integer sums of the runs of `terms` that start at `heads`, placed at `groups`."""
    out = np.zeros(n_groups, dtype=kind)
    out[groups] = np.add.reduceat(terms, heads)
    return out


def quotients(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, each correctly rounded (floats hold integers below 2**53)."""
    if numerator.dtype == np.int64 and int(denominator.max(initial=0)) < 2**53:
        return numerator.astype(float) / denominator.astype(float)
    return np.array([int(a) / int(b) for a, b in zip(numerator, denominator, strict=True)])
