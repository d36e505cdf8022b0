"""Proxies: for each sensitive attribute, the features most associated with it, flagged at
`correlation.proxy_threshold` (a model can rebuild the attribute from them)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.correlation.pairs import q_values
from pipeline.correlation.rows import FlaggedProxy, Proxy
from pipeline.schema import Schema

PROXY_FIELDS = ["sensitive", "rank", "feature", "kind", "strength_measure", "strength", "p_value",
                "q_value", "mutual_info_r", "n", "flagged"]  # fmt: skip


def proxy_table(table: pd.DataFrame, schema: Schema, threshold: float) -> pd.DataFrame:
    """For each sensitive attribute, the features most associated with it; flagged at threshold.

    q-values are computed within each attribute's family of tests.
    """
    frames = []
    features = set(schema.features)
    for sensitive in schema.sensitive:
        mask = ((table["a"] == sensitive) & table["b"].isin(features)) | (
            (table["b"] == sensitive) & table["a"].isin(features)
        )
        rows = table[mask].copy()
        rows["feature"] = np.where(rows["a"] == sensitive, rows["b"], rows["a"])
        rows["sensitive"] = sensitive
        rows["q_value"] = q_values(rows["p_value"])
        rows["flagged"] = rows["strength"] >= threshold
        rows = rows.sort_values(["strength", "feature"], ascending=[False, True])
        rows["rank"] = np.arange(1, len(rows) + 1)
        frames.append(rows)
    if not frames:
        # boolean `flagged`, so that selecting the flagged rows of no rows keeps the columns
        return pd.DataFrame(columns=PROXY_FIELDS).astype({"flagged": bool})
    return pd.concat(frames, ignore_index=True)[PROXY_FIELDS]


def proxies_by_attribute(proxies: pd.DataFrame, schema: Schema) -> dict[str, tuple[Proxy, ...]]:
    """The proxy table's rows for each sensitive attribute, strongest first."""
    by_attribute = {}
    for sensitive in schema.sensitive:
        rows = proxies[proxies["sensitive"] == sensitive].drop(columns="sensitive")
        by_attribute[sensitive] = tuple(Proxy.from_json(row) for row in rows.to_dict("records"))
    return by_attribute


def flagged_proxies(proxies: pd.DataFrame) -> tuple[FlaggedProxy, ...]:
    """The features that reach the threshold, over every sensitive attribute."""
    flagged = proxies[proxies["flagged"]]
    columns = ["sensitive", "feature", "strength_measure", "strength"]
    return tuple(FlaggedProxy.from_json(row) for row in flagged[columns].to_dict(orient="records"))
