"""Stage `privacy`: the re-identification risk of the training split by the dataset's
quasi-identifiers, and a membership inference attack on the model (pipeline/privacy/)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import load_config
from pipeline.errors import run_stage
from pipeline.fairness.config import FairnessConfig
from pipeline.io import read_pickle, write_json
from pipeline.models.threads import cores, thread_independent
from pipeline.plots import save_figure
from pipeline.privacy.assess import assess
from pipeline.privacy.config import PrivacyConfig
from pipeline.privacy.figures import FIGURE, privacy_figure
from pipeline.schema import read_schema
from pipeline.text import visible


def main() -> None:
    config = load_config()
    settings = config.section(PrivacyConfig, "privacy")
    bins = config.section(FairnessConfig, "fairness").bins
    schema = read_schema(config.paths.schema)
    train = pd.read_parquet(config.paths.train)
    model = test = None
    if settings.membership:
        model, test = read_pickle(config.paths.model), pd.read_parquet(config.paths.test)
    # n_jobs cores only where the predictions do not depend on the number of threads
    with cores(config.n_jobs if model is not None and thread_independent(model) else 1):
        result = assess(model, train, test, schema, config.dataset, settings, bins, config.seed)
    folder = Path(config.paths.privacy_plots)
    folder.mkdir(parents=True, exist_ok=True)
    figure = privacy_figure(result)
    if figure is not None:
        save_figure(figure, folder / FIGURE)
    write_json(config.paths.privacy, result.to_json())
    write_json(config.paths.privacy_metrics, result.metrics())
    for assessment in result.reidentification:
        facts = ", ".join(visible(q) for q in assessment["quasi_identifiers"])
        banded = " (banded)" if assessment["bands"] else ""
        print(f"privacy: k = {assessment['k']}, {assessment['share_unique']:.1%} of "
              f"{assessment['n_rows']} training rows unique by {facts}{banded}")  # fmt: skip
    if (attack := result.membership) is not None:
        auc = attack["auc"]
        interval = "" if auc["low"] is None else f" [{auc['low']:.3f}, {auc['high']:.3f}]"
        print(f"privacy: membership inference AUC {auc['value']:.3f}{interval} on "
              f"{attack['rows_per_side']} rows per side")  # fmt: skip
    for reason in result.not_assessed:
        print(f"privacy: not assessed: {reason}")


if __name__ == "__main__":
    run_stage(main)
