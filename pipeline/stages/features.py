"""Stage `features`: decide each column's role and make the seeded, stratified train/test split.

Sensitive attributes stay in both splits for the audits but are not model inputs unless
`features.include_sensitive` is set. Binary targets become 0/1 with 1 the positive label.
"""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import train_test_split

from pipeline.config import DatasetConfig, FeaturesConfig, SplitConfig, load_config
from pipeline.errors import ConfigError, DataValidationError, run_stage
from pipeline.io import write_parquet
from pipeline.schema import Schema, binary_labels, resolve_task, write_schema


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
    categorical = [
        c for c in inputs
        if c in features.categorical or not pd.api.types.is_numeric_dtype(frame[c])
        or pd.api.types.is_bool_dtype(frame[c])
    ]  # fmt: skip
    numeric = [c for c in inputs if c not in categorical]
    task = resolve_task(frame[dataset.target], dataset.task)
    if task == "binary":
        labels = binary_labels(frame[dataset.target], dataset.positive_label)
        classes: tuple = (0, 1)
    elif task == "multiclass":
        labels = classes = tuple(sorted(frame[dataset.target].unique().tolist(), key=str))
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


def _plain(value):
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


def split(
    frame: pd.DataFrame, schema: Schema, config: SplitConfig, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    stratify = frame[schema.target] if config.stratify and schema.task != "regression" else None
    train, test = train_test_split(
        frame, test_size=config.test_size, random_state=seed, stratify=stratify
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


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


def main() -> None:
    config = load_config()
    frame = pd.read_parquet(config.paths.raw)
    train, test, schema = build_features(
        frame, config.dataset, config.features, config.split, config.seed
    )
    write_parquet(config.paths.train, train)
    write_parquet(config.paths.test, test)
    write_schema(config.paths.schema, schema)
    print(
        f"features: {schema.task}; {len(schema.numeric)} numeric, {len(schema.categorical)} "
        f"categorical; train {len(train)} rows, test {len(test)} rows"
    )


if __name__ == "__main__":
    run_stage(main)
