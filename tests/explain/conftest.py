"""Fitted models shared by the explanation tests: HistGradientBoosting pipelines on a sample of
Adult, on the synthetic table (with a pure-noise column), and on small multiclass and regression
tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import ROOT, Fitted
from sklearn.datasets import load_diabetes, make_classification

from pipeline.config import DatasetConfig, from_mapping
from pipeline.data.adult import load_adult
from pipeline.data.features import FeaturesConfig, build_features
from pipeline.data.split import SplitConfig
from pipeline.data.synthetic import make_synthetic
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.models.threads import cores
from pipeline.schema import Schema

FEATURES = FeaturesConfig(
    include_sensitive=False, drop=(), categorical=(), min_frequency=10, scale=True
)


def boosting(task: str = "classification", max_iter: int = 60) -> ModelConfig:
    kind = "Classifier" if task == "classification" else "Regressor"
    return ModelConfig(
        name="hist_gradient_boosting", task=task,
        estimator=f"sklearn.ensemble.HistGradientBoosting{kind}",
        params={"max_iter": max_iter, "early_stopping": False, "random_state": 0},
    )  # fmt: skip


@pytest.fixture(scope="session", autouse=True)
def one_core() -> Iterator[None]:
    """Fit and predict on one thread: OpenMP threads of HistGradientBoosting spin for minutes on a
    machine whose cores are busy with other tests."""
    with cores(1):
        yield


@pytest.fixture(scope="session")
def adult() -> Fitted:
    """2,000 training and 2,000 test rows of Adult (sex and race kept aside as sensitive)."""
    raw = yaml.safe_load((ROOT / "params/dataset/adult.yaml").read_text())
    dataset = from_mapping(DatasetConfig, {**raw, "source": str(ROOT / raw["source"])}, "dataset")
    split = SplitConfig(test_size=0.25, stratify=True)
    train_rows, test, schema = build_features(load_adult(dataset).frame, dataset, FEATURES,
                                              split, seed=42)  # fmt: skip
    fit_rows = train_rows.sample(2000, random_state=0)
    model = train(fit_rows, schema, FEATURES, boosting())
    return Fitted(model, test.sample(2000, random_state=1).reset_index(drop=True), schema)


SYNTHETIC = Schema(
    task="binary", target="label", numeric=("x1", "x2", "z", "spurious", "noise"),
    categorical=("color", "region"), sensitive=("group",), classes=(0, 1), labels=(0, 1),
)  # fmt: skip


def synthetic_fit(leak: bool) -> Fitted:
    frame = make_synthetic(4000, seed=7, bias=0.6, proxy_strength=0.9, plant_leak=leak)
    frame["noise"] = np.random.default_rng(11).normal(size=len(frame))
    schema = SYNTHETIC
    if leak:
        schema = replace(SYNTHETIC, numeric=(*SYNTHETIC.numeric, "leak"))
    model = train(frame.iloc[:2500], schema, FEATURES, boosting())
    return Fitted(model, frame.iloc[2500:].reset_index(drop=True), schema)


@pytest.fixture(scope="session")
def synthetic() -> Fitted:
    """The synthetic table: `group` sensitive and not an input, `region` its planted proxy."""
    return synthetic_fit(leak=False)


@pytest.fixture(scope="session")
def leaky() -> Fitted:
    """The synthetic table with its planted leak (the label, 0.2% flipped) as an input."""
    return synthetic_fit(leak=True)


@pytest.fixture(scope="session")
def three_classes() -> Fitted:
    x, y = make_classification(900, n_features=5, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=0)  # fmt: skip
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(5)]).assign(y=y)
    schema = Schema(task="multiclass", target="y", numeric=tuple(frame.columns[:5]),
                    categorical=(), sensitive=(), classes=(0, 1, 2), labels=(0, 1, 2))  # fmt: skip
    model = train(frame.iloc[:600], schema, FEATURES, boosting(max_iter=30))
    return Fitted(model, frame.iloc[600:].reset_index(drop=True), schema)


@pytest.fixture(scope="session")
def diabetes() -> Fitted:
    frame = load_diabetes(as_frame=True).frame
    schema = Schema(task="regression", target="target", numeric=tuple(frame.columns[:-1]),
                    categorical=(), sensitive=(), classes=(), labels=())  # fmt: skip
    model = train(frame.iloc[:300], schema, FEATURES, boosting("regression", max_iter=30))
    return Fitted(model, frame.iloc[300:].reset_index(drop=True), schema)
