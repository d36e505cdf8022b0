"""Stage `train`: one scikit-learn Pipeline (preprocessing + estimator) fitted on train only."""

from __future__ import annotations

import pandas as pd

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig
from pipeline.errors import run_stage
from pipeline.io import write_pickle
from pipeline.models.build import train
from pipeline.models.config import read_model
from pipeline.models.threads import canonical, cores
from pipeline.progress import working
from pipeline.schema import read_schema


def main() -> None:
    config = load_config()
    features = config.section(FeaturesConfig, "features")
    model = read_model(config)
    schema = read_schema(config.paths.schema)
    frame = pd.read_parquet(config.paths.train)
    with cores(config.n_jobs), working(f"train: fitting {model.name} on {len(frame):,} rows"):
        fitted = train(frame, schema, features, model)
    write_pickle(config.paths.model, canonical(fitted))
    print(f"train: {model.name} fitted on {len(frame)} rows")


if __name__ == "__main__":
    run_stage(main)
