"""The model as one scikit-learn Pipeline: preprocessing of the raw feature columns, then the
configured estimator, fitted on the training split only."""

from __future__ import annotations

import importlib
from typing import Any

import pandas as pd
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

from pipeline.data.features import FeaturesConfig
from pipeline.errors import ConfigError, first_line
from pipeline.models.config import ModelConfig
from pipeline.schema import Schema
from pipeline.tasks import model_task

# features.scale: how numeric columns are scaled, fitted on the training split only. `minmax`
# maps each column's training range to [0, 1] (a constant column to 0), which keeps pixels'
# zeros at zero; the booleans of older configs keep their meaning (true: standard, false: none).
SCALES = {"standard": StandardScaler, "minmax": MinMaxScaler, "none": None}


def make_estimator(model: ModelConfig) -> BaseEstimator:
    """Instantiate `model.estimator` with `model.params`, naming any parameter it does not take.

    A parameter may itself be an estimator given by its own `_target_` (Hydra's instantiate
    convention), e.g. a calibrated SVC.
    """
    module_name, _, class_name = model.estimator.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError):
        raise ConfigError(f"model._target_ {model.estimator!r} cannot be imported") from None
    known = cls().get_params()
    for key in model.params:
        if key not in known:
            raise ConfigError(
                f"model.{key} is not a parameter of {class_name}; known: {', '.join(sorted(known))}"
            )
    try:
        # "all": lists (an MLP's layer sizes) reach the estimator as plain lists, not OmegaConf's
        return instantiate({"_target_": model.estimator, **model.params}, _convert_="all")
    except InstantiationException as error:
        raise ConfigError(f"model: {first_line(error)}") from None


def make_preprocessor(schema: Schema, features: FeaturesConfig) -> ColumnTransformer:
    """Numeric columns: median imputation, then the scaling of `features.scale`; categorical: a
    "missing" level, then one-hot with rare and unseen levels grouped."""
    numeric_steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
    if (scaler := SCALES[features.scaling]) is not None:
        numeric_steps.append(("scale", scaler()))
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            (
                "onehot",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=features.min_frequency,
                    sparse_output=False,
                ),
            ),
        ]
    )
    return ColumnTransformer(
        [
            ("numeric", Pipeline(numeric_steps), list(schema.numeric)),
            ("categorical", categorical, list(schema.categorical)),
        ],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def build_model(schema: Schema, features: FeaturesConfig, model: ModelConfig) -> Pipeline:
    """The unfitted pipeline, after checking that the model suits the data's task."""
    wanted = model_task(schema.task)
    if model.task != wanted:
        raise ConfigError(
            f"model {model.name!r} is for {model.task} but the data is a {schema.task} task; "
            f"choose a {wanted} model with -S model=..."
        )
    return Pipeline(
        [("preprocess", make_preprocessor(schema, features)), ("model", make_estimator(model))]
    )


def train(
    frame: pd.DataFrame, schema: Schema, features: FeaturesConfig, model: ModelConfig
) -> Pipeline:
    """Fit the model pipeline on the training frame (raw feature columns, as a user has them)."""
    pipeline = build_model(schema, features, model)
    pipeline.fit(frame[schema.features], frame[schema.target])
    return pipeline
