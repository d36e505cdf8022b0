"""Text values that differ only in case or surrounding spaces (`yes`, ` yes`, `Yes `, `YES`):
one label spelt several ways, which would silently become several classes or groups."""

from __future__ import annotations

import pandas as pd

from pipeline.config import DatasetConfig
from pipeline.data.findings import Finding
from pipeline.data.normalise_text import spelling_key
from pipeline.schema import is_categorical

FIX = "set dataset.normalise_text=true, or fix the source"
SHOWN = 3  # groups of variants quoted in a message


def spelling_variants(values: pd.Series) -> list[list[str]]:
    """Groups of distinct text values equal after strip + casefold, each sorted, largest first.

    Only text values take part: in a column that mixes types, numbers are left alone.
    """
    if not is_categorical(values) or pd.api.types.is_bool_dtype(values):
        return []
    distinct = pd.Series(values.dropna().unique())
    distinct = distinct[distinct.map(lambda v: isinstance(v, str))]
    if distinct.empty:
        return []
    keys = distinct.map(spelling_key)
    groups = [
        sorted(group.tolist()) for _, group in distinct.groupby(keys.to_numpy()) if len(group) > 1
    ]
    return sorted(groups, key=lambda g: (-len(g), g))


def describe(groups: list[list[str]]) -> str:
    """'yes', ' yes', 'YES' and 'no', 'No' (and 2 more groups)."""
    shown = [", ".join(repr(v) for v in group) for group in groups[:SHOWN]]
    more = f" (and {len(groups) - SHOWN} more groups)" if len(groups) > SHOWN else ""
    return "; ".join(shown) + more


def check_spelling(
    frame: pd.DataFrame, dataset: DatasetConfig
) -> tuple[list[Finding], list[Finding]]:
    """(errors, warnings) for the columns other than the target (checked with it): variants in a
    sensitive column are errors, as they would split its groups; in a feature, warnings."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    for column in frame.columns:
        if column == dataset.target:
            continue
        groups = spelling_variants(frame[column])
        if not groups:
            continue
        if column in dataset.sensitive:
            errors.append(
                Finding(
                    "spelling",
                    f"sensitive column '{column}' has values that differ only in case or spaces "
                    f"and would count as different groups: {describe(groups)}; {FIX}",
                    str(column),
                )
            )
        else:
            warnings.append(
                Finding(
                    "spelling",
                    "values that differ only in case or spaces are different categories: "
                    f"{describe(groups)}; {FIX}",
                    str(column),
                )
            )
    return errors, warnings
