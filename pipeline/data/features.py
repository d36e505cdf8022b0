"""Column roles and the prepared table: what the features stage turns the raw table into.

Sensitive attributes stay in both splits for the audits but are not model inputs unless
`features.include_sensitive` is set. Binary targets become 0/1 with 1 the positive label. The split
is seeded, or the source's own partition when `dataset.official_split` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline.config import DatasetConfig
from pipeline.data.partition import Partition, required_partition
from pipeline.data.split import SplitConfig, split, split_by_mask
from pipeline.errors import ConfigError, DataValidationError
from pipeline.schema import Schema, binary_labels, is_categorical, resolve_task, sorted_labels
from pipeline.tasks import Label

# features.scale: each choice as the model card and datasheet say it; true and false as before
SCALINGS = {"standard": "standardised", "minmax": "scaled to [0, 1]", "none": "not scaled"}
BOOLEAN_SCALES = {True: "standard", False: "none"}


@dataclass(frozen=True)
class FeaturesConfig:
    include_sensitive: bool  # sensitive attributes are model inputs too
    drop: tuple[str, ...]  # columns that are never inputs
    categorical: tuple[str, ...]  # numeric columns to treat as categories
    min_frequency: int  # rarer categories are grouped by the one-hot encoder
    scale: str | bool  # numeric inputs: standard, minmax or none (true: standard, false: none)

    def __post_init__(self) -> None:
        self.scaling  # noqa: B018 (a wrong value stops where the config is read)

    @property
    def scaling(self) -> str:
        """The numeric scaling asked for: standard, minmax or none."""
        name = BOOLEAN_SCALES[self.scale] if isinstance(self.scale, bool) else self.scale
        if name not in SCALINGS:
            raise ConfigError(
                f"features.scale is {self.scale!r}; set features.scale to one of "
                f"{', '.join(SCALINGS)}"
            )
        return name


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
    partition: Partition | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, Schema]:
    """Drop rows without a target, assign roles, split. Returns (train, test, schema).

    With `dataset.official_split`, `partition` (the source's own, in the order of `frame`) decides
    each row's side: rows dropped for a missing target do not shift it.
    """
    is_test = None
    if dataset.official_split:
        is_test = required_partition(partition, dataset.name).test_mask(len(frame))
    keep = frame[dataset.target].notna()
    frame = frame[keep]
    schema = build_schema(frame, dataset, features)
    prepared = prepare(frame, schema)
    if is_test is None:
        train, test = split(prepared, schema, split_config, seed)
    else:
        train, test = split_by_mask(prepared, is_test[keep.to_numpy()])
    return train, test, schema
