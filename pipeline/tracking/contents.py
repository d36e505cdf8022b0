"""Everything one run logs, read from the project before the run opens.

The composed config as dotted params (secret-named ones masked, file paths left out), every metric
`dvc metrics show` prints, the reports and plots, params.yaml, dvc.lock and the dependency lock
file, the fitted model with the training split's feature columns for its signature, the train and
test splits as dataset inputs, and the tags that lead back to code and data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Config
from pipeline.io import read_pickle
from pipeline.models.config import read_model
from pipeline.schema import read_schema
from pipeline.tracking.artifacts import artifact_paths
from pipeline.tracking.bounds import bounded_metrics, bounded_params
from pipeline.tracking.config import TrackingConfig, dataset_label
from pipeline.tracking.datasets import Split
from pipeline.tracking.keys import legal_keys
from pipeline.tracking.model import logged_model_name
from pipeline.tracking.params import merge_metrics, numeric_metrics, run_params
from pipeline.tracking.provenance import read_provenance, run_name, run_tags
from pipeline.tracking.secrets import mask_params


@dataclass(frozen=True)
class RunContents:
    """Everything one run logs, read from the project before the run opens."""

    name: str  # the run's: `random_forest · adult`
    params: dict[str, str]
    metrics: dict[str, float]
    tags: dict[str, str]
    artifacts: list[Path]
    model: Any
    model_name: str  # the logged model's: as the run's, without characters MLflow refuses
    model_inputs: pd.DataFrame  # the training split's feature columns, for the signature
    splits: tuple[Split, ...]
    left_out: dict[str, int] = field(default_factory=dict)  # metrics beyond a family's bound
    renamed: dict[str, str] = field(default_factory=dict)  # key from data -> key MLflow accepts


def read_dvc() -> tuple[dict[str, Any], list[str], set[str]]:
    """(metrics as `dvc metrics show` prints them, metrics files, every stage output path)."""
    from dvc.repo import Repo

    with Repo() as repo:
        shown = repo.metrics.show(on_error="raise")
        root = Path(repo.root_dir)
        outs = {Path(out.fs_path).relative_to(root).as_posix() for out in repo.index.outs}
    revisions = list(shown.values())  # the workspace only
    workspace = revisions[0].get("data", {}) if revisions else {}
    files = {Path(name).as_posix(): entry.get("data", {}) for name, entry in workspace.items()}
    return merge_metrics(files), sorted(files), outs


def collect(config: Config, tracking: TrackingConfig) -> tuple[RunContents, list[str]]:
    """Read what the run logs from the project: (contents, names of metrics skipped)."""
    model = read_model(config)
    metrics, metrics_files, outputs = read_dvc()
    kept, skipped = numeric_metrics(metrics)
    kept, left_out = bounded_metrics(kept)
    kept, renamed = legal_keys(kept)
    params, renamed_params = legal_keys(bounded_params(mask_params(run_params(config.raw))))
    provenance = read_provenance(config.paths.provenance, outputs)
    schema = read_schema(config.paths.schema)
    train = pd.read_parquet(config.paths.train)
    test = pd.read_parquet(config.paths.test)
    dataset = dataset_label(config)
    splits = (
        Split(f"{dataset}-train", "training", config.paths.train, train),
        Split(f"{dataset}-test", "evaluation", config.paths.test, test),
    )
    contents = RunContents(
        name=run_name(model.name, dataset, provenance),
        params=params,
        metrics=kept,
        tags=run_tags(dataset, model.name, provenance),
        artifacts=artifact_paths(config, metrics_files, tracking.dependency_lock),
        model=read_pickle(config.paths.model),
        model_name=logged_model_name(model.name, dataset),
        model_inputs=train[schema.features],
        splits=splits,
        left_out=left_out,
        renamed=renamed | renamed_params,
    )
    return contents, skipped
