"""The features stage's main(): both splits and the schema, written from the raw table."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.schema import read_schema

pytestmark = pytest.mark.slow


def test_main_writes_the_splits_and_the_schema(stages, capsys) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=1000"], ["ingest", "features"])
    schema = read_schema(folder / "data/features/schema.json")
    train = pd.read_parquet(folder / "data/features/train.parquet")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    assert (len(train), len(test)) == (750, 250)
    assert schema.numeric == ("x1", "x2", "z", "spurious")
    assert schema.categorical == ("color", "region") and schema.sensitive == ("group",)
    assert list(train.columns) == [*schema.features, "group", "label"]
    assert capsys.readouterr().out.endswith(
        "features: binary; 4 numeric, 2 categorical; train 750 rows, test 250 rows\n"
    )
