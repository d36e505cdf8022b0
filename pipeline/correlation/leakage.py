"""Near-copies: columns almost identical to the target (target leakage), and pairs of features
that nearly determine each other (redundancy).

Imported by the validate stage on the raw table, so it imports nothing that formats the report's
prose, tables or figures: editing those must not re-run validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.correlation.columns import Column, encode
from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.pairs import association_table
from pipeline.correlation.rows import Leak, RedundantPair
from pipeline.schema import Schema

LEAKAGE_MEASURES = ("pearson", "spearman", "eta", "cramers_v")
LEAKAGE_FIELDS = ("pearson", "spearman", "eta", "cramers_v_corrected")


def leakage_score(row: pd.Series | Mapping[str, Any]) -> tuple[float, str | None]:
    """The largest |coefficient| of a pair among Pearson, Spearman, eta and corrected V, and its
    name; (NaN, None) when none is defined."""
    best: tuple[float, str | None] = (float("nan"), None)
    for field in LEAKAGE_FIELDS:
        value = abs(row[field])
        if pd.notna(value) and not value <= best[0]:
            best = (float(value), field)
    return best


def leak_record(column: str, target: str, measure: str, value: float, threshold: float) -> Leak:
    """A leak and its warning, which names the column, the coefficient and what to do."""
    message = (
        f"TARGET LEAKAGE? '{column}' is almost a copy of the target '{target}' "
        f"({measure} = {value:.4f} >= correlation.leakage_threshold = {threshold}); a column that "
        "reveals the outcome will not exist when the model is used: drop it (features.drop) "
        "unless it truly is known before the outcome"
    )
    return Leak(column=column, measure=measure, value=float(value), message=message)


def leakage_scores(columns: dict[str, Column], target: str) -> pd.DataFrame:
    """Each column's leakage score with `target`: its largest |coefficient| among Pearson,
    Spearman, eta and corrected V, whatever `correlation.measures` says."""
    pairs = [(name, target) for name in columns if name != target]
    table = association_table(columns, LEAKAGE_MEASURES, pairs)
    scores = [leakage_score(row) for _, row in table.iterrows()]
    return pd.DataFrame(
        {
            "feature": table["a"],
            "leakage_score": [value for value, _ in scores],
            "leakage_measure": [measure for _, measure in scores],
        }
    )


def leaks(scores: pd.DataFrame, target: str, threshold: float) -> tuple[Leak, ...]:
    """The columns whose leakage score reaches `threshold`, strongest first."""
    found = scores[scores["leakage_score"] >= threshold]
    found = found.sort_values(["leakage_score", "feature"], ascending=[False, True])
    return tuple(
        leak_record(row.feature, target, row.leakage_measure, row.leakage_score, threshold)
        for row in found.itertuples()
    )


def find_leakage(
    frame: pd.DataFrame, target: str, task: str, config: CorrelationConfig
) -> list[dict[str, Any]]:
    """Columns of `frame` whose association with `target` reaches the leakage threshold, as
    {column, measure, value, message}.

    Pure and fast enough for the raw table in the validate stage: one pass per column.
    """
    columns = encode(
        frame,
        [target] if task != "regression" else [],
        max_levels=config.max_levels,
        bins=None,
    )
    found = leaks(leakage_scores(columns, target), target, config.leakage_threshold)
    return [leak.to_json() for leak in found]


def redundant_features(
    table: pd.DataFrame, schema: Schema, threshold: float
) -> tuple[RedundantPair, ...]:
    """Pairs of features that nearly determine each other (such as a label and its numeric
    code): one of them adds nothing for a model, and importances get split between them."""
    features = set(schema.features)
    pairs = table[table["a"].isin(features) & table["b"].isin(features)]
    return tuple(
        RedundantPair(a=row["a"], b=row["b"], measure=measure, value=value)
        for _, row in pairs.iterrows()
        for value, measure in [leakage_score(row)]
        if value >= threshold and measure is not None  # a score has a measure when defined
    )
