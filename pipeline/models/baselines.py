"""Baselines scored beside the model on the same rows: the majority class (or the mean), which a
model must beat to have learnt anything, and a plain linear model, which it should beat to be
worth its complexity."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

from pipeline.data.features import FeaturesConfig
from pipeline.errors import ConfigError
from pipeline.models.build import make_preprocessor
from pipeline.models.result import BASELINES
from pipeline.schema import Schema
from pipeline.sums import significant

# The logistic baseline is fitted by SAG, whose sums are scikit-learn's own loops, not BLAS: the
# same bits whatever the BLAS kernel. lbfgs goes through BLAS, whose last bits differ between CPU
# kernels, and on wide data its iterations amplify them into other predictions (MNIST's 784
# pixels: it stopped after 174 to 260 iterations, and 3 of the 10,000 test digits changed class).
# SAG reaches LOGISTIC_TOL in 150 epochs on MNIST (105 s on one core; lbfgs took 47 s).
# (Fed a sparse matrix, SAG damps its intercept's steps and stops far from the optimum.)
LOGISTIC_TOL = 1e-3
LOGISTIC_MAX_ITER = 1000
# Ridge's Cholesky solve goes through BLAS and differs between kernels by about 1e-14: the
# baselines' coefficients are rounded to this many significant digits, so that every machine scores
# the same model and writes the same baselines.json; a change of 1e-6 is far below its interval.
COEFFICIENT_DIGITS = 6


def baseline_estimator(name: str, task: str, seed: int) -> BaseEstimator:
    """The unfitted estimator of baseline `name` for a binary, multiclass or regression task."""
    regression = task == "regression"
    if name == "majority":
        # "prior": predicts the majority class and scores every row with the class shares
        return DummyRegressor(strategy="mean") if regression else DummyClassifier(strategy="prior")
    if name == "linear":
        if regression:
            return Ridge(random_state=seed)
        return LogisticRegression(
            solver="sag", tol=LOGISTIC_TOL, max_iter=LOGISTIC_MAX_ITER, random_state=seed
        )
    raise ConfigError(f"evaluate.baselines names {name!r}; use {', '.join(BASELINES)}")


def fit_baselines(
    train: pd.DataFrame, schema: Schema, features: FeaturesConfig, names: Iterable[str], seed: int
) -> dict[str, Pipeline]:
    """Each named baseline fitted on the training frame as a Pipeline that takes the raw feature
    columns like the model does: the linear one behind the model's preprocessing, with numeric
    scaling on (it needs it: the features' own to [0, 1], else standard scores); the majority one
    alone, as it never looks at a feature. Cores are the caller's: fit inside `threads.cores`."""
    names = list(names)
    for name in names:
        baseline_estimator(name, schema.task, seed)  # an unknown name fails before any fit
    scale = "minmax" if features.scale == "minmax" else "standard"
    scaled = dataclasses.replace(features, scale=scale)
    fitted = {}
    for name in names:
        steps = [] if name == "majority" else [("preprocess", make_preprocessor(schema, scaled))]
        pipeline = Pipeline([*steps, ("model", baseline_estimator(name, schema.task, seed))])
        fitted[name] = settled(pipeline.fit(train[schema.features], train[schema.target]))
    return fitted


def settled(pipeline: Pipeline) -> Pipeline:
    """The fitted pipeline with its linear model's coefficients and intercept rounded to
    COEFFICIENT_DIGITS significant digits (see there why)."""
    estimator = pipeline.steps[-1][1]
    for name in ("coef_", "intercept_"):
        if isinstance(value := getattr(estimator, name, None), np.ndarray):
            setattr(estimator, name, significant(value, COEFFICIENT_DIGITS))
        elif isinstance(value, float):
            setattr(estimator, name, float(significant(np.array(value), COEFFICIENT_DIGITS)))
    return pipeline
