"""The privacy-utility and privacy-fairness trade-off: the configured model fitted on a private
synthetic training table at each epsilon, and on the real rows, each judged on the real test split
by accuracy and by the fairness audit (disparities and per-group accuracy, with intervals)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from pipeline.data.features import FeaturesConfig
from pipeline.dp.config import DpConfig
from pipeline.dp.result import DISPARITIES, DpResult, DpRun
from pipeline.dp.summary import summarise
from pipeline.dp.synthesize import synthesize
from pipeline.errors import ConfigError
from pipeline.fairness.audit import audit
from pipeline.fairness.config import FairnessConfig
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.predictions import Predictions
from pipeline.progress import working
from pipeline.schema import Schema

MECHANISM = (
    "OpenDP 0.16 MST (McKenna, Miklau and Sheldon 2021): Laplace-noised one- and two-way "
    "marginals, a graphical model fitted to them, synthetic rows sampled from it"
)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray, level: float) -> dict[str, Any]:
    """Test accuracy with its exact (Clopper-Pearson) binomial interval over the test rows."""
    correct = int(np.sum(y_true == y_pred))
    interval = binomtest(correct, len(y_true)).proportion_ci(level, method="exact")
    return {"value": correct / len(y_true), "interval": [interval.low, interval.high]}


def audited(predictions: Predictions, schema: Schema, settings: FairnessConfig, seed: int) -> list:
    """Each audit's disparities (by the audit's own method) and per-group accuracy."""
    found = []
    for one in audit(predictions, schema, settings, seed).audits:
        comparison = one.comparison
        table = comparison.disparities[comparison.method]
        disparities = {name: table[name].to_json() for name in DISPARITIES if name in table}
        groups = [
            {"label": row.label, "count": row.count, "eligible": row.eligible,
             "accuracy": row.metrics["accuracy_score"].to_json()}
            for row in comparison.groups
        ]  # fmt: skip
        found.append({"name": one.name, "disparities": disparities, "groups": groups})
    return found


def judged(
    y_pred: np.ndarray,
    test: pd.DataFrame,
    schema: Schema,
    settings: FairnessConfig,
    seed: int,
) -> tuple[dict[str, Any], list]:
    """(accuracy, audits) of predictions on the test split."""
    y_true = test[schema.target].to_numpy()
    predictions = Predictions(y_true, y_pred, None, test[list(schema.sensitive)])
    return accuracy(y_true, y_pred, settings.ci_level), audited(predictions, schema, settings, seed)


@dataclass(frozen=True)
class Inputs:
    """What every release is fitted and judged with."""

    train: pd.DataFrame
    test: pd.DataFrame
    schema: Schema
    cuts: Mapping[str, Sequence[float]] | None  # dataset.dp_cuts
    features: FeaturesConfig
    model: ModelConfig
    fairness: FairnessConfig  # with the dp section's bootstrap
    settings: DpConfig
    seed: int


def private_run(inputs: Inputs, epsilon: float, release: int) -> DpRun:
    """One release at `epsilon`, the model fitted on it, judged on the test split."""
    schema, settings = inputs.schema, inputs.settings
    with working(f"dp: release {release + 1} at epsilon {epsilon:g}"):
        synthetic = synthesize(
            inputs.train, schema, inputs.cuts, epsilon, settings.delta, inputs.seed + release
        )
    frame = synthetic.frame
    if frame[schema.target].nunique() < 2:
        raise ConfigError(
            f"the synthetic table at epsilon {epsilon:g} holds one class only, nothing to fit; "
            "raise the smallest of dp.epsilons"
        )
    with working(f"dp: fitting {inputs.model.name} on {len(frame):,} synthetic rows"):
        fitted = train(frame, schema, inputs.features, inputs.model)
    y_pred = np.asarray(fitted.predict(inputs.test[schema.features]))
    missing = int(frame[schema.features].isna().to_numpy().sum())
    accuracy_, audits = judged(y_pred, inputs.test, schema, inputs.fairness, inputs.seed)
    return DpRun(
        epsilon, len(frame), synthetic.rows_without_target, missing, accuracy_, audits, release
    )


def sweep(inputs: Inputs, real_predictions: np.ndarray) -> DpResult:
    """The real model's row (its predictions given), then per epsilon the mean over its
    releases."""
    schema, settings = inputs.schema, inputs.settings
    if schema.task not in ("binary", "multiclass"):
        raise ConfigError(
            f"dp.epsilons applies to classification; this dataset's task is {schema.task}; set "
            "dp.epsilons=[]"
        )
    fairness = replace(inputs.fairness, n_boot=settings.n_boot, ci_level=settings.ci_level)
    inputs = replace(inputs, fairness=fairness)
    real = judged(real_predictions, inputs.test, schema, fairness, inputs.seed)
    runs = [DpRun(None, len(inputs.train), 0, 0, *real)]
    releases = []
    for epsilon in settings.epsilons:
        found = [private_run(inputs, epsilon, release) for release in range(settings.releases)]
        releases += found
        runs.append(summarise(found, settings.ci_level))
    guarantee = {
        "epsilons": list(settings.epsilons),
        "releases": settings.releases,
        "delta": settings.delta,
        "unit": "one row of the training split",
        "mechanism": MECHANISM,
        "public": "numeric bin edges (dataset.dp_cuts) and the target's classes",
    }
    status = f"{len(releases)} private releases, {settings.releases} per epsilon"
    return DpResult(status, guarantee, runs, releases)
