"""The ingest stage's main(): the raw table and its provenance, read back through the type."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from corpus.cases_mnist import TRAIN_IMAGES, read_real, sample, write_mnist

from pipeline.data.partition import Partition
from pipeline.data.provenance import Provenance
from pipeline.errors import ConfigError
from pipeline.io import read_json, sha256_file

pytestmark = pytest.mark.slow


def test_main_writes_the_raw_table_and_where_it_came_from(stages, capsys) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=500"], ["ingest"])
    raw = pd.read_parquet(folder / "data/raw/data.parquet")
    provenance = Provenance.from_json(read_json(folder / "data/raw/provenance.json"))
    assert (provenance.rows, provenance.columns) == raw.shape == (500, 8)
    assert provenance.dataset == "synthetic" and list(provenance.source_sha256) == ["recipe"]
    assert provenance.source.endswith("make_synthetic(n_rows=500, seed=42, bias=0.3, "
                                      "proxy_strength=0.9, plant_leak=False)")  # fmt: skip
    assert provenance.data_sha256 == sha256_file(folder / "data/raw/data.parquet")
    assert isinstance(raw["group"].dtype, pd.StringDtype)
    assert capsys.readouterr().out == "ingest: synthetic: 500 rows x 8 columns\n"


def test_main_normalises_text_and_prints_and_records_the_warnings(
    stages, capsys, tmp_path: Path
) -> None:
    """Text: ' Yes' joins 'yes' (the more frequent); 'NO ' and 'no' tie: the first sorted, 'NO'."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data/mine.csv").write_text(
        "country,x,y\nNA,1,yes\nDE,2, Yes\nNA,3,yes\nFR,4,NO \nDE,5,no\n"
    )
    overrides = ["dataset=csv", "dataset.path=data/mine.csv", "dataset.target=y",
                 "dataset.sensitive=[country]", "dataset.normalise_text=true"]  # fmt: skip
    folder = stages(overrides, ["ingest"])
    raw = pd.read_parquet(folder / "data/raw/data.parquet")
    assert raw["y"].tolist() == ["yes", "yes", "yes", "NO", "NO"]
    assert raw["country"].isna().sum() == 2
    warning = ("sensitive column 'country': 2 cells 'NA' read as missing by dataset.na_values; "
               "if 'NA' is a category, remove it from dataset.na_values")  # fmt: skip
    assert capsys.readouterr().out == (
        "ingest: normalise_text: values changed per column: 'y' 3\n"
        f"ingest: warning: {warning}\n"
        "ingest: csv: 5 rows x 3 columns\n"
    )
    provenance = Provenance.from_json(read_json(folder / "data/raw/provenance.json"))
    assert provenance.warnings == (warning,)


def test_main_writes_mnist_with_its_official_partition(stages, capsys, tmp_path: Path) -> None:
    write_mnist(tmp_path / "data" / "mnist", sample(50, 10))
    folder = stages(["dataset=mnist", "dataset.sha256=null"], ["ingest"])
    raw = pd.read_parquet(folder / "data/raw/data.parquet")
    provenance = Provenance.from_json(read_json(folder / "data/raw/provenance.json"))
    assert raw.shape == (60, 785) and provenance.partition == Partition(train=50, test=10)
    assert (raw["pixel_20_07"].to_numpy()[:50] == read_real(TRAIN_IMAGES, 50)[:, 20, 7]).all()
    assert raw["pixel_27_27"].dtype == "uint8" and raw["digit"].dtype == "int64"
    assert provenance.license.startswith("CC BY-SA 3.0") and "LeCun" in provenance.source
    assert capsys.readouterr().out == "ingest: mnist: 60 rows x 785 columns\n"


def test_main_refuses_an_official_split_the_source_does_not_have(stages) -> None:
    with pytest.raises(ConfigError, match=r"dataset 'synthetic' has no official train/test"):
        stages(["dataset=synthetic", "dataset.n_rows=100", "dataset.official_split=true"],
               ["ingest"])  # fmt: skip
    assert not (Path("data/raw/data.parquet")).exists()
