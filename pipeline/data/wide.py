"""Checks that stay fast and short on tables of hundreds of columns, such as an image's pixels.

Column counts come from one pass per column (a bincount for small integers); constant and
near-constant columns are one warning, not one per column; any other check that warns about more
than MAX_LISTED columns is summarised in one warning naming a few of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.data.findings import Finding

NEAR_CONSTANT_SHARE = 0.99  # a column whose most frequent value holds this share is near-constant
MAX_LISTED = 5  # columns a check lists by name before it is summarised
BINCOUNT_RANGE = 1 << 20  # integer columns within this range are counted with np.bincount


@dataclass(frozen=True)
class Counts:
    """A column's distinct values and the rows of its most frequent one (missing values aside)."""

    unique: int
    top: int
    present: int


def column_counts(values: pd.Series) -> Counts:
    """Distinct values and the most frequent one's rows: a bincount for integer columns of a small
    range (pixels), runs of the sorted values for floats (a hash table of ten million floats is
    twice as slow), pandas' value counts otherwise."""
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf":
        array = values.to_numpy()
        if values.dtype.kind == "f":
            array = array[~np.isnan(array)]
        if len(array) == 0:
            return Counts(0, 0, 0)
        if values.dtype.kind != "f":
            low = array.min()
            if int(array.max()) - int(low) < BINCOUNT_RANGE:
                counts = np.bincount((array - low).astype(np.intp), minlength=1)
                return Counts(int(np.count_nonzero(counts)), int(counts.max()), len(array))
        ordered = np.sort(array)
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # -0.0 == 0.0
        runs = np.diff(np.r_[starts, len(ordered)])
        return Counts(len(starts), int(runs.max()), len(array))
    counts = values.value_counts(dropna=True, sort=False)
    top = int(counts.max()) if len(counts) else 0
    return Counts(len(counts), top, int(counts.sum()))


def duplicate_fraction(frame: pd.DataFrame) -> float:
    """The share of rows that repeat an earlier row exactly (`DataFrame.duplicated`): by sorting
    the rows' bytes when every column is a plain integer (pixels and their label); otherwise
    `DataFrame.duplicated` on only the rows whose 64-bit hash repeats (8x faster on ten million
    rows), as equal rows have equal hashes (pandas hashes -0.0 as 0.0 and every NaN alike)."""
    if len(frame) == 0:
        return 0.0
    integers = all(isinstance(dtype, np.dtype) and dtype.kind in "iub" for dtype in frame.dtypes)
    if not integers or frame.shape[1] == 0:
        hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        ordered = np.sort(hashes)
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        candidates = frame[np.isin(hashes, repeated)]
        return float(candidates.duplicated().sum()) / len(frame)
    blocks = [
        np.ascontiguousarray(frame[column].to_numpy()).view(np.uint8).reshape(len(frame), -1)
        for column in frame.columns
    ]
    rows = np.ascontiguousarray(np.hstack(blocks))
    keys = rows.view(np.dtype((np.void, rows.shape[1]))).ravel()
    return (len(frame) - len(np.unique(keys))) / len(frame)


def listed(names: Sequence[str]) -> str:
    """A few names, and how many more."""
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return ", ".join(f"'{n}'" for n in names[:MAX_LISTED]) + more


def constant_findings(counts: dict[str, Counts], target: str) -> list[Finding]:
    """Warnings about the constant and near-constant columns: one per column up to MAX_LISTED of
    them, beyond that one warning that counts them and names a few."""
    constant = [c for c, k in counts.items() if c != target and k.unique <= 1]
    near = [
        c
        for c, k in counts.items()
        if c != target and k.unique > 1 and k.top >= NEAR_CONSTANT_SHARE * k.present
    ]
    rule = f"one value in at least {NEAR_CONSTANT_SHARE:.0%} of its rows"
    if len(constant) + len(near) <= MAX_LISTED:
        return [Finding("constant", "the column has a single value", c) for c in constant] + [
            Finding("constant", f"{rule} ({counts[c].top / counts[c].present:.2%})", c)
            for c in near
        ]
    parts = []
    if constant:
        parts.append(f"{len(constant)} columns have a single value ({listed(constant)})")
    if near:
        parts.append(
            f"{len(near)} {'' if constant else 'columns '}have one value in at least "
            f"{NEAR_CONSTANT_SHARE:.0%} of their rows ({listed(near)})"
        )
    message = (
        " and ".join(parts) + ": they carry little or no information; a model can ignore them, "
        "or drop them with features.drop"
    )
    return [Finding("constant", message)]


def summarise(findings: list[Finding]) -> list[Finding]:
    """`findings` with each check that names more than MAX_LISTED columns replaced, where its first
    one was, by one finding that counts them, names a few and quotes the first."""
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.column is not None:
            by_check.setdefault(finding.check, []).append(finding)
    crowded = {check for check, found in by_check.items() if len(found) > MAX_LISTED}
    out = []
    for finding in findings:
        if finding.check not in crowded or finding.column is None:
            out.append(finding)
            continue
        found = by_check[finding.check]
        if finding is found[0]:
            names = [str(f.column) for f in found]
            message = (
                f"{len(found)} columns ({listed(names)}); the first, '{names[0]}': "
                f"{finding.message}"
            )
            out.append(Finding(finding.check, message))
    return out
