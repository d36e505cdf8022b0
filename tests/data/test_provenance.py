"""The ingest stage's result reads back as it was written."""

import json

import pandas as pd

from pipeline.data.loaded import Loaded
from pipeline.data.provenance import Provenance
from pipeline.io import dumps_json


def test_provenance_round_trips_through_its_json() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    loaded = Loaded(frame, "somewhere", "CC0", {"f.csv": "0" * 64}, ("a warning",))
    provenance = Provenance.of(loaded, "csv", frame, "1" * 64)
    assert (provenance.rows, provenance.columns) == (3, 2)
    assert provenance.warnings == ("a warning",)
    data = provenance.to_json()
    assert sorted(data) == [
        "columns", "data_sha256", "dataset", "license", "rows", "source", "source_sha256",
        "warnings",
    ]  # fmt: skip
    assert data["warnings"] == ["a warning"]
    assert Provenance.from_json(json.loads(dumps_json(data))) == provenance
