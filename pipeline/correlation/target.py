"""The features ranked by their association with the target, with Benjamini-Hochberg q-values
over the features and each one's leakage score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.correlation.pairs import q_values
from pipeline.correlation.rows import TargetAssociation
from pipeline.correlation.sections import Strongest
from pipeline.schema import Schema

TARGET_FIELDS = [
    "rank", "feature", "kind", "strength_measure", "strength", "p_value", "q_value",
    "mutual_info", "mutual_info_r", "leakage_score", "leakage_measure", "n",
]  # fmt: skip


def target_associations(table: pd.DataFrame, schema: Schema, scores: pd.DataFrame) -> pd.DataFrame:
    """Each feature's association with the target, strongest first, with BH q-values and the
    leakage score."""
    features = set(schema.features)
    rows = table[(table["b"] == schema.target) & table["a"].isin(features)].copy()
    rows = rows.rename(columns={"a": "feature"})
    rows["q_value"] = q_values(rows["p_value"])
    rows = rows.merge(scores, on="feature", how="left", validate="one_to_one")
    rows = rows.sort_values(["strength", "feature"], ascending=[False, True], na_position="last")
    rows.insert(0, "rank", np.arange(1, len(rows) + 1))
    return rows[TARGET_FIELDS].reset_index(drop=True)


def ranked(target: pd.DataFrame) -> tuple[TargetAssociation, ...]:
    """The rows of `target_associations` as typed records."""
    return tuple(TargetAssociation.from_json(row) for row in target.to_dict(orient="records"))


def strongest(target: pd.DataFrame) -> Strongest | None:
    """The first-ranked feature, unless no feature's strength is defined."""
    if not (len(target) and pd.notna(target["strength"].iloc[0])):
        return None
    top = target.iloc[0]
    return Strongest(
        feature=str(top["feature"]),
        measure=str(top["strength_measure"]),
        strength=float(top["strength"]),
    )
