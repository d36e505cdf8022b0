"""The explain stage's work on the test rows: which rows, which features and groups are shuffled,
and the importance, disparity attribution and partial dependence computed from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from pipeline.data.sample import sample_rows
from pipeline.explain.config import ExplainConfig
from pipeline.explain.dependence import Dependence, dependence
from pipeline.explain.disparity import shifts
from pipeline.explain.groups import correlated_groups, group_name
from pipeline.explain.importance import METRICS, importances
from pipeline.explain.permutation import answers, permuted, predicts_from_proba, row_orders
from pipeline.explain.result import Curve, ExplainResult, dependence_figure, disparity_figure
from pipeline.explain.screening import screen, wide
from pipeline.fairness.groups import factorize
from pipeline.schema import Schema


def targets(
    features: list[str], pairs: Sequence[Mapping[str, Any]], threshold: float
) -> list[tuple[str, tuple[str, ...]]]:
    """What is shuffled: each feature alone, then each group of strongly associated features."""
    groups = correlated_groups(list(pairs), features, threshold)
    return [(f, (f,)) for f in features] + [(group_name(g), tuple(g)) for g in groups]


def sensitive_groups(
    rows: pd.DataFrame, attributes: Sequence[str], bins: Mapping[str, Sequence[float]] | None
) -> pd.DataFrame:
    """Each audited attribute's group of each row, as the fairness stage forms them (numeric
    attributes by fairness.bins), missing values left missing."""
    out = {}
    for name in attributes:
        codes, labels = factorize(rows[name], bins)
        out[name] = np.array([*labels, None], dtype=object)[codes]  # code -1: missing
    return pd.DataFrame(out, index=rows.index)


def shifts_note(schema: Schema, sensitive: pd.DataFrame) -> str | None:
    if schema.task != "binary":
        return (
            f"No disparity attribution: it compares selection and true positive rates, which "
            f"a {schema.task} task does not have."
        )
    if sensitive.shape[1] == 0:
        return "No disparity attribution: no sensitive attribute is configured (dataset.sensitive)."
    return None


def curves(found: list[Dependence]) -> tuple[Curve, ...]:
    """One entry per feature asked for, with its figure when a curve was computed."""
    return tuple(
        Curve(
            d.feature, d.kind, None if d.skipped else dependence_figure(d.feature), d.note or None
        )
        for d in found
    )


def explain(
    model: Pipeline,
    test: pd.DataFrame,
    schema: Schema,
    attributes: Sequence[str],
    bins: Mapping[str, Sequence[float]] | None,
    pairs: Sequence[Mapping[str, Any]],
    settings: ExplainConfig,
    min_group_size: int,
    seed: int,
) -> tuple[ExplainResult, list[Dependence]]:
    """The result, and the partial dependence curves to draw."""
    rows = sample_rows(test, settings.max_rows, seed)
    inputs = rows[schema.features]
    y_true = rows[schema.target].to_numpy()
    sensitive = sensitive_groups(rows, attributes, bins)
    metric = settings.metric or METRICS[schema.task]
    from_proba = predicts_from_proba(model, inputs)
    baseline = answers(model, inputs, schema.task, from_proba)
    features, screening = list(schema.features), None
    if wide(features, settings.max_features):
        features, screening = screen(model, inputs, schema.task, from_proba,
                                     settings.max_features, settings.screen_rows, seed)  # fmt: skip
    orders = row_orders(len(rows), settings.n_repeats, seed)
    shuffled = permuted(model, inputs, targets(features, pairs, settings.group_threshold), orders,
                        schema.task, from_proba)  # fmt: skip
    classes = list(schema.classes)
    found = importances(y_true, baseline, shuffled, schema.task, classes, metric,
                        settings.n_boot, settings.ci_level, seed)  # fmt: skip
    note = shifts_note(schema, sensitive)
    moved = []
    if note is None:
        moved = shifts(y_true, sensitive, baseline, shuffled, min_group_size, settings.n_boot,
                       settings.ci_level, seed)  # fmt: skip
    top = [i.name for i in sorted(found, key=lambda i: i.rank) if i.kind == "feature"]
    top = top[: settings.dependence_features]
    sample = sample_rows(rows, settings.dependence_rows, seed)[schema.features]
    curves_found = dependence(model, sample, top, set(schema.categorical),
                              settings.grid_resolution, settings.percentiles, settings.ice_rows,
                              seed, list(schema.labels), settings.max_levels)  # fmt: skip
    result = ExplainResult(
        task=schema.task,
        metric=metric,
        test_rows=len(test),
        rows=len(rows),
        n_repeats=settings.n_repeats,
        n_boot=settings.n_boot,
        ci_level=settings.ci_level,
        group_threshold=settings.group_threshold,
        importances=tuple(found),
        shifts=tuple(moved),
        shifts_note=note,
        curves=curves(curves_found),
        dependence_rows=len(sample),
        disparity_figures={
            s: disparity_figure(s) for s in dict.fromkeys(m.sensitive for m in moved)
        },
        screening=screening,
    )
    return result, curves_found
