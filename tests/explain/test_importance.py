"""Permutation importance: scikit-learn's numbers, paired bootstrap intervals, rank stability."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.inspection import permutation_importance

from pipeline.errors import ConfigError
from pipeline.explain.importance import SCORERS, importances, point_score
from pipeline.explain.permutation import Permuted, answers, permuted, row_orders
from pipeline.models import metrics as mm
from pipeline.models.intervals import Answers

SEED = 3


def explain(fitted, metric, n_boot=0, groups=(), scoring=None):
    """(our importances, scikit-learn's permutation_importance) on the fitted model's test rows."""
    x, y, task = fitted.inputs, fitted.y, fitted.schema.task
    targets = [(c, (c,)) for c in x.columns] + [(" + ".join(g), tuple(g)) for g in groups]
    orders = row_orders(len(x), 5, SEED)
    found = permuted(fitted.model, x, targets, orders, task, True)
    baseline = answers(fitted.model, x, task, True)
    classes = list(fitted.schema.classes)
    ours = {m: importances(y, baseline, found, task, classes, m, n_boot, 0.95, SEED)
            for m in ([metric] if isinstance(metric, str) else metric)}  # fmt: skip
    oracle = None
    if scoring is not None:
        oracle = permutation_importance(fitted.model, x, y, scoring=scoring, n_repeats=5,
                                        random_state=SEED)  # fmt: skip
    return ours, oracle


def assert_equal_to_sklearn(found, oracle, columns) -> None:
    by_name = {i.name: i for i in found if i.kind == "feature"}
    for j, column in enumerate(columns):
        assert by_name[column].mean == pytest.approx(oracle.importances_mean[j], abs=1e-12)
        assert by_name[column].std == pytest.approx(oracle.importances_std[j], abs=1e-12)
    assert max(oracle.importances_mean) > 0.01  # the model needs some feature


def test_binary_importances_are_scikit_learns(adult) -> None:
    adult = replace(adult, test=adult.test.iloc[:800])
    ours, oracle = explain(adult, ["roc_auc", "accuracy"], scoring=["roc_auc", "accuracy"])
    for metric in ("roc_auc", "accuracy"):
        assert_equal_to_sklearn(ours[metric], oracle[metric], adult.inputs.columns)
    ranked = [i.name for i in ours["roc_auc"]]
    assert ranked[0] in ("marital-status", "relationship", "capital-gain")


def test_multiclass_importances_are_scikit_learns(three_classes) -> None:
    ours, oracle = explain(three_classes, "accuracy", scoring="accuracy")
    assert_equal_to_sklearn(ours["accuracy"], oracle, three_classes.inputs.columns)


def test_regression_importances_are_scikit_learns(diabetes) -> None:
    ours, oracle = explain(diabetes, ["r2", "mae"], scoring=["r2", "neg_mean_absolute_error"])
    assert_equal_to_sklearn(ours["r2"], oracle["r2"], diabetes.inputs.columns)
    assert_equal_to_sklearn(ours["mae"], oracle["neg_mean_absolute_error"],
                            diabetes.inputs.columns)  # fmt: skip


def test_intervals_ranks_and_the_planted_leak(leaky) -> None:
    ours, _ = explain(leaky, "roc_auc", n_boot=100, groups=[("x1", "x2")])
    found = {i.name: i for i in ours["roc_auc"]}
    leak = found["leak"]
    assert leak.rank == 1 and leak.rank_stability == 1.0 and leak.top_share == 1.0
    assert leak.mean > 0.3 and leak.low > 0.3
    noise = found["noise"]
    assert noise.low < 0 < noise.high
    for item in ours["roc_auc"]:
        assert item.low <= item.mean <= item.high, item.name
    features = [i for i in ours["roc_auc"] if i.kind == "feature"]
    assert [i.rank for i in features] == list(range(1, 9))
    assert [i.mean for i in features] == sorted((i.mean for i in features), reverse=True)
    group = ours["roc_auc"][-1]
    assert (group.name, group.kind, group.rank, group.columns) == ("x1 + x2", "group", 1,
                                                                   ("x1", "x2"))  # fmt: skip
    assert group.rank_stability == 1.0  # alone in its kind
    assert all(0 <= i.rank_stability <= 1 and 0 <= i.top_share <= 1 for i in features)
    assert sum(i.top_share for i in features) == pytest.approx(5.0)  # 5 places in every replicate


def test_intervals_and_stability_are_off_without_replicates(three_classes) -> None:
    ours, _ = explain(three_classes, "log_loss", n_boot=0)
    for item in ours["log_loss"]:
        assert (item.low, item.high, item.rank_stability, item.top_share) == (None,) * 4
    assert set(ours["log_loss"][0].to_json()) == {
        "name", "columns", "kind", "mean", "std", "low", "high", "rank", "rank_stability",
        "top_share"}  # fmt: skip


def test_ties_rank_by_name() -> None:
    y = np.array([0, 1] * 20)
    same = Answers(y_pred=y, y_score=y * 0.5 + 0.25)
    targets = [Permuted(n, (n,), (same, same)) for n in ("b", "c", "a")]
    found = importances(y, same, targets, "binary", [0, 1], "accuracy", 10, 0.9, 0)
    assert [(i.name, i.rank, i.mean, i.rank_stability) for i in found] == [
        ("a", 1, 0.0, 1.0), ("b", 2, 0.0, 1.0), ("c", 3, 0.0, 1.0)]  # fmt: skip


def test_an_unknown_metric_names_the_key_and_the_choices() -> None:
    y = np.array([0, 1, 0, 1])
    baseline = Answers(y_pred=y, y_score=y * 1.0)
    with pytest.raises(ConfigError, match=r"explain.metric is 'r2', which is not a binary metric; "
                       r"use one of accuracy, .*roc_auc"):  # fmt: skip
        importances(y, baseline, [], "binary", [0, 1], "r2", 0, 0.95, 0)
    decisions = Answers(y_pred=y, y_score=y * 3.0 - 1.0, probabilities=False)
    with pytest.raises(ConfigError, match="explain.metric 'log_loss' is undefined"):
        importances(y, decisions, [], "binary", [0, 1], "log_loss", 0, 0.95, 0)


def test_every_metric_is_computed_as_the_evaluate_stage_does(three_classes, adult) -> None:
    y = adult.y
    found = answers(adult.model, adult.inputs, "binary", True)
    expected = mm.binary_metrics(y, found.y_pred, found.y_score, True)
    for metric in SCORERS["binary"]:
        assert point_score(y, found, "binary", [0, 1], metric) == expected[metric], metric
    y, classes = three_classes.y, [0, 1, 2]
    found = answers(three_classes.model, three_classes.inputs, "multiclass", True)
    expected = mm.multiclass_metrics(y, found.y_pred, found.proba, classes)
    for metric in SCORERS["multiclass"]:
        assert point_score(y, found, "multiclass", classes, metric) == expected[metric], metric
