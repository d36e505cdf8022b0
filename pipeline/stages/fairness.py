"""Stage `fairness`: group metrics, disparities with bootstrap intervals, and pass/fail verdicts of
the test predictions, per sensitive attribute (pipeline/fairness/)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from pipeline.config import Config, load_config
from pipeline.errors import run_stage
from pipeline.fairness.audit import audit
from pipeline.fairness.config import FairnessConfig
from pipeline.fairness.figures import MITIGATION_FIGURE, audit_figure, mitigation_figure
from pipeline.fairness.headline import headline_metrics
from pipeline.fairness.mitigation import compare_mitigations, mitigation_skipped
from pipeline.fairness.mitigation_result import Mitigation
from pipeline.fairness.result import FIGURES, FairnessResult
from pipeline.fairness.tables import mitigation_table, plot_frames, verdict_table
from pipeline.io import read_pickle, write_csv, write_json
from pipeline.plots import save_figure
from pipeline.predictions import Predictions
from pipeline.progress import working
from pipeline.schema import Schema, read_schema
from pipeline.text import visible


def mitigate(config: Config, schema: Schema, settings: FairnessConfig) -> Mitigation:
    """The mitigation comparison; reads the model and both splits only when it applies."""
    skipped = mitigation_skipped(schema, settings)
    if skipped is not None:
        return skipped
    model = read_pickle(config.paths.model)
    train, test = pd.read_parquet(config.paths.train), pd.read_parquet(config.paths.test)
    return compare_mitigations(model, train, test, schema, settings, config.seed)


def write_plots(result: FairnessResult, folder: Path) -> None:
    """Per-group CSVs (for `dvc plots`) and, under figures/, one figure per audit, written to
    the file its result records."""
    write_csv(folder / "verdicts.csv", verdict_table(result))
    frames = plot_frames(result)
    for metric, frame in frames.items():
        write_csv(folder / f"{metric}.csv", frame.drop(columns=["audit", "overall"]))
    for found in result.audits:
        if (path := found.figure_path(folder)) is not None:
            save_figure(audit_figure(found.name, frames), path)
    table = mitigation_table(result)
    if len(table):
        write_csv(folder / "mitigation.csv", table)
        save_figure(mitigation_figure(table), folder / FIGURES / MITIGATION_FIGURE)


def main() -> None:
    config = load_config()
    settings = config.section(FairnessConfig, "fairness")
    schema = read_schema(config.paths.schema)
    predictions = Predictions.read(config.paths.predictions)
    rows = len(predictions.y_true)
    with working(f"fairness: auditing {rows:,} test rows, {settings.n_boot} bootstrap replicates"):
        result = audit(predictions, schema, settings, config.seed).with_figures()
    if settings.mitigation:
        result = replace(result, mitigation=mitigate(config, schema, settings))
    folder = Path(config.paths.fairness_plots)
    folder.mkdir(parents=True, exist_ok=True)
    write_plots(result, folder)
    write_json(config.paths.fairness, result.to_json())
    write_json(config.paths.fairness_metrics, headline_metrics(result.audits, result.task))
    warning = "warning: " if not result.audits else ""
    print(f"fairness: {warning}{visible(result.status)}")


if __name__ == "__main__":
    run_stage(main)
