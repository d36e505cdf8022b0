"""Baselines scored beside the model on the same rows: the majority class (or the mean), which a
model must beat to have learnt anything, and a plain linear model, which it should beat to be
worth its complexity."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

from pipeline.data.features import FeaturesConfig
from pipeline.errors import ConfigError
from pipeline.models.build import make_preprocessor
from pipeline.schema import Schema

BASELINES = ("majority", "linear")
# lbfgs converges on Adult (101 columns after one-hot) in 74 iterations, about 1.5 s on one
# core; 1000 leaves room for harder data without a ConvergenceWarning.
LOGISTIC_MAX_ITER = 1000


def baseline_estimator(name: str, task: str, seed: int) -> BaseEstimator:
    """The unfitted estimator of baseline `name` for a binary, multiclass or regression task."""
    regression = task == "regression"
    if name == "majority":
        # "prior": predicts the majority class and scores every row with the class shares
        return DummyRegressor(strategy="mean") if regression else DummyClassifier(strategy="prior")
    if name == "linear":
        if regression:
            return Ridge(random_state=seed)
        return LogisticRegression(max_iter=LOGISTIC_MAX_ITER, random_state=seed)
    raise ConfigError(f"evaluate.baselines names {name!r}; use {', '.join(BASELINES)}")


def fit_baselines(
    train: pd.DataFrame, schema: Schema, features: FeaturesConfig, names: Iterable[str], seed: int
) -> dict[str, Pipeline]:
    """Each named baseline fitted on the training frame behind the model's preprocessing, with
    numeric scaling on (the linear model needs it), as a Pipeline that takes the raw feature
    columns like the model does. Cores are the caller's: fit inside `threads.cores`."""
    names = list(names)
    for name in names:
        baseline_estimator(name, schema.task, seed)  # an unknown name fails before any fit
    scaled = dataclasses.replace(features, scale=True)
    fitted = {}
    for name in names:
        pipeline = Pipeline(
            [
                ("preprocess", make_preprocessor(schema, scaled)),
                ("model", baseline_estimator(name, schema.task, seed)),
            ]
        )
        fitted[name] = pipeline.fit(train[schema.features], train[schema.target])
    return fitted
