"""A saved model's bytes do not depend on the number of cores it was fitted with."""

import pickle

import pytest
from helpers import FEATURES, MODEL_SCHEMA, model_frame

from pipeline.io import PICKLE_PROTOCOL
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.models.threads import canonical, cores


@pytest.mark.parametrize(
    "estimator,params,stores_cores",
    [
        ("sklearn.ensemble.RandomForestClassifier", {"n_estimators": 20, "random_state": 0}, False),
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
