"""Stage `evaluate`: metrics with bootstrap intervals, the baselines on the same test rows, curve
data for `dvc plots`, test-set predictions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig
from pipeline.data.sample import sample_rows
from pipeline.errors import run_stage
from pipeline.io import read_pickle, write_csv, write_json
from pipeline.models.baselines import fit_baselines
from pipeline.models.evaluation import evaluate
from pipeline.models.result import EvaluateConfig
from pipeline.models.threads import cores
from pipeline.progress import working
from pipeline.schema import read_schema

HEADLINE = ("accuracy", "roc_auc", "r2")


def main() -> None:
    config = load_config()
    settings = config.section(EvaluateConfig, "evaluate")
    features = config.section(FeaturesConfig, "features")
    schema = read_schema(config.paths.schema)
    model = read_pickle(config.paths.model)
    # the baselines are fitted, and the train/ metrics scored, on at most train_rows of the split
    train = sample_rows(pd.read_parquet(config.paths.train), settings.train_rows, config.seed)
    test = pd.read_parquet(config.paths.test)
    with cores(config.n_jobs), working(f"evaluate: fitting the baselines on {len(train):,} rows"):
        baselines = fit_baselines(train, schema, features, settings.baselines, config.seed)
    what = f"evaluate: scoring {len(test):,} test rows, {settings.n_boot} bootstrap replicates"
    with working(what):
        result = evaluate(model, baselines, train, test, schema, settings, config.seed,
                          config.n_jobs)  # fmt: skip
    plot_dir = Path(config.paths.evaluate_plots)
    for name, frame in result.plots.items():
        write_csv(plot_dir / name, frame)
    result.predictions.write(config.paths.predictions)
    write_json(config.paths.baselines, result.baselines.to_json())
    write_json(config.paths.metrics, result.metrics.to_json())
    shown = []
    for name in HEADLINE:
        if (value := result.metrics.value("test", name)) is None:
            continue
        bounds = result.metrics.interval("test", name)
        within = f" [{bounds[0]:.4f}, {bounds[1]:.4f}]" if bounds and None not in bounds else ""
        shown.append(f"test/{name} {value:.4f}{within}")
    print("evaluate: " + ", ".join(shown))
    if result.left_out:  # the same reason for each: the model has no probabilities
        reason = next(iter(result.left_out.values()))
        print(f"evaluate: left out: {', '.join(result.left_out)}: {reason}")


if __name__ == "__main__":
    run_stage(main)
