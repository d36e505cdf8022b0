"""The features stage's main(): both splits and the schema, written from the raw table; the
source's own partition, read from the provenance, when `dataset.official_split` is set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from corpus.cases_mnist import TEST_LABELS, TRAIN_LABELS, read_real, sample, write_mnist

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
        "features: binary; 4 numeric, 2 categorical; seeded split (split.test_size=0.25, "
        "stratified): train 750 rows, test 250 rows\n"
    )


def test_main_keeps_the_official_partition_recorded_by_ingest(stages, capsys, tmp_path) -> None:
    write_mnist(tmp_path / "data" / "mnist", sample(60, 20))
    folder = stages(["dataset=mnist", "dataset.sha256=null", "split.test_size=0.5"],
                    ["ingest", "features"])  # fmt: skip
    train = pd.read_parquet(folder / "data/features/train.parquet")
    test = pd.read_parquet(folder / "data/features/test.parquet")
    assert train["digit"].tolist() == read_real(TRAIN_LABELS, 60).tolist()
    assert test["digit"].tolist() == read_real(TEST_LABELS, 20).tolist()
    assert read_schema(folder / "data/features/schema.json").classes == tuple(range(10))
    assert set(train.dtypes.iloc[:784]) == {np.dtype("uint8")}
    assert capsys.readouterr().out.endswith(
        "features: multiclass; 784 numeric, 0 categorical; official split of the source "
        "(dataset.official_split): train 60 rows, test 20 rows\n"
    )
