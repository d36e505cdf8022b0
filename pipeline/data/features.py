"""Column roles and the prepared table: what the features stage turns the raw table into.

Sensitive attributes stay in both splits for the audits but are not model inputs unless
`features.include_sensitive` is set. Binary targets become 0/1 with 1 the positive label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline.config import DatasetConfig
from pipeline.data.split import SplitConfig, split
from pipeline.errors import ConfigError, DataValidationError
from pipeline.schema import Schema, binary_labels, is_categorical, resolve_task, sorted_labels
from pipeline.tasks import Label


@dataclass(frozen=True)
class FeaturesConfig:
    include_sensitive: bool  # sensitive attributes are model inputs too
    drop: tuple[str, ...]  # columns that are never inputs
    categorical: tuple[str, ...]  # numeric columns to treat as categories
    min_frequency: int  # rarer categories are grouped by the one-hot encoder
    scale: bool  # standardise numeric inputs


def build_schema(frame: pd.DataFrame, dataset: DatasetConfig, features: FeaturesConfig) -> Schema:
    """Roles of the columns of `frame` (which must already have a target for every row)."""
    for key, names in (
        ("features.drop", features.drop),
        ("features.categorical", features.categorical),
    ):
        for name in names:
            if name not in frame.columns:
                raise ConfigError(f"{key} names '{name}', which is not a column of the data")
    excluded = {dataset.target, *features.drop}
    if not features.include_sensitive:
        excluded |= set(dataset.sensitive)
    inputs = [c for c in frame.columns if c not in excluded]
    if not inputs:
        raise DataValidationError("no feature columns are left; check features.drop")
    categorical = [c for c in inputs if c in features.categorical or is_categorical(frame[c])]
    numeric = [c for c in inputs if c not in categorical]
    task = resolve_task(frame[dataset.target], dataset.task)
    labels: tuple[Label, ...]
    classes: tuple[Label, ...]
    if task == "binary":
        labels = binary_labels(frame[dataset.target], dataset.positive_label)
        classes = (0, 1)
    elif task == "multiclass":
        labels = classes = tuple(sorted_labels(frame[dataset.target].dropna().unique().tolist()))
    else:
        labels = classes = ()
    return Schema(
        task=task,
        target=dataset.target,
        numeric=tuple(numeric),
        categorical=tuple(categorical),
        sensitive=tuple(dataset.sensitive),
        classes=tuple(_plain(c) for c in classes),
        labels=tuple(_plain(v) for v in labels),
    )


def _plain(value: Any) -> Label:
    """A numpy scalar as the Python value it holds (JSON and equality need plain values)."""
    return value.item() if hasattr(value, "item") else value


def prepare(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Keep the columns the later stages need; categorical as text; binary target as 0/1."""
    columns = [*schema.features, *[s for s in schema.sensitive if s not in schema.features]]
    out = frame[[*columns, schema.target]].copy()
    for column in schema.categorical:
        out[column] = out[column].astype("str").where(out[column].notna())
    if schema.task == "binary":
        positive = schema.labels[1]
        out[schema.target] = (out[schema.target] == positive).astype("int64")
    return out.reset_index(drop=True)


def build_features(
    frame: pd.DataFrame,
    dataset: DatasetConfig,
    features: FeaturesConfig,
    split_config: SplitConfig,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame, Schema]:
    """Drop rows without a target, assign roles, split. Returns (train, test, schema)."""
    frame = frame[frame[dataset.target].notna()]
    schema = build_schema(frame, dataset, features)
    train, test = split(prepare(frame, schema), schema, split_config, seed)
    return train, test, schema
