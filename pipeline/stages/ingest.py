"""Stage `ingest`: load the configured dataset, record where it came from, write it as Parquet."""

from __future__ import annotations

from pipeline.config import load_config
from pipeline.data.loaders import load
from pipeline.data.normalise_text import normalise_text
from pipeline.data.partition import required_partition
from pipeline.data.provenance import Provenance
from pipeline.data.raw import normalise
from pipeline.errors import run_stage
from pipeline.io import sha256_file, write_json, write_parquet


def main() -> None:
    config = load_config()
    loaded = load(config.dataset, config.seed)
    if config.dataset.official_split:  # fail here rather than after validation
        required_partition(loaded.partition, config.dataset.name)
    frame = normalise(loaded.frame)
    if config.dataset.normalise_text:
        frame, changed = normalise_text(frame)
        counts = ", ".join(f"{column!r} {n}" for column, n in changed.items() if n) or "none"
        print(f"ingest: normalise_text: values changed per column: {counts}")
    for warning in loaded.warnings:
        print(f"ingest: warning: {warning}")
    write_parquet(config.paths.raw, frame)
    provenance = Provenance.of(loaded, config.dataset.name, frame, sha256_file(config.paths.raw))
    write_json(config.paths.provenance, provenance.to_json())
    print(f"ingest: {config.dataset.name}: {len(frame)} rows x {len(frame.columns)} columns")


if __name__ == "__main__":
    run_stage(main)
