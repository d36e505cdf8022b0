"""Bootstrap replicates of the test metrics (pipeline/models/intervals.py): every row metric of a
replicate equals scikit-learn's with sample_weight = that replicate's row counts, for each task,
with ties and two models at once; count metrics equal scikit-learn's on the drawn cells; the
whole distribution matches a slow row-resampling bootstrap; intervals have the expected width."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

from pipeline.models import confusion as cm
from pipeline.models.intervals import (
    Answers,
    cell_rngs,
    class_index,
    metric_jackknife,
    metric_replicates,
    replicate_counts,
)
from pipeline.stats.intervals import intervals
from pipeline.stats.resample import nested_cells

TOL = 1e-12
CLASSES = ["a", "b", "c", "d"]


def binary_case(n: int = 1500, seed: int = 0) -> tuple[np.ndarray, list[Answers]]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int64)
    s1 = np.round(rng.random(n) * 0.6 + 0.3 * y, 2)  # ties
    s2 = np.round(rng.random(n) * 0.5 + 0.4 * y, 1)
    return y, [Answers((s1 > 0.5).astype(np.int64), s1), Answers((s2 > 0.5).astype(np.int64), s2)]


def multiclass_case(n: int = 1500) -> tuple[np.ndarray, list[Answers]]:
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 4, n)
    p = np.exp(rng.normal(size=(n, 4)) + 1.5 * np.eye(4)[truth])
    p = np.round(p / p.sum(1, keepdims=True), 2)
    p /= p.sum(1, keepdims=True)
    other = np.roll(p, 1, axis=0)
    labels = np.array(CLASSES)
    return labels[truth], [Answers(labels[p.argmax(1)], proba=p),
                           Answers(labels[other.argmax(1)], proba=other)]  # fmt: skip


def sklearn_row_metrics(task: str, y: np.ndarray, a: Answers, w: np.ndarray) -> dict[str, float]:
    if task == "binary":
        return {
            "roc_auc": skm.roc_auc_score(y, a.y_score, sample_weight=w),
            "average_precision": skm.average_precision_score(y, a.y_score, sample_weight=w),
            "log_loss": skm.log_loss(y, a.y_score, sample_weight=w, labels=[0, 1]),
            "brier_score": skm.brier_score_loss(y, a.y_score, sample_weight=w),
        }
    if task == "multiclass":
        auc = {f"roc_auc_ovr_{avg}": skm.roc_auc_score(y, a.proba, multi_class="ovr", average=avg,
                                                       labels=CLASSES, sample_weight=w)
               for avg in ("macro", "weighted")}  # fmt: skip
        return auc | {"log_loss": skm.log_loss(y, a.proba, labels=CLASSES, sample_weight=w)}
    return {
        "mae": skm.mean_absolute_error(y, a.y_pred, sample_weight=w),
        "rmse": skm.root_mean_squared_error(y, a.y_pred, sample_weight=w),
        "r2": skm.r2_score(y, a.y_pred, sample_weight=w),
    }


def regression_case(n: int = 1500) -> tuple[np.ndarray, list[Answers]]:
    rng = np.random.default_rng(2)
    y = rng.normal(150, 40, n)
    return y, [Answers(y + rng.normal(0, 20, n)), Answers(np.round(0.8 * y + 30, 0))]


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_row_metrics_equal_scikit_learn_with_the_replicate_counts(task: str) -> None:
    y, answers = {"binary": binary_case, "multiclass": multiclass_case,
                  "regression": regression_case}[task]()  # fmt: skip
    classes = CLASSES if task == "multiclass" else None
    found = metric_replicates(y, answers, task, classes, 24, 11)
    for b in (0, 13, 23):
        counts = replicate_counts(y, answers, task, classes, 11, b)
        assert counts.sum() == len(y) and counts.max() > 1
        for m, a in enumerate(answers):
            for name, expected in sklearn_row_metrics(task, y, a, counts.astype(float)).items():
                assert found[name][b, m] == pytest.approx(expected, abs=TOL), (name, b, m)


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_count_metrics_equal_scikit_learn_on_the_drawn_cells(task: str) -> None:
    y, answers = binary_case(300) if task == "binary" else multiclass_case(300)
    labels = [0, 1] if task == "binary" else CLASSES
    found = metric_replicates(y, answers, task, CLASSES if task != "binary" else None, 30, 5)
    codes = np.stack([class_index(v, labels, "") for v in [y] + [a.y_pred for a in answers]], 1)
    cells, counts = cm.joint_cells(codes)
    drawn = nested_cells(cells, counts, 30, cell_rngs(5, len(answers)))
    values = np.array(labels)
    for b in (0, 29):
        rows = np.repeat(cells, drawn[b], axis=0)  # the replicate's rows, one per draw
        truth = values[rows[:, 0]]
        for m in range(len(answers)):
            pred = values[rows[:, m + 1]]
            expected = {"accuracy": skm.accuracy_score(truth, pred),
                        "balanced_accuracy": skm.balanced_accuracy_score(truth, pred)}  # fmt: skip
            averages = [("_macro", "macro"), ("_weighted", "weighted")]
            if task == "binary":
                averages = [("", "binary")]
            for suffix, average in averages:
                for name, fn in (("f1", skm.f1_score), ("precision", skm.precision_score),
                                 ("recall", skm.recall_score)):  # fmt: skip
                    expected[name + suffix] = fn(truth, pred, average=average,
                                                 zero_division=np.nan)  # fmt: skip
            for name, value in expected.items():
                assert found[name][b, m] == pytest.approx(value, abs=TOL, nan_ok=True), name


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_a_baseline_cannot_move_the_models_count_replicates(task: str) -> None:
    """The model's count metrics are drawn from its own cells: the same alone, beside a
    baseline, and beside that baseline with a tenth of its predictions changed."""
    y, (model, baseline) = binary_case(500) if task == "binary" else multiclass_case(500)
    classes = None if task == "binary" else CLASSES
    changed = baseline.y_pred.copy()
    flip = np.arange(0, len(y), 10)
    changed[flip] = 1 - changed[flip] if task == "binary" else np.roll(changed[flip], 1)
    assert not np.array_equal(changed, baseline.y_pred)
    other = Answers(changed, baseline.y_score, baseline.proba)
    alone, beside, beside_changed = (
        metric_replicates(y, answers, task, classes, 200, 11)
        for answers in ([model], [model, baseline], [model, other])
    )
    for name in ("accuracy", "balanced_accuracy", "f1_macro" if classes else "f1"):
        assert np.array_equal(alone[name][:, 0], beside[name][:, 0]), name
        assert np.array_equal(beside[name][:, 0], beside_changed[name][:, 0]), name
    assert not np.array_equal(beside["accuracy"][:, 1], beside_changed["accuracy"][:, 1])


def test_the_distribution_matches_a_slow_row_resampling_bootstrap() -> None:
    """ROC AUC and accuracy replicates against numpy resampling rows: same law (KS test)."""
    y, answers = binary_case(400, seed=3)
    ours = metric_replicates(y, answers[:1], "binary", None, 2000, 8)
    rng = np.random.default_rng(9)
    auc, accuracy = [], []
    for _ in range(2000):
        rows = rng.integers(0, len(y), len(y))
        auc.append(skm.roc_auc_score(y[rows], answers[0].y_score[rows]))
        accuracy.append(np.mean(y[rows] == answers[0].y_pred[rows]))
    assert stats.ks_2samp(ours["roc_auc"][:, 0], auc).pvalue > 1e-3
    assert stats.ks_2samp(ours["accuracy"][:, 0], accuracy).pvalue > 1e-3


def test_accuracy_interval_has_the_binomial_width() -> None:
    n, p = 12211, 0.877
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, n)
    right = rng.permutation(n) < round(p * n)
    pred = np.where(right, y, 1 - y)
    found = metric_replicates(y, [Answers(pred, rng.random(n))], "binary", None, 1000, 0)
    point = {"accuracy": float(np.mean(pred == y))}
    low, high = intervals(point, {"accuracy": found["accuracy"][:, 0]}, 0.95)["accuracy"]
    expected = 2 * 1.96 * np.sqrt(p * (1 - p) / n)
    assert high - low == pytest.approx(expected, rel=0.2)
    assert low < point["accuracy"] < high


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_jackknife_equals_brute_force_leave_one_out(task: str) -> None:
    """Row metrics row by row; count metrics as a multiset (one value per cell, times its rows)."""
    y, answers = binary_case(120) if task == "binary" else multiclass_case(120)
    a = answers[0]
    classes = CLASSES if task == "multiclass" else None
    found = metric_jackknife(y, a, task, classes)
    if task == "binary":
        counts = {"accuracy": skm.accuracy_score, "f1": skm.f1_score}
        rows = {"roc_auc": lambda t, s: skm.roc_auc_score(t, s),
                "log_loss": lambda t, s: skm.log_loss(t, s, labels=[0, 1])}  # fmt: skip
        score = a.y_score
    else:
        counts = {"accuracy": skm.accuracy_score,
                  "f1_macro": lambda t, p: skm.f1_score(t, p, average="macro")}  # fmt: skip
        rows = {"roc_auc_ovr_weighted": lambda t, s: skm.roc_auc_score(
                    t, s, multi_class="ovr", average="weighted", labels=CLASSES),
                "log_loss": lambda t, s: skm.log_loss(t, s, labels=CLASSES)}  # fmt: skip
        score = a.proba
    keep = np.ones(len(y), dtype=bool)
    brute: dict[str, list[float]] = {name: [] for name in [*counts, *rows]}
    for i in range(len(y)):
        keep[i] = False
        for name, fn in counts.items():
            brute[name].append(fn(y[keep], a.y_pred[keep]))
        for name, fn in rows.items():
            brute[name].append(fn(y[keep], score[keep]))
        keep[i] = True
    for name in rows:
        np.testing.assert_allclose(found[name].values, brute[name], rtol=0, atol=TOL)
    for name in counts:
        expanded = np.repeat(found[name].values, found[name].weights)
        np.testing.assert_allclose(np.sort(expanded), np.sort(brute[name]), rtol=0, atol=TOL)


def test_bca_intervals_of_every_metric() -> None:
    """BCa with the jackknife's acceleration: near the percentile interval, around the point."""
    y, answers = binary_case(2000, seed=5)
    found = metric_replicates(y, answers[:1], "binary", None, 2000, 1)
    replicates = {k: v[:, 0] for k, v in found.items()}
    a = answers[0]
    point = {"roc_auc": skm.roc_auc_score(y, a.y_score),
             "average_precision": skm.average_precision_score(y, a.y_score),
             "accuracy": skm.accuracy_score(y, a.y_pred)}  # fmt: skip
    jackknife = metric_jackknife(y, a, "binary", None)
    bca = intervals(point, {k: replicates[k] for k in point}, 0.95, "bca", jackknife)
    percentile = intervals(point, {k: replicates[k] for k in point}, 0.95)
    assert bca["average_precision"] == percentile["average_precision"]  # no O(n) jackknife
    for name, value in point.items():
        low, high = bca[name]
        assert low < value < high
        width = percentile[name][1] - percentile[name][0]
        assert abs(low - percentile[name][0]) < 0.2 * width, name
