"""Stage `evaluate`: metrics for the task, curve data for `dvc plots`, test-set predictions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import load_config
from pipeline.errors import run_stage
from pipeline.io import read_pickle, write_csv, write_json
from pipeline.models.evaluation import evaluate
from pipeline.models.threads import cores
from pipeline.schema import read_schema

HEADLINE = ("test/accuracy", "test/roc_auc", "test/r2")


def main() -> None:
    config = load_config()
    schema = read_schema(config.paths.schema)
    model = read_pickle(config.paths.model)
    train = pd.read_parquet(config.paths.train)
    test = pd.read_parquet(config.paths.test)
    # one core: a forest sums its trees' votes in a fixed order only when not threaded
    with cores(1):
        metrics, predictions, plots = evaluate(model, train, test, schema)
    plot_dir = Path(config.paths.evaluate_plots)
    for name, frame in plots.items():
        write_csv(plot_dir / name, frame)
    predictions.write(config.paths.predictions)
    write_json(config.paths.metrics, metrics.to_json())
    shown = [f"{k} {metrics.values[k]:.4f}" for k in HEADLINE if k in metrics.values]
    print("evaluate: " + ", ".join(shown))


if __name__ == "__main__":
    run_stage(main)
