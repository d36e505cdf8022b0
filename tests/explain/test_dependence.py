"""Partial dependence against scikit-learn's own on the same rows and grid (binary, multiclass,
regression), the rows per grid cell, and what sklearn leaves to its caller: missing values in a
categorical column, integer columns, one-valued columns, many levels, coinciding percentiles."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_diabetes, load_iris
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.inspection import partial_dependence
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from pipeline.data.synthetic import make_synthetic
from pipeline.explain.dependence import (
    CURVE_DIGITS,
    ICE_JSON_LINES,
    MISSING_LABEL,
    Dependence,
    dependence,
    numeric_counts,
)
from pipeline.io import dumps_json

NUMERIC = ["x1", "x2", "age"]
CATEGORICAL = ["color", "region"]
# the curves keep CURVE_DIGITS significant digits: half a unit of the last, relative
TIGHT = {"rtol": 0.5 * 10.0 ** (1 - CURVE_DIGITS) * (1 + 1e-9), "atol": 0}


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Fits and predictions on a few thousand rows: OpenMP threads only wait on busy cores."""
    with threadpool_limits(1):
        yield


def table() -> tuple[pd.DataFrame, np.ndarray]:
    """2,000 synthetic rows: an integer column, and missing values in `color`."""
    frame = make_synthetic(2000, seed=3, bias=0.3, proxy_strength=0.8)
    rng = np.random.default_rng(3)
    frame["age"] = rng.integers(18, 80, len(frame))
    frame.loc[rng.random(len(frame)) < 0.05, "color"] = np.nan
    return frame[NUMERIC + CATEGORICAL], frame["label"].to_numpy()


def fitted(estimator: object) -> Pipeline:
    inputs, label = table()
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    steps = ColumnTransformer(
        [("numeric", StandardScaler(), NUMERIC), ("categorical", categorical, CATEGORICAL)]
    )
    return Pipeline([("preprocess", steps), ("model", estimator)]).fit(inputs, label)


@pytest.fixture(scope="module", params=["hist_gradient_boosting", "logistic_regression"])
def model(request: pytest.FixtureRequest) -> Pipeline:
    if request.param == "logistic_regression":
        return fitted(LogisticRegression(max_iter=1000))
    return fitted(HistGradientBoostingClassifier(max_iter=30, random_state=0))


def run(model: object, inputs: pd.DataFrame, features: list[str], **options: object) -> list:
    settings: dict = {"grid_resolution": 12, "percentiles": (0.05, 0.95), "ice_rows": 10_000,
                      "seed": 0, "classes": [0, 1], "categorical": set(CATEGORICAL)}  # fmt: skip
    return dependence(model, inputs, features, **(settings | options))


def test_binary_equals_sklearn_on_the_same_rows_and_grid(model: Pipeline) -> None:
    inputs, _ = table()
    x1, age, region = run(model, inputs, ["x1", "age", "region"])
    floats = inputs.astype({"age": np.float64})
    for found in (x1, age):
        oracle = partial_dependence(model, floats, [found.feature], kind="both", method="brute",
                                    grid_resolution=12, percentiles=(0.05, 0.95))  # fmt: skip
        np.testing.assert_allclose(found.grid, oracle["grid_values"][0], **TIGHT)
        np.testing.assert_allclose(found.average, oracle["average"], **TIGHT)
        np.testing.assert_allclose(found.individual, oracle["individual"], **TIGHT)
        assert found.outputs == ["1"] and found.kind == "numeric"
    oracle = partial_dependence(model, inputs, ["region"], categorical_features=["region"],
                                kind="average", method="brute")  # fmt: skip
    assert region.grid == list(oracle["grid_values"][0]) == [f"r{i}" for i in range(10)]
    np.testing.assert_allclose(region.average, oracle["average"], **TIGHT)
    assert sum(region.counts) == region.n_rows == 2000
    assert region.counts == [int((inputs["region"] == g).sum()) for g in region.grid]
    # every ICE line kept: their mean is the partial dependence
    for found in (x1, age, region):
        assert found.individual.shape == (1, 2000, len(found.grid))
        np.testing.assert_allclose(found.individual.mean(axis=1), found.average, **TIGHT)


def test_missing_values_of_a_categorical_column_are_a_level_of_their_own(model: Pipeline) -> None:
    inputs, _ = table()
    (color,) = run(model, inputs, ["color"])
    missing = int(inputs["color"].isna().sum())
    assert color.grid == ["blue", "green", "purple", "red", "yellow", MISSING_LABEL]
    assert color.missing_level and color.missing_rows == missing > 50
    assert color.counts[-1] == missing and sum(color.counts) == 2000
    levels = ["blue", "green", "purple", "red", "yellow", np.nan]
    oracle = partial_dependence(model, inputs, ["color"], categorical_features=["color"],
                                custom_values={"color": levels}, kind="average")  # fmt: skip
    np.testing.assert_allclose(color.average, oracle["average"], **TIGHT)
    unknown = inputs.assign(color=np.nan)  # the missing level: every row without a colour
    assert color.average[0, -1] == pytest.approx(
        model.predict_proba(unknown)[:, 1].mean(), rel=TIGHT["rtol"]
    )
    with pytest.raises(ValueError, match="mixed data types"):  # what sklearn does alone
        partial_dependence(model, inputs, ["color"], categorical_features=["color"])


def test_ice_lines_are_a_seeded_sample_of_sklearns() -> None:
    model = fitted(LogisticRegression(max_iter=1000))
    inputs, _ = table()
    (first,) = run(model, inputs, ["x2"], ice_rows=40, seed=7)
    (again,) = run(model, inputs, ["x2"], ice_rows=40, seed=7)
    (other,) = run(model, inputs, ["x2"], ice_rows=40, seed=8)
    assert first.individual.shape == (1, 40, 12)
    assert first.ice_sample == again.ice_sample != other.ice_sample
    assert first.ice_sample == sorted(set(first.ice_sample))
    oracle = partial_dependence(model, inputs, ["x2"], kind="individual", grid_resolution=12,
                                percentiles=(0.05, 0.95), method="brute")  # fmt: skip
    np.testing.assert_allclose(first.individual, oracle["individual"][:, first.ice_sample], **TIGHT)
    data = first.to_json()
    assert len(data["ice"][0]) == min(40, ICE_JSON_LINES)
    assert json.loads(dumps_json(data)) == json.loads(
        dumps_json(Dependence.from_json(data).to_json())
    )


def test_multiclass_gives_one_row_per_class_equal_to_sklearn() -> None:
    iris = load_iris(as_frame=True)
    inputs = iris.data.iloc[::2]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(inputs, iris.target.iloc[::2])
    (found,) = dependence(model, inputs, ["petal length (cm)"], set(), 10, (0.05, 0.95), 20, 0,
                          ["setosa", "versicolor", "virginica"])  # fmt: skip
    oracle = partial_dependence(model, inputs, ["petal length (cm)"], grid_resolution=10,
                                kind="average", method="brute")  # fmt: skip
    assert found.outputs == ["setosa", "versicolor", "virginica"]
    np.testing.assert_allclose(found.average, oracle["average"], **TIGHT)
    np.testing.assert_allclose(found.average.sum(axis=0), 1.0, atol=1e-5)  # probabilities
    assert found.average[0, 0] > found.average[0, -1] + 0.15  # setosa: short petals
    assert found.average[2, -1] > found.average[2, 0] + 0.15  # virginica: long ones


def test_regression_predictions_equal_sklearn_numeric_and_categorical() -> None:
    diabetes = load_diabetes(as_frame=True, scaled=False)
    inputs = diabetes.data
    model = HistGradientBoostingRegressor(max_iter=30, random_state=0).fit(inputs, diabetes.target)
    bmi, sex = dependence(model, inputs, ["bmi", "sex"], {"sex"}, 15, (0.05, 0.95), 30, 0, None)
    oracle = partial_dependence(model, inputs, ["bmi"], grid_resolution=15, kind="average",
                                method="brute")  # fmt: skip
    np.testing.assert_allclose(bmi.grid, oracle["grid_values"][0], **TIGHT)
    np.testing.assert_allclose(bmi.average, oracle["average"], **TIGHT)
    assert bmi.outputs == ["prediction"] and bmi.average[0, -1] > bmi.average[0, 0] + 50
    oracle = partial_dependence(model, inputs, ["sex"], categorical_features=["sex"],
                                kind="average", method="brute")  # fmt: skip
    assert sex.grid == ["1.0", "2.0"] and sum(sex.counts) == len(inputs)
    np.testing.assert_allclose(sex.average, oracle["average"], **TIGHT)


def test_one_valued_columns_are_skipped_and_many_levels_cut_to_the_most_frequent() -> None:
    rng = np.random.default_rng(0)
    levels = np.repeat([f"level {i:03d}" for i in range(100)], np.arange(105, 5, -1))
    n = len(levels)  # level i on 105 - i rows
    inputs = pd.DataFrame({"many": rng.permutation(levels), "x": rng.normal(size=n),
                           "flat": np.full(n, 4.0), "one": ["a"] * n,
                           "void": pd.Series([None] * n, dtype=object)})  # fmt: skip
    model = make_pipeline(
        ColumnTransformer([("x", "passthrough", ["x"]),
                           ("many", OneHotEncoder(handle_unknown="ignore"), ["many"])]),
        LogisticRegression(),
    ).fit(inputs, (inputs["x"] + (inputs["many"] < "level 010") > 0.5).astype(int))  # fmt: skip
    names = ["many", "flat", "one", "void"]
    many, flat, one, void = dependence(model, inputs, names, {"many", "one", "void"}, 10,
                                       (0.05, 0.95), 5, 0, [0, 1])  # fmt: skip
    counted = inputs["many"].value_counts()
    assert len(many.grid) == 20 and many.left_out_levels == 80
    assert many.grid == [f"level {i:03d}" for i in range(20)]  # the most frequent, sorted
    assert many.counts == [counted[g] for g in many.grid] == list(range(105, 85, -1))
    assert sum(many.counts) + many.left_out_rows == n
    assert flat.skipped == "one value (4): nothing varies" and flat.grid == []
    assert one.skipped == "one value: nothing varies"
    assert void.skipped == "no value in any row: nothing varies"
    assert json.loads(dumps_json(one.to_json()))["skipped"] == one.skipped


def test_numeric_cells_and_a_column_mostly_at_one_value() -> None:
    counts, below, above = numeric_counts(np.array([-1.0, 0.0, 0.4, 0.6, 1.0, 1.2, 2.4, 2.6]),
                                          np.array([0.0, 1.0, 2.0]))  # fmt: skip
    assert (counts, below, above) == ([2, 3, 1], 1, 1)  # cells [-0.5, 0.5), [0.5, 1.5), [1.5, 2.5)
    rng = np.random.default_rng(0)
    loss = np.where(rng.random(2000) < 0.04, rng.integers(1000, 2500, 2000), 0)
    inputs = pd.DataFrame({"loss": loss, "x": rng.normal(size=2000)})
    model = LogisticRegression().fit(inputs.astype(float), (inputs["x"] > 0).astype(int))
    (found,) = dependence(model, inputs, ["loss"], set(), 20, (0.05, 0.95), 5, 0, [0, 1])
    assert found.percentiles == (0.0, 1.0)  # the 5th and 95th percentiles are both 0
    assert found.grid[0] == 0.0 and found.grid[-1] == loss.max() and len(found.grid) == 20
    assert found.counts[0] == (loss == 0).sum() and sum(found.counts) == 2000
    assert inputs["loss"].dtype == np.int64  # the caller's frame is left as it was
