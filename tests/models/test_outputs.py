"""A model's outputs by task: a binary score (probability or decision value), multiclass
probabilities when the model has them, and the predictions file built from them."""

import numpy as np
import pandas as pd
import pytest
from helpers import FEATURES, ROOT

from pipeline.config import load_config
from pipeline.models.build import train
from pipeline.models.config import ModelConfig, read_model
from pipeline.models.metrics import score
from pipeline.models.outputs import (
    BinaryOutputs,
    MulticlassOutputs,
    Outputs,
    labels_from_proba,
    model_outputs,
    predictions,
)
from pipeline.schema import Schema
from pipeline.stages import params as compose

BINARY = Schema(
    task="binary", target="y", numeric=("x",), categorical=(), sensitive=("s",),
    classes=(0, 1), labels=("no", "yes"),
)  # fmt: skip
RIDGE = ModelConfig("ridge", "classification", "sklearn.linear_model.RidgeClassifier", {})


def frame(n: int = 200, classes: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    y = rng.integers(0, classes, n)
    return pd.DataFrame({"x": y + rng.normal(scale=0.8, size=n), "s": rng.choice(["f", "m"], n),
                         "y": y})  # fmt: skip


def test_a_model_without_probabilities_scores_by_its_decision_values() -> None:
    data = frame()
    model = train(data, BINARY, FEATURES, RIDGE)
    outputs = model_outputs(model, data, BINARY)
    assert isinstance(outputs, BinaryOutputs) and not outputs.probabilities
    np.testing.assert_array_equal(outputs.y_score, model.decision_function(data[["x"]]))
    metrics = score(outputs)
    assert np.isnan(metrics["log_loss"]) and np.isnan(metrics["brier_score"])
    assert 0.5 < metrics["roc_auc"] <= 1.0 and metrics["n_rows"] == 200


def test_multiclass_without_probabilities_has_no_ranking_metrics() -> None:
    data = frame(classes=3)
    schema = Schema(**{**BINARY.__dict__, "task": "multiclass", "classes": (0, 1, 2),
                       "labels": (0, 1, 2)})  # fmt: skip
    outputs = model_outputs(train(data, schema, FEATURES, RIDGE), data, schema)
    assert isinstance(outputs, MulticlassOutputs) and outputs.proba is None
    assert outputs.classes == [0, 1, 2]
    metrics = score(outputs)
    assert np.isnan(metrics["roc_auc_ovr_macro"]) and np.isnan(metrics["log_loss"])
    assert metrics["accuracy"] > 0.5


def test_the_predictions_file_has_the_score_only_for_binary_tasks() -> None:
    data = frame()
    y = data["y"].to_numpy()
    binary = predictions(BinaryOutputs(y, y, y * 0.5, True), data, BINARY)
    assert list(binary.to_frame().columns) == ["y_true", "y_pred", "y_score", "s"]
    plain = predictions(Outputs(y, y), data, BINARY)
    assert plain.y_score is None and list(plain.to_frame().columns) == ["y_true", "y_pred", "s"]


CLASSIFIERS = sorted(
    path.stem
    for path in (ROOT / "params" / "model").glob("*.yaml")
    if "task: classification" in path.read_text()
)


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_labels_from_probabilities_only_where_they_are_the_models_own(name, tmp_path) -> None:
    """For every classifier of params/model/: where model_outputs takes the labels from the
    probabilities (one pass), they are the bytes `predict` gives, on two and three classes; the
    classifiers left out are the ones whose `predict` is not defined that way."""
    compose.compose(tmp_path / "params.yaml", [f"model={name}"], config_dir=ROOT / "params")
    config = read_model(load_config(tmp_path / "params.yaml"))
    for classes in (2, 3):
        data = frame(300, classes)
        task = "binary" if classes == 2 else "multiclass"
        levels = tuple(range(classes))
        schema = Schema(**{**BINARY.__dict__, "task": task, "classes": levels, "labels": levels})
        model = train(data, schema, FEATURES, config)
        outputs = model_outputs(model, data, schema)
        np.testing.assert_array_equal(outputs.y_pred, model.predict(data[["x"]]))
        assert outputs.y_pred.dtype == model.predict(data[["x"]]).dtype
    assert labels_from_proba(model) == (
        name in ("hist_gradient_boosting", "random_forest", "svm")  # svm: calibrated
    )
