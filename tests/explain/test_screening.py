"""A model of many features is screened before the full permutation importance: the informative
features planted among noise are the ones kept, the result says how, and a model without
predict_proba gets partial dependence of its decision values."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers import Fitted
from sklearn.linear_model import Perceptron
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pipeline.data.features import FeaturesConfig
from pipeline.explain.analysis import explain
from pipeline.explain.config import ExplainConfig
from pipeline.explain.dependence import dependence, has_proba
from pipeline.explain.permutation import answers, predicts_from_proba
from pipeline.explain.result import ExplainResult
from pipeline.explain.screening import output_change, output_of, screen
from pipeline.explain.screening import wide as wide_table
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.schema import Schema
from pipeline.stages.explain import predicted_label

INFORMATIVE = ("pixel_017", "pixel_042", "pixel_063")  # planted among 80 columns of noise
SETTINGS = ExplainConfig(
    metric=None, n_repeats=2, n_boot=20, ci_level=0.95, max_rows=1000, group_threshold=0.5,
    dependence_features=2, grid_resolution=5, percentiles=(0.05, 0.95), dependence_rows=100,
    ice_rows=5, max_levels=20, max_features=5, screen_rows=300,
)  # fmt: skip


FEATURES = FeaturesConfig(
    include_sensitive=False, drop=(), categorical=(), min_frequency=10, scale=True
)
BOOSTING = ModelConfig(
    name="hist_gradient_boosting", task="classification",
    estimator="sklearn.ensemble.HistGradientBoostingClassifier",
    params={"max_iter": 30, "early_stopping": False, "random_state": 0},
)  # fmt: skip


def noisy_pixels(n: int = 1200, seed: int = 5) -> tuple[pd.DataFrame, Schema]:
    """80 integer columns of noise (ten of them constant), three of which decide the class."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, (n, 80))
    values[:, :10] = 0
    names = [f"pixel_{i:03d}" for i in range(80)]
    frame = pd.DataFrame(values, columns=names)
    score = sum(frame[c] - 127.5 for c in INFORMATIVE) + rng.normal(0, 20, n)
    frame["digit"] = np.digitize(score, [-60, 60])
    schema = Schema(task="multiclass", target="digit", numeric=tuple(names), categorical=(),
                    sensitive=(), classes=(0, 1, 2), labels=(0, 1, 2))  # fmt: skip
    return frame, schema


@pytest.fixture(scope="module")
def wide() -> Fitted:
    frame, schema = noisy_pixels()
    model = train(frame.iloc[:800], schema, FEATURES, BOOSTING)
    return Fitted(model, frame.iloc[800:].reset_index(drop=True), schema)


def test_the_screening_finds_the_planted_features(wide: Fitted) -> None:
    inputs = wide.inputs
    from_proba = predicts_from_proba(wide.model, inputs)
    kept, screening = screen(wide.model, inputs, "multiclass", from_proba, 5, 300, seed=0)
    assert set(INFORMATIVE) <= set(kept) and len(kept) == 5
    assert kept == sorted(kept)  # in the inputs' order
    assert screening.features == 80 and screening.rows == 300 and screening.constant == 10
    assert screening.output == "class probabilities"
    assert min(screening.scores[f] for f in INFORMATIVE) > max(
        v for f, v in screening.scores.items() if f not in INFORMATIVE
    )
    # a score is the mean of the summed absolute change of the class probabilities
    before = answers(wide.model, inputs.iloc[:50], "multiclass", from_proba)
    moved = inputs.iloc[:50].assign(pixel_017=inputs["pixel_017"].iloc[50:100].to_numpy())
    after = answers(wide.model, moved, "multiclass", from_proba)
    proba_before, proba_after = before.proba, after.proba
    expected = np.abs(proba_after - proba_before).sum(axis=1).mean()
    found = output_change(output_of(before, "multiclass")[1], output_of(after, "multiclass")[1])
    assert found == pytest.approx(expected, rel=1e-12)


def test_explain_measures_only_the_kept_features_and_says_so(wide: Fitted) -> None:
    result, _ = explain(wide.model, wide.test, wide.schema, [], None, [], SETTINGS, 10, 0)
    features = [i.name for i in result.ranked()]
    assert len(features) == 5 and set(result.ranked()[i].name for i in range(3)) == set(INFORMATIVE)
    assert result.screening is not None and result.screening.kept == 5
    assert "explain.max_features=5" in result.screening.method
    again = ExplainResult.from_json(result.to_json())
    assert again.screening == result.screening
    # under the bound nothing is screened, and the JSON has no screening key
    assert not wide_table(wide.schema.features, 80) and wide_table(wide.schema.features, 79)
    assert "screening" not in replace(result, screening=None).to_json()


def test_a_model_without_predict_proba_shows_decision_values(wide: Fitted) -> None:
    model = make_pipeline(StandardScaler(), Perceptron(random_state=0))
    model.fit(wide.inputs, wide.y)
    assert not has_proba(model)
    curves = dependence(model, wide.inputs.iloc[:60], ["pixel_017"], set(), 5, (0.05, 0.95), 5,
                        0, [0, 1, 2], 20)  # fmt: skip
    expected = model.decision_function(wide.inputs.iloc[:60])
    assert curves[0].average.shape[0] == expected.shape[1]  # one curve per class's decision
    assert predicted_label(wide.schema, probabilities=False) == (
        "decision value of each class of digit"
    )
    assert predicted_label(wide.schema).startswith("predicted probability")
