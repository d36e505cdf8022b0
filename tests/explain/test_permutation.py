"""Permuted answers: scikit-learn's row orders, one model pass per frame, inputs left alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import FEATURES, MODEL_SCHEMA, ROOT, model_frame
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import permutation_importance

from pipeline.explain.permutation import answers, permuted, predicts_from_proba, row_orders
from pipeline.models.build import train
from pipeline.models.config import ModelConfig, model_config


class Recorder(ClassifierMixin, BaseEstimator):
    """A stand-in model that remembers every frame it is asked about."""

    def fit(self, x, y):
        self.classes_ = np.array([0, 1])
        self.seen_: list[pd.DataFrame] = []
        return self

    def predict_proba(self, x):
        self.seen_.append(x.copy())
        p = (np.asarray(x["a"], dtype=float) % 7) / 7.0
        return np.column_stack([1 - p, p])

    def predict(self, x):
        return self.classes_[np.argmax(self.predict_proba(x), axis=1)]


def frame(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame({"a": np.arange(n), "b": np.arange(n) * 10.0,
                         "c": [f"v{i}" for i in range(n)]})  # fmt: skip


@pytest.mark.parametrize("seed", [0, 42, 123456])
def test_row_orders_are_those_of_scikit_learns_permutation_importance(seed: int) -> None:
    seen: list[np.ndarray] = []

    def scorer(estimator, x, y):  # the permuted column holds each row's original position
        seen.append(x.iloc[:, 0].to_numpy().copy())
        return 0.0

    n = 37
    x = pd.DataFrame({"position": np.arange(n), "other": np.zeros(n)})
    permutation_importance(Recorder().fit(x, None), x, np.zeros(n), scoring=scorer,
                           n_repeats=4, random_state=seed)  # fmt: skip
    sklearn_orders = np.stack(seen[1:5])  # after the baseline: the first column's repeats
    np.testing.assert_array_equal(row_orders(n, 4, seed), sklearn_orders)
    assert all(sorted(order) == list(range(n)) for order in sklearn_orders)


def test_a_group_moves_its_rows_together_and_inputs_are_untouched() -> None:
    x = frame()
    before = x.copy()
    model = Recorder().fit(x, None)
    orders = row_orders(len(x), 3, 0)
    found = permuted(model, x, [("a", ("a",)), ("b + c", ("b", "c"))], orders, "binary", True)
    pd.testing.assert_frame_equal(x, before)
    assert [(p.name, p.columns, len(p.answers)) for p in found] == [
        ("a", ("a",), 3), ("b + c", ("b", "c"), 3)]  # fmt: skip
    assert len(model.seen_) == 6  # one model pass per permuted frame
    for r, order in enumerate(orders):
        single, group = model.seen_[r], model.seen_[3 + r]
        np.testing.assert_array_equal(single["a"], order)
        pd.testing.assert_frame_equal(single[["b", "c"]], before[["b", "c"]])
        np.testing.assert_array_equal(group["b"], order * 10.0)
        assert list(group["c"]) == [f"v{i}" for i in order]
        pd.testing.assert_frame_equal(group[["a"]], before[["a"]])
        p = (order % 7) / 7.0
        np.testing.assert_array_equal(found[0].answers[r].y_score, p)
        np.testing.assert_array_equal(found[0].answers[r].y_pred, (p > 0.5).astype(int))


def test_answers_match_the_evaluate_stages_outputs() -> None:
    data = model_frame()
    config = ModelConfig("lr", "classification", "sklearn.linear_model.LogisticRegression",
                         {"random_state": 0})  # fmt: skip
    model = train(data, MODEL_SCHEMA, FEATURES, config)
    x = model_frame(seed=3)[MODEL_SCHEMA.features]
    for from_proba in (True, False):
        found = answers(model, x, "binary", from_proba)
        np.testing.assert_array_equal(found.y_score, model.predict_proba(x)[:, 1])
        np.testing.assert_array_equal(found.y_pred, model.predict(x))
        assert found.probabilities and found.proba is None
    svc = train(data, MODEL_SCHEMA, FEATURES, ModelConfig("svc", "classification",
                                                          "sklearn.svm.LinearSVC", {}))  # fmt: skip
    found = answers(svc, x, "binary", False)
    assert not found.probabilities
    np.testing.assert_array_equal(found.y_score, svc.decision_function(x))


def test_multiclass_and_regression_answers(three_classes, diabetes) -> None:
    x = three_classes.inputs
    found = answers(three_classes.model, x, "multiclass", True)
    np.testing.assert_array_equal(found.proba, three_classes.model.predict_proba(x))
    np.testing.assert_array_equal(found.y_pred, three_classes.model.predict(x))
    assert found.y_score is None
    found = answers(diabetes.model, diabetes.inputs, "regression", True)
    np.testing.assert_array_equal(found.y_pred, diabetes.model.predict(diabetes.inputs))
    assert found.y_score is None and found.proba is None


def test_which_configured_classifiers_predict_their_most_probable_class() -> None:
    data, x = model_frame(), model_frame(n=300, seed=5)[MODEL_SCHEMA.features]
    found = {}
    for path in sorted((ROOT / "params/model").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text().replace("${seed}", "0"))
        if raw["task"] != "classification":
            continue
        model = train(data, MODEL_SCHEMA, FEATURES, model_config(raw))
        found[raw["name"]] = predicts_from_proba(model, x)
    # the perceptron has no predict_proba: its labels come from predict
    assert found == {"hist_gradient_boosting": True, "knn": True, "logistic_regression": True,
                     "mlp": True, "perceptron": False, "random_forest": True,
                     "svm": True}  # fmt: skip
    svc = train(data, MODEL_SCHEMA, FEATURES, ModelConfig("svc", "classification",
                                                          "sklearn.svm.LinearSVC", {}))  # fmt: skip
    assert not predicts_from_proba(svc, x)  # no predict_proba


def test_a_model_whose_labels_are_not_its_most_probable_class_is_found() -> None:
    class Contrary(Recorder):
        def predict(self, x):
            return 1 - super().predict(x)

    x = frame()
    assert predicts_from_proba(Recorder().fit(x, None), x)
    assert not predicts_from_proba(Contrary().fit(x, None), x)
