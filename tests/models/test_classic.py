"""The classic models as params/model/ configures them (Rosenblatt's perceptron, the multi-layer
perceptrons) against scikit-learn fitted directly; a model without probabilities through
evaluate, cross-validation and the fairness audit; the numeric scaling choices against
scikit-learn's scalers."""

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from fairness.cases import settings as fairness_settings
from helpers import FEATURES, ROOT, model_frame
from sklearn import metrics as skm
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_digits
from sklearn.linear_model import Perceptron
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.fairness.audit import audit
from pipeline.models.baselines import fit_baselines
from pipeline.models.build import make_estimator, make_preprocessor, train
from pipeline.models.config import ModelConfig, read_model
from pipeline.models.crossval import CrossvalConfig, fold_metrics, summarize
from pipeline.models.evaluation import evaluate
from pipeline.models.metrics import NO_PROBABILITIES, left_out
from pipeline.models.result import EvaluateConfig
from pipeline.schema import Schema
from pipeline.stages import params as compose

SEED = 3
BINARY = Schema(
    task="binary", target="y", numeric=("x", "w"), categorical=("colour",), sensitive=("sex",),
    classes=(0, 1), labels=("no", "yes"),
)  # fmt: skip
SETTINGS = EvaluateConfig(n_boot=50, ci_level=0.9, ci_method="percentile",
                          baselines=("majority", "linear"))  # fmt: skip
PROBABILITY_FREE = {
    "binary": {"accuracy", "balanced_accuracy", "f1", "precision", "recall", "roc_auc",
               "average_precision", "n_rows"},
    "multiclass": {"accuracy", "balanced_accuracy", "f1_macro", "f1_weighted", "precision_macro",
                   "precision_weighted", "recall_macro", "recall_weighted", "n_rows"},
}  # fmt: skip


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ModelConfig]:
    """The model section of params.yaml composed with `model=<name>` and seed 3."""
    folder = tmp_path_factory.mktemp("params")

    def model(name: str) -> ModelConfig:
        path = folder / f"{name}.yaml"
        compose.compose(path, [f"model={name}", f"seed={SEED}"], config_dir=ROOT / "params")
        return read_model(load_config(path))

    return model


def digits(n: int) -> tuple[pd.DataFrame, Schema]:
    """The first `n` of scikit-learn's 8x8 digits (no missing values, so the median imputer
    changes nothing and a plain scaler is the whole preprocessing)."""
    frame = load_digits(as_frame=True).frame.iloc[:n].rename(columns={"target": "digit"})
    pixels = tuple(c for c in frame.columns if c != "digit")
    schema = Schema(task="multiclass", target="digit", numeric=pixels, categorical=(),
                    sensitive=(), classes=tuple(range(10)), labels=tuple(range(10)))  # fmt: skip
    return frame, schema


def binary_frame(n: int, seed: int) -> pd.DataFrame:
    return model_frame(n, seed).assign(sex=np.random.default_rng(seed).choice(["f", "m"], n))


def test_the_shipped_settings_are_seeded_and_as_documented(shipped) -> None:
    expected = {
        "perceptron": Perceptron(penalty=None, max_iter=100, tol=1e-3, early_stopping=False,
                                 random_state=SEED),
        "mlp": MLPClassifier(hidden_layer_sizes=[256], batch_size=200, early_stopping=True,
                             random_state=SEED),
    }  # fmt: skip
    for name, oracle in expected.items():
        config = shipped(name)
        assert config.name == name
        assert make_estimator(config).get_params() == oracle.get_params()
    # the regressor learns a standardised target, predicts on the target's own scale
    regressor = make_estimator(shipped("mlp_regressor"))
    assert isinstance(regressor, TransformedTargetRegressor)
    assert isinstance(regressor.transformer, StandardScaler)
    oracle = MLPRegressor(hidden_layer_sizes=[256], batch_size=200, early_stopping=True,
                          random_state=SEED)  # fmt: skip
    assert regressor.regressor.get_params() == oracle.get_params()


@pytest.mark.parametrize("name", ["perceptron", "mlp"])
def test_a_classic_classifier_predicts_as_scikit_learn_fitted_directly(shipped, name) -> None:
    frame, schema = digits(500)
    train_rows, test_rows = frame.iloc[:400], frame.iloc[400:]
    config = shipped(name)
    fitted = train(train_rows, schema, FEATURES, config)
    oracle = make_pipeline(StandardScaler(), make_estimator(config))
    oracle.fit(train_rows[list(schema.features)].to_numpy(), train_rows["digit"])
    inputs = test_rows[list(schema.features)]
    np.testing.assert_array_equal(fitted.predict(inputs), oracle.predict(inputs.to_numpy()))
    method = "decision_function" if name == "perceptron" else "predict_proba"
    np.testing.assert_array_equal(
        getattr(fitted, method)(inputs), getattr(oracle, method)(inputs.to_numpy())
    )
    assert hasattr(fitted, "predict_proba") == (name == "mlp")
    assert skm.accuracy_score(test_rows["digit"], fitted.predict(inputs)) > 0.8


def test_the_mlp_regressor_predicts_as_scikit_learn_fitted_directly(shipped) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(400, 3)), columns=["a", "b", "c"])
    # a target far from 0 with a spread far from 1, as raw targets are
    frame["y"] = 200 + 40 * (frame["a"] - frame["b"] * frame["c"]) + rng.normal(scale=20, size=400)
    schema = Schema(task="regression", target="y", numeric=("a", "b", "c"), categorical=(),
                    sensitive=(), classes=(), labels=())  # fmt: skip
    config = shipped("mlp_regressor")
    fitted = train(frame.iloc[:300], schema, FEATURES, config)
    oracle = make_pipeline(StandardScaler(), make_estimator(config))
    oracle.fit(frame.iloc[:300][["a", "b", "c"]].to_numpy(), frame.iloc[:300]["y"])
    test = frame.iloc[300:]
    predicted = fitted.predict(test[["a", "b", "c"]])
    np.testing.assert_array_equal(predicted, oracle.predict(test[["a", "b", "c"]].to_numpy()))
    assert skm.r2_score(test["y"], predicted) > 0.6


def test_a_perceptron_is_evaluated_and_audited_without_probability_metrics(shipped) -> None:
    train_rows, test_rows = binary_frame(400, 0), binary_frame(300, 1)
    model = train(train_rows, BINARY, FEATURES, shipped("perceptron"))
    baselines = fit_baselines(train_rows, BINARY, FEATURES, SETTINGS.baselines, seed=0)
    found = evaluate(model, baselines, train_rows, test_rows, BINARY, SETTINGS, seed=0)
    metrics = found.metrics
    assert set(metrics.names) == PROBABILITY_FREE["binary"]
    assert {k.split("/")[0] for k in metrics.values} == {"test", "train"}
    assert all(v is not None and np.isfinite(v) for v in metrics.values.values())
    inputs = test_rows[list(BINARY.features)]
    score = model.decision_function(inputs)
    assert metrics.value("test", "roc_auc") == skm.roc_auc_score(test_rows["y"], score) > 0.8
    assert metrics.value("test", "accuracy") == skm.accuracy_score(
        test_rows["y"], model.predict(inputs)
    )
    assert found.left_out == dict.fromkeys(["log_loss", "brier_score"], NO_PROBABILITIES["binary"])
    # the baselines keep their own log loss; the model minus a baseline only where both have it
    assert found.baselines.value("linear", "log_loss") is not None
    assert found.baselines.value("model_minus_linear", "log_loss") is None
    assert found.baselines.interval("model_minus_linear", "roc_auc") is not None
    # the audit: AUC of decision values per group, no calibration, every label metric
    report = audit(found.predictions, BINARY, fairness_settings(n_boot=0), 0).to_json()
    assert report["scores"] == "decision"
    group = report["audits"]["sex"]["groups"]["f"]["metrics"]
    rows = (test_rows["sex"] == "f").to_numpy()
    assert group["roc_auc_score"]["value"] == pytest.approx(
        skm.roc_auc_score(test_rows["y"][rows], score[rows]), abs=1e-9
    )
    assert group["brier_score_loss"]["value"] is None
    assert group["selection_rate"]["value"] == pytest.approx(model.predict(inputs)[rows].mean())


def test_a_multiclass_perceptron_leaves_out_the_metrics_of_probabilities(shipped) -> None:
    frame, schema = digits(600)
    model = train(frame.iloc[:400], schema, FEATURES, shipped("perceptron"))
    settings = EvaluateConfig(n_boot=50, ci_level=0.9, ci_method="bca", baselines=())
    found = evaluate(model, {}, frame.iloc[:400], frame.iloc[400:], schema, settings, 0)
    assert set(found.metrics.names) == PROBABILITY_FREE["multiclass"]
    assert all(v is not None for v in found.metrics.values.values())
    assert set(found.left_out) == {"roc_auc_ovr_macro", "roc_auc_ovr_weighted", "log_loss"}
    table = fold_metrics(frame.iloc[:400], schema, FEATURES, shipped("perceptron"),
                         CrossvalConfig(folds=2, repeats=1, ci_level=0.9), seed=0)  # fmt: skip
    assert set(table.columns) == {"repeat", "fold", "n_train", "n_test"} | (
        PROBABILITY_FREE["multiclass"] - {"n_rows"}
    )
    assert "cv/log_loss" not in summarize(table, CrossvalConfig(2, 1, 0.9)).to_json()


def test_left_out_names_the_probability_metrics_a_report_lacks() -> None:
    assert left_out("binary", ["accuracy", "roc_auc", "log_loss", "brier_score"]) == {}
    assert left_out("binary", ["accuracy", "roc_auc"]) == {
        "log_loss": NO_PROBABILITIES["binary"], "brier_score": NO_PROBABILITIES["binary"]
    }  # fmt: skip
    assert left_out("regression", ["mae"]) == {}


def scaled(scale: object, frame: pd.DataFrame) -> np.ndarray:
    """The numeric block of the fitted preprocessing with `features.scale` set to `scale`."""
    schema = Schema(task="binary", target="y", numeric=("x", "w", "k"), categorical=(),
                    sensitive=(), classes=(0, 1), labels=(0, 1))  # fmt: skip
    return make_preprocessor(schema, replace(FEATURES, scale=scale)).fit_transform(frame)


@pytest.mark.parametrize(
    "scale,oracle",
    [("standard", StandardScaler()), (True, StandardScaler()), ("minmax", MinMaxScaler()),
     ("none", None), (False, None)],
)  # fmt: skip
def test_scale_choices_equal_scikit_learn_scalers(scale, oracle) -> None:
    frame = model_frame(100)[["x", "w"]].assign(k=7.0)  # x has missing values; k is constant
    imputed = frame.fillna(frame.median()).to_numpy()
    expected = imputed if oracle is None else oracle.fit_transform(imputed)
    np.testing.assert_array_equal(scaled(scale, frame), expected)
    if scale == "minmax":  # each training column spans [0, 1]; a constant one is 0
        found = scaled(scale, frame)
        assert (found[:, :2].min(axis=0) == 0).all() and (found[:, :2].max(axis=0) == 1).all()
        assert (found[:, 2] == 0).all()


def test_an_unknown_scale_names_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"features\.scale is 'zscore'; set features\.scale to "
                                          r"one of standard, minmax, none"):  # fmt: skip
        scaled("zscore", model_frame(20)[["x", "w"]].assign(k=1.0))
