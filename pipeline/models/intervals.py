"""Seeded bootstrap intervals of the test metrics (the names of metrics.py), for one model or
several models on the same rows (paired: every replicate resamples the same rows for all).

Count metrics (accuracy, balanced accuracy, precision, recall, F1) resample the joint cells
(true class, each model's prediction) as a multinomial: O(cells) per replicate. Metrics of single
rows (ROC AUC, average precision, log loss, Brier score, regression errors) come from row
multiplicities drawn and consumed by the numba kernels of pipeline.stats, so they equal
scikit-learn's metric with `sample_weight` = the replicate's counts. A metric that is undefined
in a replicate (AUC without both classes, ...) is NaN there, where scikit-learn raises or warns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.errors import DataValidationError
from pipeline.models import confusion as cm
from pipeline.stats import jackknife as jk
from pipeline.stats.intervals import Jackknife
from pipeline.stats.passes import ranking
from pipeline.stats.replicates import model_replicates
from pipeline.stats.resample import multiplicities, nested_cells, replicate_keys, strata


@dataclass(frozen=True)
class Answers:
    """One model's answers on the test rows."""

    y_pred: np.ndarray
    y_score: np.ndarray | None = None  # binary: the positive class's score
    proba: np.ndarray | None = None  # multiclass: class probabilities (columns = classes)
    probabilities: bool = True  # binary: whether y_score is a probability


def class_index(values: np.ndarray, classes: list, what: str) -> np.ndarray:
    """Each value's position in `classes`."""
    lookup = {c: i for i, c in enumerate(classes)}
    try:
        return np.array([lookup[v] for v in np.asarray(values).tolist()], dtype=np.int64)
    except KeyError as missing:
        raise DataValidationError(
            f"{what} has the value {missing}, which is not one of the classes {classes}"
        ) from None


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)


def binary_terms(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row log loss and Brier terms, as scikit-learn computes them (clipped to [eps, 1-eps])."""
    eps = np.finfo(np.float64).eps
    p = np.asarray(p, dtype=np.float64)
    log_loss = -np.log(np.clip(np.where(y == 1, p, 1.0 - p), eps, 1 - eps))
    brier = 0.5 * (((1.0 - y) - (1.0 - p)) ** 2 + (y - p) ** 2)
    return log_loss, brier


def _passes(
    scores: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(layout: rows in the first pass's order, each pass's order as layout positions, flags)."""
    ranked = [ranking(score, positive) for score, positive in scores]
    layout = ranked[0][0]
    position = np.empty(len(layout), dtype=np.int32)
    position[layout] = np.arange(len(layout), dtype=np.int32)
    orders = np.stack([position[order] for order, _ in ranked])
    return layout, orders, np.stack([flags for _, flags in ranked])


def cell_rngs(seed: int, models: int) -> list[np.random.Generator]:
    """The generators of the cell draws, one per model (resample.nested_cells): children of one
    child of the seed, apart from the row multiplicities; the first model's is the same
    whatever the number of models."""
    cells = np.random.SeedSequence(seed).spawn(1)[0]
    return [np.random.default_rng(child) for child in cells.spawn(models)]


def layout_rows(y_true: np.ndarray, answers: Sequence[Answers], task: str, classes: list | None):
    """The rows in the order the row multiplicities are drawn in (the first ranked pass's)."""
    if task == "binary":
        return ranking(np.asarray(answers[0].y_score, np.float64), np.asarray(y_true) == 1)[0]
    scored = [a for a in answers if a.proba is not None]
    if task == "regression" or not scored:
        return np.arange(len(y_true))
    truth = class_index(y_true, list(classes or []), "y_true")
    return ranking(np.asarray(scored[0].proba, np.float64)[:, 0], truth == 0)[0]


def replicate_counts(
    y_true: np.ndarray, answers: Sequence[Answers], task: str, classes: list | None, seed: int,
    replicate: int,
) -> np.ndarray:  # fmt: skip
    """How often replicate `replicate` of metric_replicates draws each test row (row order)."""
    counts = np.empty(len(y_true), dtype=np.int64)
    counts[layout_rows(y_true, answers, task, classes)] = multiplicities(seed, replicate,
                                                                         [len(y_true)])  # fmt: skip
    return counts


def metric_replicates(
    y_true: np.ndarray,
    answers: Sequence[Answers],
    task: str,
    classes: list | None,
    n_boot: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Metric name -> (n_boot, len(answers)) replicates; the same resampled rows for every model."""
    y_true = np.asarray(y_true)
    n, m = len(y_true), len(answers)
    keys = replicate_keys(seed, n_boot)
    if task == "regression":
        y = np.asarray(y_true, dtype=np.float64)
        errors = [np.asarray(a.y_pred, dtype=np.float64) - y for a in answers]
        centred = y - y.mean()
        values = np.stack([*(np.abs(e) for e in errors), *(e * e for e in errors), centred,
                           centred * centred], axis=1)  # fmt: skip
        found = model_replicates(keys, strata([n]), np.zeros((0, n)), np.zeros((0, n)),
                                 np.zeros(0, bool), values)  # fmt: skip
        s = found.sums[:, 0]
        total = s[:, 2 * m + 1, None] - s[:, 2 * m, None] ** 2 / n
        residual = s[:, m : 2 * m]
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(total > 0, 1.0 - residual / total, np.where(residual == 0, 1.0, 0.0))
        return {"mae": s[:, :m] / n, "rmse": np.sqrt(residual / n), "r2": r2}
    labels = [0, 1] if task == "binary" else list(classes or [])
    truth = class_index(y_true, labels, "y_true")
    codes = np.stack([truth, *(class_index(a.y_pred, labels, "y_pred") for a in answers)], 1)
    cells, counts = cm.joint_cells(codes)
    drawn = cm.confusions(
        cells, nested_cells(cells, counts, n_boot, cell_rngs(seed, m)), len(labels)
    )
    if task == "binary":
        out = cm.binary_counts(drawn)
        positive = truth == 1
        layout, orders, flags = _passes([(np.asarray(a.y_score, np.float64), positive)
                                         for a in answers])  # fmt: skip
        terms = [binary_terms(positive.astype(np.float64), np.asarray(a.y_score)) for a in answers]
        values = np.stack([t for pair in terms for t in pair], axis=1)[layout]
        found = model_replicates(keys, strata([n]), orders, flags, np.ones(m, bool), values)
        p, q, pairs = (found.ints[..., i].astype(np.float64) for i in range(3))
        proba = np.array([a.probabilities for a in answers])
        out["roc_auc"] = _ratio(pairs, 2.0 * p * q)
        out["average_precision"] = _ratio(found.ap, p)
        out["log_loss"] = np.where(proba, found.sums[:, 0, 0::2] / n, np.nan)
        out["brier_score"] = np.where(proba, found.sums[:, 0, 1::2] / n, np.nan)
        return out
    out = cm.multiclass_counts(drawn)
    k = len(labels)
    have = [a.proba is not None for a in answers]
    scored = [a for a in answers if a.proba is not None]
    if not scored:
        nan = np.full((n_boot, m), np.nan)
        return out | {"roc_auc_ovr_macro": nan, "roc_auc_ovr_weighted": nan, "log_loss": nan}
    eps = np.finfo(np.float64).eps
    layout, orders, flags = _passes([(np.asarray(a.proba, np.float64)[:, c], truth == c)
                                     for a in scored for c in range(k)])  # fmt: skip
    terms = [-np.log(np.clip(np.asarray(a.proba, np.float64)[np.arange(n), truth], eps, 1 - eps))
             for a in scored]  # fmt: skip
    found = model_replicates(keys, strata([n]), orders, flags, np.zeros(len(orders), bool),
                             np.stack(terms, axis=1)[layout])  # fmt: skip
    p, q, pairs = (found.ints[..., i].astype(np.float64).reshape(n_boot, -1, k) for i in range(3))
    auc = _ratio(pairs, 2.0 * p * q)
    macro, weighted = auc.mean(-1), (auc * p).sum(-1) / p.sum(-1)
    for name, value in (("roc_auc_ovr_macro", macro), ("roc_auc_ovr_weighted", weighted),
                        ("log_loss", found.sums[:, 0] / n)):  # fmt: skip
        full = np.full((n_boot, m), np.nan)
        full[:, np.flatnonzero(have)] = value
        out[name] = full
    return out


def _count_jackknife(confusion: np.ndarray, task: str) -> dict[str, Jackknife]:
    without, weights = cm.leave_one_out(confusion)
    found = cm.binary_counts(without) if task == "binary" else cm.multiclass_counts(without)
    return {name: Jackknife(values, weights) for name, values in found.items()}


def metric_jackknife(
    y_true: np.ndarray, answers: Answers, task: str, classes: list | None
) -> dict[str, Jackknife]:
    """Leave-one-out values of every metric of one model that has an O(n) jackknife."""
    y_true = np.asarray(y_true)
    if task == "regression":
        y = np.asarray(y_true, dtype=np.float64)
        error = np.asarray(answers.y_pred, dtype=np.float64) - y
        return {"mae": jk.mean(np.abs(error)), "rmse": jk.root_mean_square(error),
                "r2": jk.r2(y, answers.y_pred)}  # fmt: skip
    labels = [0, 1] if task == "binary" else list(classes or [])
    truth = class_index(y_true, labels, "y_true")
    predicted = class_index(answers.y_pred, labels, "y_pred")
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(confusion, (truth, predicted), 1)
    out = _count_jackknife(confusion, task)
    if task == "binary":
        score = np.asarray(answers.y_score, dtype=np.float64)
        out["roc_auc"] = jk.roc_auc(truth == 1, score)
        if answers.probabilities:
            log_loss, brier = binary_terms((truth == 1).astype(np.float64), score)
            out["log_loss"], out["brier_score"] = jk.mean(log_loss), jk.mean(brier)
        return out
    if answers.proba is not None:
        proba = np.asarray(answers.proba, dtype=np.float64)
        n, k = proba.shape
        auc = np.stack([jk.roc_auc(truth == c, proba[:, c]).values for c in range(k)], axis=1)
        positives = np.bincount(truth, minlength=k)[None, :] - (truth[:, None] == np.arange(k))
        ones = np.ones(n, dtype=np.int64)
        out["roc_auc_ovr_macro"] = Jackknife(auc.mean(1), ones)
        out["roc_auc_ovr_weighted"] = Jackknife((auc * positives).sum(1) / (n - 1), ones)
        eps = np.finfo(np.float64).eps
        out["log_loss"] = jk.mean(-np.log(np.clip(proba[np.arange(n), truth], eps, 1 - eps)))
    return out
