"""Time the explain stage on Adult and on the synthetic table, and check its importance against
scikit-learn's `permutation_importance` on the same rows.

The upstream stages (ingest to evaluate, correlation) run once in a temporary folder with the
project's defaults and the given overrides; then the explain stage runs as DVC runs it, and
scikit-learn's `permutation_importance` runs on the rows the stage explained (its single
features only, without the bootstrap, the groups, the disparities or the figures).

    .venv/bin/python benchmarks/explain.py [--dataset adult|synthetic] [--rows 1000000]
        [--max-rows 20000] [--skip-reference]

Not part of the test suite: a million synthetic rows take minutes to ingest, fit and evaluate.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from pipeline.config import load_config
from pipeline.data.sample import sample_rows
from pipeline.explain.config import ExplainConfig
from pipeline.explain.importance import SCORERS
from pipeline.explain.result import ExplainResult
from pipeline.io import read_json, read_pickle
from pipeline.models.threads import cores, thread_independent
from pipeline.schema import read_schema
from pipeline.stages import correlation, evaluate, explain, features, ingest, train, validate
from pipeline.stages import params as compose
from pipeline.stats.replicates import available_cores

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = (ingest, validate, features, train, evaluate, correlation)


def prepare(folder: Path, overrides: list[str]) -> None:
    (folder / "data").mkdir()
    (folder / "data" / "adult").symlink_to(ROOT / "data" / "adult")
    compose.compose(folder / "params.yaml", overrides, config_dir=ROOT / "params")
    for stage in UPSTREAM:
        stage.main()


def reference(settings: ExplainConfig, result: ExplainResult) -> tuple[float, float]:
    """(seconds, largest |difference| of the single features' importance) of scikit-learn's
    permutation_importance on the rows the stage explained."""
    config = load_config()
    schema = read_schema(config.paths.schema)
    model = read_pickle(config.paths.model)
    rows = sample_rows(pd.read_parquet(config.paths.test), settings.max_rows, config.seed)
    start = time.perf_counter()
    with cores(available_cores() if thread_independent(model) else 1):
        found = permutation_importance(
            model, rows[schema.features], rows[schema.target],
            scoring=SCORERS[result.task][result.metric], n_repeats=settings.n_repeats,
            random_state=config.seed,
        )  # fmt: skip
    seconds = time.perf_counter() - start
    ours = {i.name: i.mean for i in result.importances if i.kind == "feature"}
    theirs = dict(zip(schema.features, found.importances_mean, strict=True))
    return seconds, max(abs(ours[name] - theirs[name]) for name in ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["adult", "synthetic"], default="adult")
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic rows")
    parser.add_argument("--max-rows", type=int, default=None, help="explain.max_rows")
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args()
    overrides = [f"dataset={args.dataset}"]
    if args.dataset == "synthetic":
        overrides.append(f"dataset.n_rows={args.rows}")
    if args.max_rows is not None:
        overrides.append(f"explain.max_rows={args.max_rows}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        os.chdir(folder)
        start = time.perf_counter()
        prepare(folder, overrides)
        upstream = time.perf_counter() - start
        start = time.perf_counter()
        explain.main()
        seconds = time.perf_counter() - start
        settings = load_config().section(ExplainConfig, "explain")
        result = ExplainResult.from_json(read_json(folder / "reports/explain.json"))
        ref = (np.nan, np.nan) if args.skip_reference else reference(settings, result)
    targets = f"{len(result.ranked())} + {len(result.ranked('group'))}"
    print(f"\nexplain stage, {args.dataset}, {available_cores()} cores, load "
          f"{os.getloadavg()[0]:.1f}; upstream stages {upstream:.1f} s\n")  # fmt: skip
    print("| test rows | rows explained | features + groups | repeats | n_boot | explain stage | "
          "sklearn permutation_importance |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    print(f"| {result.test_rows:,} | {result.rows:,} | {targets} | {result.n_repeats} | "
          f"{result.n_boot} | {seconds:.1f} s | {ref[0]:.1f} s |")  # fmt: skip
    print(f"\nlargest |importance - scikit-learn's|: {ref[1]:.3e}")


if __name__ == "__main__":
    main()
