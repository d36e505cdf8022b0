"""Permutation importance of each feature and group of features: scikit-learn's mean and standard
deviation over repeats, a paired bootstrap interval over the test rows, and how stable each
target's rank is across the bootstrap replicates."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn import metrics as skm

from pipeline.errors import ConfigError
from pipeline.explain.permutation import Permuted
from pipeline.explain.result import Importance
from pipeline.models.intervals import Answers, metric_replicates
from pipeline.models.result import LOSSES
from pipeline.stats.intervals import percentile_interval

METRICS = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "r2"}  # the headlines
# each metric's scikit-learn scorer (a loss's is negated: larger is better, as here)
SCORERS = {
    "binary": {
        "accuracy": "accuracy", "balanced_accuracy": "balanced_accuracy", "f1": "f1",
        "precision": "precision", "recall": "recall", "roc_auc": "roc_auc",
        "average_precision": "average_precision", "log_loss": "neg_log_loss",
        "brier_score": "neg_brier_score",
    },
    "multiclass": {
        "accuracy": "accuracy", "balanced_accuracy": "balanced_accuracy",
        "f1_macro": "f1_macro", "precision_macro": "precision_macro",
        "recall_macro": "recall_macro", "roc_auc_ovr_macro": "roc_auc_ovr",
        "f1_weighted": "f1_weighted", "precision_weighted": "precision_weighted",
        "recall_weighted": "recall_weighted", "roc_auc_ovr_weighted": "roc_auc_ovr_weighted",
        "log_loss": "neg_log_loss",
    },
    "regression": {"mae": "neg_mean_absolute_error", "rmse": "neg_root_mean_squared_error",
                   "r2": "r2"},
}  # fmt: skip
TOP = 5  # top_share: how often a target is among the top min(TOP, count) of its kind


def check_metric(metric: str | None, task: str) -> str:
    """The metric to measure with (None: the task's headline), or a ConfigError naming the
    valid ones."""
    if metric is None:
        return METRICS[task]
    if metric not in SCORERS[task]:
        raise ConfigError(
            f"explain.metric is '{metric}', which is not a {task} metric; use one of "
            f"{', '.join(SCORERS[task])}, or null for {METRICS[task]}"
        )
    return metric


def _one_metric(task: str, metric: str, classes: list | None) -> Callable[..., float]:
    """metric(y_true, answers): one metric exactly as pipeline/models/metrics.py calls it."""
    nan = np.nan
    if task == "regression":
        return {"mae": lambda y, a: skm.mean_absolute_error(y, a.y_pred),
                "rmse": lambda y, a: skm.root_mean_squared_error(y, a.y_pred),
                "r2": lambda y, a: skm.r2_score(y, a.y_pred)}[metric]  # fmt: skip
    if task == "binary":
        return {
            "accuracy": lambda y, a: skm.accuracy_score(y, a.y_pred),
            "balanced_accuracy": lambda y, a: skm.balanced_accuracy_score(y, a.y_pred),
            "f1": lambda y, a: skm.f1_score(y, a.y_pred, zero_division=nan),
            "precision": lambda y, a: skm.precision_score(y, a.y_pred, zero_division=nan),
            "recall": lambda y, a: skm.recall_score(y, a.y_pred, zero_division=nan),
            "roc_auc": lambda y, a: skm.roc_auc_score(y, a.y_score),
            "average_precision": lambda y, a: skm.average_precision_score(y, a.y_score),
            "log_loss": lambda y, a: (skm.log_loss(y, a.y_score, labels=[0, 1])
                                      if a.probabilities else nan),
            "brier_score": lambda y, a: (skm.brier_score_loss(y, a.y_score)
                                         if a.probabilities else nan),
        }[metric]  # fmt: skip
    labels = list(classes or [])
    if metric in ("accuracy", "balanced_accuracy"):
        fn = skm.accuracy_score if metric == "accuracy" else skm.balanced_accuracy_score
        return lambda y, a: fn(y, a.y_pred)
    if metric == "log_loss":
        return lambda y, a: skm.log_loss(y, a.proba, labels=labels) if a.proba is not None else nan
    name, _, average = metric.rpartition("_")
    if name == "roc_auc_ovr":
        return lambda y, a: (
            skm.roc_auc_score(y, a.proba, multi_class="ovr", average=average, labels=labels)
            if a.proba is not None
            else nan
        )
    fn = {"f1": skm.f1_score, "precision": skm.precision_score, "recall": skm.recall_score}[name]
    return lambda y, a: fn(y, a.y_pred, average=average, zero_division=nan)


def point_score(
    y_true: np.ndarray, found: Answers, task: str, classes: list | None, metric: str
) -> float:
    """The metric of one set of answers, by the scikit-learn call of the evaluate stage."""
    return float(_one_metric(task, metric, classes)(np.asarray(y_true), found))


def _ranks(values: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Rank (1 = largest) of each column of `values` (..., targets), ties by name."""
    by_name = np.argsort(np.array(names, dtype=object), kind="stable")
    order = by_name[np.argsort(-values[..., by_name], axis=-1, kind="stable")]
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, order.shape[-1] + 1), axis=-1)
    return ranks


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def importances(
    y_true: np.ndarray,
    baseline: Answers,
    permuted: Sequence[Permuted],
    task: str,
    classes: list | None,
    metric: str | None,
    n_boot: int,
    ci_level: float,
    seed: int,
) -> list[Importance]:
    """Each target's importance, sorted by kind (features first) then rank. Replicate b of a
    target is baseline_b - mean over repeats of permuted_b, all on the same resampled rows."""
    metric = check_metric(metric, task)
    sign = -1.0 if metric in LOSSES else 1.0
    y_true = np.asarray(y_true)
    base = sign * point_score(y_true, baseline, task, classes, metric)
    if np.isnan(base):
        raise ConfigError(
            f"explain.metric '{metric}' is undefined for this model's answers (a loss needs "
            f"probabilities); set explain.metric to another of {', '.join(SCORERS[task])}"
        )
    drops = np.array([[base - sign * point_score(y_true, a, task, classes, metric)
                       for a in target.answers] for target in permuted])  # fmt: skip
    kinds = ["group" if len(t.columns) > 1 else "feature" for t in permuted]
    names = [t.name for t in permuted]
    boot = None
    if n_boot and permuted:
        every = [baseline, *(a for t in permuted for a in t.answers)]
        found = sign * metric_replicates(y_true, every, task, classes, n_boot, seed)[metric]
        repeats = len(permuted[0].answers)
        perm = found[:, 1:].reshape(n_boot, len(permuted), repeats).mean(axis=2)
        boot = found[:, :1] - perm  # (n_boot, targets)
        low, high, _ = percentile_interval(boot, ci_level)
    out = []
    for kind in ("feature", "group"):
        members = [i for i, k in enumerate(kinds) if k == kind]
        if not members:
            continue
        mean, std = drops[members].mean(axis=1), drops[members].std(axis=1)
        member_names = [names[i] for i in members]
        ranks = _ranks(mean, member_names)
        stability = top = np.full(len(members), np.nan)
        if boot is not None:
            values = boot[:, members]
            defined = ~np.isnan(values).any(axis=1)
            if defined.any():
                replicate_ranks = _ranks(values[defined], member_names)
                stability = (replicate_ranks == ranks).mean(axis=0)
                top = (replicate_ranks <= min(TOP, len(members))).mean(axis=0)
        for j, i in enumerate(members):
            target = permuted[i]
            out.append(Importance(
                name=target.name, columns=target.columns, kind=kind, mean=float(mean[j]),
                std=float(std[j]),
                low=None if boot is None else _optional(low[i]),
                high=None if boot is None else _optional(high[i]),
                rank=int(ranks[j]), rank_stability=_optional(stability[j]),
                top_share=_optional(top[j]),
            ))  # fmt: skip
    return sorted(out, key=lambda x: (x.kind != "feature", x.rank))
