"""A saved model's bytes do not depend on the number of cores it was fitted with."""

import pickle
from dataclasses import replace

import pytest
from helpers import FEATURES, MODEL_SCHEMA, model_frame

from pipeline.io import PICKLE_PROTOCOL
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.models.threads import canonical, cores, thread_independent


@pytest.mark.parametrize(
    "estimator,params,stores_cores",
    [
        ("sklearn.ensemble.RandomForestClassifier", {"n_estimators": 20, "random_state": 0}, False),
        (
            "sklearn.neural_network.MLPClassifier",
            {"hidden_layer_sizes": [64], "early_stopping": True, "random_state": 0},
            False,
        ),  # fmt: skip
        pytest.param(
            "sklearn.ensemble.HistGradientBoostingClassifier",
            {"max_iter": 20, "random_state": 0},
            True,
            marks=pytest.mark.slow,  # a few seconds: boosting on two thread counts
        ),
    ],
)
def test_saved_model_bytes_do_not_depend_on_cores(estimator, params, stores_cores) -> None:
    config = ModelConfig(name="m", task="classification", estimator=estimator, params=params)
    saved = []
    for n_jobs in (1, 2):
        with cores(n_jobs):
            fitted = train(model_frame(400), MODEL_SCHEMA, FEATURES, config)
        raw = pickle.dumps(fitted, protocol=PICKLE_PROTOCOL)
        saved.append((raw, pickle.dumps(canonical(fitted), protocol=PICKLE_PROTOCOL)))
    # a boosted model stores the thread count it was fitted with; canonical() removes it
    assert (saved[0][0] != saved[1][0]) == stores_cores
    assert saved[0][1] == saved[1][1]


@pytest.mark.parametrize(
    "estimator,params,independent",
    [
        (
            "sklearn.ensemble.HistGradientBoostingClassifier",
            {"max_iter": 30, "random_state": 0},
            True,
        ),  # fmt: skip
        (
            "sklearn.ensemble.HistGradientBoostingRegressor",
            {"max_iter": 30, "random_state": 0},
            True,
        ),  # fmt: skip
        (
            "sklearn.ensemble.RandomForestClassifier",
            {"n_estimators": 20, "random_state": 0},
            False,
        ),  # fmt: skip
        ("sklearn.linear_model.LogisticRegression", {}, False),
        # BLAS products: see thread_independent
        ("sklearn.linear_model.Perceptron", {"random_state": 0}, False),
        (
            "sklearn.neural_network.MLPClassifier",
            {"hidden_layer_sizes": [16], "early_stopping": True, "random_state": 0},
            False,
        ),  # fmt: skip
    ],
)
def test_thread_independent_predictions_are_the_same_bytes_on_one_and_four_threads(
    estimator, params, independent
) -> None:
    task = "regression" if "Regressor" in estimator else "classification"
    config = ModelConfig(name="m", task=task, estimator=estimator, params=params)
    frame = model_frame(3000)
    if task == "regression":
        frame["y"] = frame["w"] * 2.0 + frame["y"]
    schema = MODEL_SCHEMA if task == "classification" else replace(MODEL_SCHEMA, task="regression")
    with cores(1):
        fitted = train(frame, schema, FEATURES, config)
    assert thread_independent(fitted) == independent
    if not independent:
        return
    outputs = []
    for n_threads in (1, 4):  # more threads than cores: rows split in every way
        with cores(n_threads):
            method = fitted.predict if task == "regression" else fitted.predict_proba
            outputs.append(method(frame[schema.features]).tobytes())
    assert outputs[0] == outputs[1]
