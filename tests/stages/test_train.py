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
