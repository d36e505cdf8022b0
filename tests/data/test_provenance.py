"""The ingest stage's result reads back as it was written, the source's partition included, and
a file written before the partition was recorded still reads."""

import json

import pandas as pd
import pytest

from pipeline.data.loaded import Loaded
from pipeline.data.partition import Partition
from pipeline.data.provenance import Provenance
from pipeline.io import dumps_json


def test_provenance_round_trips_through_its_json() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    loaded = Loaded(frame, "somewhere", "CC0", {"f.csv": "0" * 64}, ("a warning",))
    provenance = Provenance.of(loaded, "csv", frame, "1" * 64)
    assert (provenance.rows, provenance.columns) == (3, 2)
    assert provenance.warnings == ("a warning",) and provenance.partition is None
    data = provenance.to_json()
    assert sorted(data) == [
        "columns", "data_sha256", "dataset", "license", "official_partition", "rows", "source",
        "source_sha256", "warnings",
    ]  # fmt: skip
    assert data["warnings"] == ["a warning"] and data["official_partition"] is None
    assert Provenance.from_json(json.loads(dumps_json(data))) == provenance


def test_the_official_partition_is_recorded_and_read_back() -> None:
    frame = pd.DataFrame({"a": range(5)})
    loaded = Loaded(frame, "s", "CC0", {}, partition=Partition(train=3, test=2))
    provenance = Provenance.of(loaded, "adult", frame, "1" * 64)
    data = json.loads(dumps_json(provenance.to_json()))
    assert data["official_partition"] == {"test": 2, "train": 3}
    assert Provenance.from_json(data).partition == Partition(train=3, test=2)
    with pytest.raises(ValueError, match="does not cover the 4 rows"):
        Provenance.of(loaded, "adult", frame.head(4), "1" * 64)


def test_a_file_without_the_partition_reads_as_having_none() -> None:
    old = {
        "columns": 2, "data_sha256": "1" * 64, "dataset": "adult", "license": "CC BY 4.0",
        "rows": 3, "source": "UCI", "source_sha256": {"adult.data": "0" * 64}, "warnings": [],
    }  # fmt: skip
    provenance = Provenance.from_json(old)
    assert provenance.partition is None and provenance.rows == 3
