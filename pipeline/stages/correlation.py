"""Stage `correlation`: honest association statistics on the training split (pipeline/correlation/).

Every pairwise association, the features ranked against the target and against each sensitive
attribute (proxies), target leakage, partial correlations given `dataset.confounders`, and why
correlations arise by chance; written as reports/correlation.json, its metrics, CSV tables and
heatmaps, and the pool-drownings/Nicolas Cage series drawn. A wide table (hundreds of columns)
gets a bounded report: its pairs screened, the strongest listed, the rest counted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import load_config
from pipeline.correlation.analysis import correlate
from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.figures import write_figures
from pipeline.correlation.leakage import find_leakage
from pipeline.errors import run_stage
from pipeline.io import write_json
from pipeline.schema import read_schema

__all__ = ["CorrelationConfig", "find_leakage", "main"]  # the first two: until validate moves


def main() -> None:
    config = load_config()
    settings = config.section(CorrelationConfig, "correlation")
    schema = read_schema(config.paths.schema)
    frame = pd.read_parquet(config.paths.train)
    analysis = correlate(frame, schema, settings, config.dataset.confounders, config.seed)
    result = analysis.result
    folder = Path(config.paths.correlation_plots)
    analysis.tables.write(folder)
    write_figures(result.matrix, folder, settings.alpha, schema.target,
                  result.spurious.pool_drownings_and_nicolas_cage)  # fmt: skip
    write_json(config.paths.correlation, result.to_json())
    metrics = result.metrics()
    write_json(config.paths.correlation_metrics, metrics)
    for warning in result.warnings:
        print(f"correlation: WARNING: {warning}")
    top = result.strongest_target_association
    screened = result.screening
    pairs = f"{len(result.pairs)} pairs"
    if screened is not None:
        listed = f"the {len(result.pairs)} strongest listed"
        pairs = f"{screened.pairs} pairs ({screened.method}; {listed})"
    print(
        f"correlation: {pairs} on {len(frame)} training rows; "
        f"{metrics['correlation/n_proxies']} proxies flagged, "
        f"{metrics['correlation/n_leaks']} leaks"
        + (f"; strongest target association: {top.feature} {top.strength:.3f}" if top else "")
    )


if __name__ == "__main__":
    run_stage(main)
