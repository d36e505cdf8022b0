"""A saved model's bytes do not depend on the number of cores it was fitted with."""

import pickle

import numpy as np
import pandas as pd
import pytest

from pipeline.data.features import FeaturesConfig
from pipeline.io import PICKLE_PROTOCOL
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.models.threads import canonical, cores
from pipeline.schema import Schema

FEATURES = FeaturesConfig(
    include_sensitive=False, drop=(), categorical=(), min_frequency=1, scale=True
)
SCHEMA = Schema(
    task="binary", target="y", numeric=("x", "w"), categorical=("colour",), sensitive=(),
    classes=(0, 1), labels=("no", "yes"),
)  # fmt: skip


def frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = rng.normal(size=n)
    data = pd.DataFrame(
        {"x": x, "w": rng.normal(size=n), "colour": rng.choice(["r", "g", "b"], n).astype(object)}
    )
    data["y"] = (x + (data["colour"] == "r") + rng.normal(scale=0.5, size=n) > 0.5).astype(int)
    data.loc[:9, "x"] = np.nan
    data.loc[10:14, "colour"] = np.nan
    return data


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
            fitted = train(frame(400), SCHEMA, FEATURES, config)
        raw = pickle.dumps(fitted, protocol=PICKLE_PROTOCOL)
        saved.append((raw, pickle.dumps(canonical(fitted), protocol=PICKLE_PROTOCOL)))
    # a boosted model stores the thread count it was fitted with; canonical() removes it
    assert (saved[0][0] != saved[1][0]) == stores_cores
    assert saved[0][1] == saved[1][1]
