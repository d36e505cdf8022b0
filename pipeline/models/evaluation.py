"""The evaluate stage's result: metrics on both splits with bootstrap intervals on the test rows,
the baselines scored on the same rows, the test predictions and the plot data."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sklearn.pipeline import Pipeline

from pipeline.io import FLOAT_DIGITS
from pipeline.models.curves import curves
from pipeline.models.intervals import Answers, metric_jackknife, metric_replicates
from pipeline.models.metrics import defined_score, left_out
from pipeline.models.outputs import (
    BinaryOutputs,
    MulticlassOutputs,
    Outputs,
    model_outputs,
    predictions,
)
from pipeline.models.result import EvaluateConfig, Metrics, Value
from pipeline.models.threads import cores, thread_independent
from pipeline.predictions import Predictions
from pipeline.schema import Schema
from pipeline.stats.intervals import intervals, percentile_interval

SPLITS = ("test", "train")


@dataclass(frozen=True)
class Evaluation:
    """What the evaluate stage writes."""

    metrics: Metrics  # reports/metrics.json
    baselines: Metrics  # reports/baselines.json
    predictions: Predictions  # the test rows
    plots: dict[str, pd.DataFrame]  # file name -> plot data
    left_out: dict[str, str]  # metric -> why the model has none (no probabilities)


def answers(outputs: Outputs) -> Answers:
    """What the bootstrap needs of one model's outputs."""
    if isinstance(outputs, BinaryOutputs):
        return Answers(outputs.y_pred, y_score=outputs.y_score, probabilities=outputs.probabilities)
    if isinstance(outputs, MulticlassOutputs):
        return Answers(outputs.y_pred, proba=outputs.proba)
    return Answers(outputs.y_pred)


def to_scale(value: float, scale: float) -> float:
    """`value` rounded to FLOAT_DIGITS significant digits of `scale`. A difference of two metrics
    carries no more digits than the metrics: written to its own significant digits, the
    cancellation would show the last bits of the operands, which BLAS-fitted models leave to the
    CPU (two nearly equal models differ by 1e-9, with noise at 1e-17)."""
    if not (math.isfinite(value) and math.isfinite(scale)) or scale == 0.0:
        return value
    quantum = 10.0 ** (math.floor(math.log10(scale)) - FLOAT_DIGITS + 1)
    return round(value / quantum) * quantum


def _bounded(
    namespace: str, point: Mapping[str, float], bounds: Mapping[str, tuple[float, float]]
) -> dict[str, Value]:
    values: dict[str, Value] = {f"{namespace}/{k}": v for k, v in point.items()}
    for name, (low, high) in bounds.items():
        values[f"{namespace}/{name}_low"], values[f"{namespace}/{name}_high"] = low, high
    return values


def paired_scores(
    outputs: list[Outputs], schema: Schema, config: EvaluateConfig, seed: int
) -> list[tuple[dict[str, float], dict[str, tuple[float, float]], dict[str, tuple[float, float]]]]:
    """Per model (the first is the model, the others baselines): point metrics, their intervals,
    and the interval of the first model minus this one (empty for the first). Every model is
    resampled on the same rows (a paired bootstrap), so the differences keep their pairing."""
    points = [defined_score(o) for o in outputs]
    if config.n_boot == 0:
        return [(p, {}, {}) for p in points]
    first = outputs[0]
    classes = first.classes if isinstance(first, MulticlassOutputs) else None
    found = metric_replicates(first.y_true, [answers(o) for o in outputs], schema.task, classes,
                              config.n_boot, seed)  # fmt: skip
    result = []
    for j, (outs, point) in enumerate(zip(outputs, points, strict=True)):
        jackknife = None
        if config.ci_method == "bca":
            jackknife = metric_jackknife(outs.y_true, answers(outs), schema.task, classes)
        single = {name: values[:, j] for name, values in found.items() if name in point}
        bounds = intervals(point, single, config.ci_level, config.ci_method, jackknife)
        gaps: dict[str, tuple[float, float]] = {}
        if j:  # the model minus this baseline: percentile interval of the paired differences
            for name, values in found.items():
                if name not in point or name not in points[0]:
                    continue
                low, high, _ = percentile_interval(values[:, :1] - values[:, j : j + 1],
                                                   config.ci_level)  # fmt: skip
                gaps[name] = (float(low[0]), float(high[0]))
        result.append((point, bounds, gaps))
    return result


def evaluate(
    model: Pipeline,
    baselines: Mapping[str, Pipeline],
    train: pd.DataFrame,
    test: pd.DataFrame,
    schema: Schema,
    config: EvaluateConfig,
    seed: int,
    n_jobs: int = 1,
) -> Evaluation:
    """Score the model on both splits, with intervals on the test rows, and the baselines on the
    same test rows. `train` is the training rows to score (the stage passes at most
    `config.train_rows` of them, the seeded sample the baselines were fitted on). The model
    runs on `n_jobs` cores where its outputs do not depend on the thread count (threads.py), the
    baselines on one."""
    with cores(n_jobs if thread_independent(model) else 1):
        on_test = model_outputs(model, test, schema)
        on_train = model_outputs(model, train, schema)
    with cores(1):
        on_baselines = [model_outputs(fitted, test, schema) for fitted in baselines.values()]
    scored = paired_scores([on_test, *on_baselines], schema, config, seed)
    point, bounds, _ = scored[0]
    values = _bounded("test", point, bounds)
    values |= {f"train/{k}": v for k, v in defined_score(on_train).items()}
    versus: dict[str, Value] = {}
    for name, (base, base_bounds, gaps) in zip(baselines, scored[1:], strict=True):
        versus |= _bounded(name, {k: v for k, v in base.items() if k != "n_rows"}, base_bounds)
        # the model minus the baseline, on the metrics both have
        scale = {k: max(abs(point[k]), abs(v)) for k, v in base.items()
                 if k != "n_rows" and k in point}  # fmt: skip
        difference = {k: to_scale(point[k] - base[k], s) for k, s in scale.items()}
        gaps = {k: (to_scale(lo, scale[k]), to_scale(hi, scale[k])) for k, (lo, hi) in gaps.items()}
        versus |= _bounded(f"model_minus_{name}", difference, gaps)
    on_test_rows = predictions(on_test, test, schema)
    return Evaluation(
        Metrics(values), Metrics(versus), on_test_rows,
        curves(on_test_rows, schema), left_out(schema.task, point),
    )  # fmt: skip
