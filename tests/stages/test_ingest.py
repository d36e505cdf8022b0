"""The ingest stage's main(): the raw table and its provenance, read back through the type."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.data.provenance import Provenance
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
