"""Stage `train`: one scikit-learn Pipeline (preprocessing + estimator) fitted on train only."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from hydra.errors import InstantiationException
from hydra.utils import instantiate
from joblib import parallel_config
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from pipeline.config import FeaturesConfig, ModelConfig, load_config
from pipeline.errors import ConfigError, run_stage
from pipeline.io import write_pickle
from pipeline.schema import Schema, read_schema


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
        return instantiate({"_target_": model.estimator, **model.params})
    except InstantiationException as error:
        raise ConfigError(f"model: {str(error).strip().splitlines()[0]}") from None


def make_preprocessor(schema: Schema, features: FeaturesConfig) -> ColumnTransformer:
    numeric_steps: list = [("impute", SimpleImputer(strategy="median"))]
    if features.scale:
        numeric_steps.append(("scale", StandardScaler()))
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
    wanted = "regression" if schema.task == "regression" else "classification"
    if model.task != wanted:
        raise ConfigError(
            f"model {model.name!r} is for {model.task} but the data is a {schema.task} task; "
            f"choose a {wanted} model with -S model=..."
        )
    return Pipeline(
        [("preprocess", make_preprocessor(schema, features)), ("model", make_estimator(model))]
    )


@contextmanager
def cores(n_jobs: int) -> Iterator[None]:
    """Let joblib workers and OpenMP/BLAS threads use `n_jobs` cores inside the block."""
    with parallel_config(backend="threading", n_jobs=n_jobs), threadpool_limits(limits=n_jobs):
        yield


def canonical(model: BaseEstimator) -> BaseEstimator:
    """Reset what a fitted model stores about the machine it ran on, so its bytes do not depend
    on the number of cores: `n_jobs` goes back to None (the joblib context decides) and a
    histogram gradient-boosting binner forgets its thread count (used only while fitting)."""
    seen: set[int] = set()

    def visit(obj: object) -> None:
        if id(obj) in seen or not hasattr(obj, "__dict__"):
            return
        seen.add(id(obj))
        if isinstance(obj, BaseEstimator) and "n_jobs" in obj.get_params(deep=False):
            obj.n_jobs = None
        mapper = getattr(obj, "_bin_mapper", None)
        if mapper is not None:
            mapper.n_threads = None
        for value in vars(obj).values():
            for item in value if isinstance(value, list | tuple) else (value,):
                for part in item if isinstance(item, tuple) else (item,):
                    if isinstance(part, BaseEstimator):
                        visit(part)

    visit(model)
    return model


def train(
    frame: pd.DataFrame, schema: Schema, features: FeaturesConfig, model: ModelConfig
) -> Pipeline:
    """Fit the model pipeline on the training frame (raw feature columns, as a user has them)."""
    pipeline = build_model(schema, features, model)
    pipeline.fit(frame[schema.features], frame[schema.target])
    return pipeline


def main() -> None:
    config = load_config()
    schema = read_schema(config.paths.schema)
    frame = pd.read_parquet(config.paths.train)
    with cores(config.n_jobs):
        fitted = train(frame, schema, config.features, config.model)
    write_pickle(config.paths.model, canonical(fitted))
    print(f"train: {config.model.name} fitted on {len(frame)} rows")


if __name__ == "__main__":
    run_stage(main)
