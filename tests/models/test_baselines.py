"""Baselines: the majority baseline scores the class shares (accuracy = the majority share, ROC
AUC 0.5), the linear one is the scikit-learn pipeline a person would build by hand, and both are
read by model_outputs like the model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import MODEL_SCHEMA, model_frame
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from pipeline.data.features import FeaturesConfig
from pipeline.errors import ConfigError
from pipeline.models.baselines import COEFFICIENT_DIGITS, fit_baselines, settled
from pipeline.models.metrics import score
from pipeline.models.outputs import BinaryOutputs, MulticlassOutputs, model_outputs
from pipeline.schema import Schema

# scaling off in the model's config: the linear baseline turns it on all the same
FEATURES = FeaturesConfig(
    include_sensitive=False, drop=(), categorical=(), min_frequency=3, scale=False
)
SEED = 11


def by_hand(estimator) -> Pipeline:
    """The linear baseline's pipeline, written out with scikit-learn alone."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=3, sparse_output=False),
    )
    columns = ColumnTransformer(
        [("numeric", numeric, ["x", "w"]), ("categorical", categorical, ["colour"])]
    )
    return make_pipeline(columns, estimator)


@pytest.fixture(scope="module")
def binary():
    train, test = model_frame(300, seed=5), model_frame(200, seed=6)
    test.loc[0, "colour"] = "unseen"
    return train, test, fit_baselines(train, MODEL_SCHEMA, FEATURES, ["majority", "linear"], SEED)


def test_majority_scores_the_majority_share_and_auc_one_half(binary) -> None:
    train, test, fitted = binary
    outputs = model_outputs(fitted["majority"], test, MODEL_SCHEMA)
    assert isinstance(outputs, BinaryOutputs) and outputs.probabilities
    majority = int(train["y"].mode()[0])
    metrics = score(outputs)
    assert metrics["accuracy"] == (test["y"] == majority).mean()
    assert metrics["accuracy"] == test["y"].value_counts(normalize=True).max()
    assert metrics["roc_auc"] == 0.5
    np.testing.assert_array_equal(outputs.y_score, np.full(len(test), train["y"].mean()))


def test_linear_equals_a_pipeline_built_by_hand(binary) -> None:
    train, test, fitted = binary
    inputs = test[["x", "w", "colour"]]
    expected = by_hand(LogisticRegression(solver="sag", tol=1e-3, max_iter=1000,
                                          random_state=SEED))  # fmt: skip
    expected.fit(train[["x", "w", "colour"]], train["y"])
    found = fitted["linear"].predict_proba(inputs)
    np.testing.assert_array_equal(found, settled(expected).predict_proba(inputs))
    # the same optimum as lbfgs, scikit-learn's default solver, within SAG's tolerance
    lbfgs = by_hand(LogisticRegression(max_iter=1000)).fit(train[["x", "w", "colour"]], train["y"])
    np.testing.assert_allclose(found, lbfgs.predict_proba(inputs), rtol=0, atol=2e-3)
    coefficients = fitted["linear"].named_steps["model"].coef_.ravel()
    assert all(float(f"{c:.{COEFFICIENT_DIGITS}g}") == c for c in coefficients)
    assert fitted["linear"].named_steps["model"].n_iter_[0] < 1000  # converged
    auc = score(model_outputs(fitted["linear"], test, MODEL_SCHEMA))["roc_auc"]
    assert 0.75 < auc < 1.0


def test_regression_baselines_are_the_mean_and_ridge() -> None:
    frame = model_frame(200, seed=7)
    frame["y"] = frame["w"] * 2.0 + (frame["colour"] == "r") + np.arange(200) / 50.0
    schema = Schema(**{**MODEL_SCHEMA.__dict__, "task": "regression", "classes": (), "labels": ()})
    fitted = fit_baselines(frame, schema, FEATURES, ("majority", "linear"), SEED)
    inputs = frame[["x", "w", "colour"]]
    np.testing.assert_array_equal(fitted["majority"].predict(inputs), frame["y"].mean())
    assert score(model_outputs(fitted["majority"], frame, schema))["r2"] == 0.0
    expected = settled(by_hand(Ridge()).fit(inputs, frame["y"]))
    np.testing.assert_array_equal(fitted["linear"].predict(inputs), expected.predict(inputs))


def test_multiclass_baselines_give_class_probabilities() -> None:
    frame = model_frame(300, seed=8)
    frame["y"] = pd.cut(frame["w"], [-np.inf, -0.3, 0.6, np.inf], labels=False).astype(int)
    schema = Schema(**{**MODEL_SCHEMA.__dict__, "task": "multiclass", "classes": (0, 1, 2),
                       "labels": (0, 1, 2)})  # fmt: skip
    fitted = fit_baselines(frame, schema, FEATURES, ["majority", "linear"], SEED)
    majority = model_outputs(fitted["majority"], frame, schema)
    assert isinstance(majority, MulticlassOutputs) and majority.proba is not None
    shares = frame["y"].value_counts(normalize=True).sort_index().to_numpy()
    np.testing.assert_allclose(majority.proba, np.tile(shares, (300, 1)), rtol=0, atol=1e-15)
    assert score(majority)["roc_auc_ovr_macro"] == 0.5
    assert score(model_outputs(fitted["linear"], frame, schema))["accuracy"] > 0.9


def test_an_unknown_baseline_is_named_before_anything_is_fitted() -> None:
    with pytest.raises(
        ConfigError, match="evaluate.baselines names 'forest'; use majority, linear"
    ):
        fit_baselines(model_frame(50), MODEL_SCHEMA, FEATURES, ["majority", "forest"], SEED)
