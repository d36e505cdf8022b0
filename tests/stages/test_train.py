"""The train stage's main(): the fitted pipeline, saved without the machine's core count."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.io import read_pickle
from pipeline.schema import read_schema

pytestmark = pytest.mark.slow


def test_main_saves_a_pipeline_that_predicts_from_raw_columns(stages, capsys) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=1000", "model=random_forest",
         "model.n_estimators=10", "n_jobs=2"],
        ["ingest", "features", "train"],
    )  # fmt: skip
    model = read_pickle(folder / "models/model.pkl")
    schema = read_schema(folder / "data/features/schema.json")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    assert model.predict(test[schema.features]).shape == (250,)
    assert model.named_steps["model"].n_jobs is None  # canonical: not the 2 it ran with
    assert model.named_steps["model"].random_state == 42
    assert capsys.readouterr().out.endswith("train: random_forest fitted on 750 rows\n")


def test_an_mlp_on_minmax_pixels_is_saved_as_the_same_bytes_on_every_run(stages) -> None:
    overrides = ["dataset=digits", "model=mlp", "model.hidden_layer_sizes=[32]",
                 "features.scale=minmax", "n_jobs=2"]  # fmt: skip
    folder = stages(overrides, ["ingest", "features", "train"])
    first = (folder / "models/model.pkl").read_bytes()
    stages([*overrides[:-1], "n_jobs=1"], ["train"])
    assert (folder / "models/model.pkl").read_bytes() == first
    model = read_pickle(folder / "models/model.pkl")
    numeric = model.named_steps["preprocess"].named_transformers_["numeric"]
    train = pd.read_parquet(folder / "data/features/train.parquet")
    pixels = list(read_schema(folder / "data/features/schema.json").numeric)
    span = train[pixels].max() - train[pixels].min()
    assert type(numeric.named_steps["scale"]).__name__ == "MinMaxScaler"
    assert (numeric.named_steps["scale"].scale_ == (1 / span.where(span > 0, 1)).to_numpy()).all()
    assert model.named_steps["model"].random_state == 42
