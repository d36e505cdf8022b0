"""`dataset.normalise_text`: text values without surrounding whitespace, and one spelling per
value that differs only in case (the most frequent; ties: the first in sorted order)."""

from __future__ import annotations

import pandas as pd


def spelling_key(value: str) -> str:
    """What spellings of one value share: the text without surrounding whitespace, casefolded.
    Validation groups variants by it, so normalising merges exactly what validation reports."""
    return value.strip().casefold()


def spellings(values: pd.Series) -> dict[str, str]:
    """Each spelling of `values` (stripped text) -> the spelling its case-insensitive group uses."""
    counts = values.value_counts(dropna=True)
    groups: dict[str, list[tuple[int, str]]] = {}
    for spelling, count in counts.items():
        groups.setdefault(spelling_key(str(spelling)), []).append((-int(count), str(spelling)))
    mapping = {}
    for members in groups.values():
        chosen = min(members)[1]  # most frequent, then first in sorted order
        mapping.update({spelling: chosen for _, spelling in members})
    return mapping


def normalise_text(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """The frame with its text columns normalised, and how many values changed per column."""
    frame = frame.copy()
    changed = {}
    for column in frame.columns:
        if not pd.api.types.is_string_dtype(frame[column].dtype):
            continue
        before = frame[column]
        stripped = before.str.strip()
        after = stripped.map(spellings(stripped)).astype(before.dtype)
        present = before.notna()
        changed[str(column)] = int((before[present] != after[present]).sum())
        frame[column] = after
    return frame, changed
