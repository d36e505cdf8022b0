"""Missing-value markers that would swallow real categories of a sensitive attribute: `NA` is
Namibia, `null` may be a group's name. Counted on the raw text, reported as warnings."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def swallowed(raw: pd.DataFrame, tokens: Sequence[str]) -> dict[tuple[str, str], int]:
    """(column, token) -> cells of `raw` (read as text, unfiltered) equal to a non-empty token."""
    counts = {}
    for column in raw.columns:
        values = raw[column].value_counts()
        for token in dict.fromkeys(tokens):
            if token and token in values.index:
                counts[(str(column), token)] = int(values[token])
    return counts


def swallowed_warnings(counts: dict[tuple[str, str], int]) -> list[str]:
    """One warning per column and token, naming the count and the fix."""
    return [
        f"sensitive column {column!r}: {count} {'cell' if count == 1 else 'cells'} {token!r} "
        f"read as missing by dataset.na_values; if {token!r} is a category, remove it from "
        "dataset.na_values"
        for (column, token), count in sorted(counts.items())
    ]
