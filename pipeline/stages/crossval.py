"""Stage `crossval`: repeated k-fold cross-validation of the configured model on the training
split; per-fold metrics to a CSV, their means and corrected t intervals to a DVC metrics file."""

from __future__ import annotations

import pandas as pd

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig
from pipeline.errors import run_stage
from pipeline.io import write_csv, write_json
from pipeline.models.config import read_model
from pipeline.models.crossval import CrossvalConfig, fold_metrics, summarize
from pipeline.models.result import CrossvalResult
from pipeline.schema import read_schema

HEADLINE = ("roc_auc", "accuracy", "r2")  # the first the task has is printed


def headline(result: CrossvalResult) -> str:
    """`crossval: 5 folds x 1 repeat, cv/roc_auc 0.9265 [0.9238, 0.9292]` (or why not)."""
    if result.folds == 0:
        return "crossval: off (crossval.folds is 0)"
    plural = "" if result.repeats == 1 else "s"
    shown = f"crossval: {result.folds} folds x {result.repeats} repeat{plural}"
    name = next(n for n in (*HEADLINE, *result.metrics) if n in result.metrics)
    summary = result.metrics[name]
    if summary.mean is not None:
        shown += f", cv/{name} {summary.mean:.4f}"
    if summary.low is not None and summary.high is not None:
        shown += f" [{summary.low:.4f}, {summary.high:.4f}]"
    note = result.note(name)
    return shown + (f" ({note})" if note else "")


def main() -> None:
    config = load_config()
    crossval = config.section(CrossvalConfig, "crossval")
    features = config.section(FeaturesConfig, "features")
    model = read_model(config)
    schema = read_schema(config.paths.schema)
    frame = pd.read_parquet(config.paths.train)
    table = fold_metrics(frame, schema, features, model, crossval, config.seed, config.n_jobs)
    result = summarize(table, crossval)
    write_csv(config.paths.crossval_folds, table)
    write_json(config.paths.crossval, result.to_json())
    print(headline(result))


if __name__ == "__main__":
    run_stage(main)
