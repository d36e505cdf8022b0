"""The ingest stage's result: where the raw table came from, under which license, the checksums
that tie it to its source files, the warnings about how it was read, and the source's own
train/test partition of its rows when it has one (data/raw/provenance.json)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline.data.loaded import Loaded
from pipeline.data.partition import Partition


@dataclass(frozen=True)
class Provenance:
    dataset: str  # dataset.name
    source: str  # a citation, a file path or the synthetic recipe
    license: str
    source_sha256: dict[str, str]  # file read -> SHA-256 of its bytes
    rows: int
    columns: int
    data_sha256: str  # SHA-256 of the raw Parquet file as written
    warnings: tuple[str, ...] = ()  # how the source was read (e.g. markers that hid categories)
    partition: Partition | None = None  # the source's own train/test rows (Adult, MNIST)

    @classmethod
    def of(cls, loaded: Loaded, name: str, frame: pd.DataFrame, data_sha256: str) -> Provenance:
        """The provenance of `frame` (the written raw table), loaded as `loaded`."""
        if loaded.partition is not None and loaded.partition.rows != len(frame):
            raise ValueError(f"{loaded.partition} does not cover the {len(frame)} rows written")
        return cls(
            dataset=name,
            source=loaded.source,
            license=loaded.license,
            source_sha256=loaded.files,
            rows=len(frame),
            columns=len(frame.columns),
            data_sha256=data_sha256,
            warnings=loaded.warnings,
            partition=loaded.partition,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "source": self.source,
            "license": self.license,
            "source_sha256": dict(self.source_sha256),
            "rows": self.rows,
            "columns": self.columns,
            "data_sha256": self.data_sha256,
            "warnings": list(self.warnings),
            "official_partition": None if self.partition is None else self.partition.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Provenance:
        """Also reads files written before the partition was recorded (as without one)."""
        partition = data.get("official_partition")
        return cls(
            dataset=str(data["dataset"]),
            source=str(data["source"]),
            license=str(data["license"]),
            source_sha256={str(k): str(v) for k, v in data["source_sha256"].items()},
            rows=int(data["rows"]),
            columns=int(data["columns"]),
            data_sha256=str(data["data_sha256"]),
            warnings=tuple(str(w) for w in data.get("warnings", ())),
            partition=None if partition is None else Partition.from_json(partition),
        )
