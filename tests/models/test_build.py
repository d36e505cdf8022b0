"""The model pipeline: preprocessing fitted on the training frame only, estimators by class path."""

import numpy as np
import pandas as pd
import pytest
from helpers import FEATURES, MODEL_SCHEMA, model_frame

from pipeline.errors import ConfigError
from pipeline.models.build import build_model, make_estimator, train
from pipeline.models.config import ModelConfig
from pipeline.schema import Schema


def model(name="logistic_regression", task="classification", estimator=None, **params):
    estimator = estimator or "sklearn.linear_model.LogisticRegression"
    return ModelConfig(name=name, task=task, estimator=estimator, params=params)


def test_preprocessing_is_fitted_on_the_training_frame_only() -> None:
    data = model_frame()
    fitted = train(data, MODEL_SCHEMA, FEATURES, model(random_state=0))
    numeric = fitted.named_steps["preprocess"].named_transformers_["numeric"]
    medians = data[["x", "w"]].median().to_numpy()
    np.testing.assert_allclose(numeric.named_steps["impute"].statistics_, medians, rtol=0, atol=0)
    imputed = data[["x", "w"]].fillna(data[["x", "w"]].median())
    np.testing.assert_allclose(numeric.named_steps["scale"].mean_, imputed.mean().to_numpy())


def test_unseen_categories_and_missing_values_are_tolerated() -> None:
    fitted = train(model_frame(), MODEL_SCHEMA, FEATURES, model(random_state=0))
    new = pd.DataFrame({"x": [0.1, np.nan], "w": [0.0, 1.0], "colour": ["violet", np.nan]})
    assert fitted.predict_proba(new).shape == (2, 2)


def test_the_model_sees_raw_feature_columns_only() -> None:
    data = model_frame().assign(sex=["f", "m"] * 100)
    fitted = train(data, MODEL_SCHEMA, FEATURES, model(random_state=0))
    assert list(fitted.feature_names_in_) == ["x", "w", "colour"]


def test_seeded_training_is_repeatable() -> None:
    config = model("random_forest", estimator="sklearn.ensemble.RandomForestClassifier",
                   n_estimators=10, random_state=5)  # fmt: skip
    a = train(model_frame(), MODEL_SCHEMA, FEATURES, config).predict_proba(model_frame(seed=1))
    b = train(model_frame(), MODEL_SCHEMA, FEATURES, config).predict_proba(model_frame(seed=1))
    np.testing.assert_array_equal(a, b)


def test_unknown_estimator_parameter_is_named() -> None:
    with pytest.raises(ConfigError, match="model.n_trees is not a parameter of LogisticRegression"):
        make_estimator(model(n_trees=3))


def test_unimportable_estimator_is_named() -> None:
    with pytest.raises(ConfigError, match="'sklearn.nope.Model' cannot be imported"):
        make_estimator(model(estimator="sklearn.nope.Model"))


def test_model_task_mismatch_is_an_error() -> None:
    regression = Schema(
        **{**MODEL_SCHEMA.__dict__, "task": "regression", "classes": (), "labels": ()}
    )
    with pytest.raises(ConfigError, match="is for classification but the data is a regression"):
        build_model(regression, FEATURES, model())
    with pytest.raises(ConfigError, match="choose a classification model"):
        build_model(
            MODEL_SCHEMA, FEATURES, model("ridge", "regression", "sklearn.linear_model.Ridge")
        )
