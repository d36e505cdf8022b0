"""Stage `features`: decide each column's role and make the seeded, stratified train/test split."""

from __future__ import annotations

import pandas as pd

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig, build_features
from pipeline.data.split import SplitConfig
from pipeline.errors import run_stage
from pipeline.io import write_parquet
from pipeline.schema import write_schema


def main() -> None:
    config = load_config()
    frame = pd.read_parquet(config.paths.raw)
    features = config.section(FeaturesConfig, "features")
    split = config.section(SplitConfig, "split")
    train, test, schema = build_features(frame, config.dataset, features, split, config.seed)
    write_parquet(config.paths.train, train)
    write_parquet(config.paths.test, test)
    write_schema(config.paths.schema, schema)
    print(
        f"features: {schema.task}; {len(schema.numeric)} numeric, {len(schema.categorical)} "
        f"categorical; train {len(train)} rows, test {len(test)} rows"
    )


if __name__ == "__main__":
    run_stage(main)
