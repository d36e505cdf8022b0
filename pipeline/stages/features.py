"""Stage `features`: decide each column's role and make the train/test split: seeded and
stratified, or the source's own partition (`dataset.official_split`, recorded by ingest)."""

from __future__ import annotations

import pandas as pd

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig, build_features
from pipeline.data.provenance import Provenance
from pipeline.data.split import SplitConfig, describe
from pipeline.errors import run_stage
from pipeline.io import read_json, write_parquet
from pipeline.schema import write_schema


def main() -> None:
    config = load_config()
    frame = pd.read_parquet(config.paths.raw)
    features = config.section(FeaturesConfig, "features")
    split = config.section(SplitConfig, "split")
    partition = None
    if config.dataset.official_split:
        partition = Provenance.from_json(read_json(config.paths.provenance)).partition
    train, test, schema = build_features(
        frame, config.dataset, features, split, config.seed, partition
    )
    write_parquet(config.paths.train, train)
    write_parquet(config.paths.test, test)
    write_schema(config.paths.schema, schema)
    print(
        f"features: {schema.task}; {len(schema.numeric)} numeric, {len(schema.categorical)} "
        f"categorical; {describe(split, config.dataset.official_split, schema.task)}: "
        f"train {len(train)} rows, test {len(test)} rows"
    )


if __name__ == "__main__":
    run_stage(main)
