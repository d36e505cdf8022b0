"""Time the fairness stage's audit against fairlearn's MetricFrame on the same predictions.

    .venv/bin/python benchmarks/fairness.py [--rows 1000000] [--n-boot 1000] [--fairlearn-boot 0]
                                            [--scores]

Both compute per-group metrics on 10 intersectional groups (sex x 5 races). The stage computes
its full binary audit (3 audits: each attribute and their combination; 11 rates per group,
disparities by every method, verdicts) with n_boot bootstrap replicates; MetricFrame computes
five metrics (selection_rate, true/false positive rate, accuracy, precision) once, with no
intervals. `--fairlearn-boot N` also times MetricFrame with N bootstrap replicates (slow).
`--scores` adds a probability column, so the stage also computes ROC AUC, Brier score and
calibration error per group, whose bootstrap resamples rows (O(rows x n_boot), not O(groups)).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import sklearn.metrics as skm
import yaml
from fairlearn.metrics import (
    MetricFrame,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

from pipeline.config import from_mapping
from pipeline.fairness.audit import audit
from pipeline.fairness.config import FairnessConfig
from pipeline.predictions import Predictions
from pipeline.schema import Schema

DEFAULTS = Path(__file__).resolve().parents[1] / "params/fairness/default.yaml"
RACES = ("Amer-Indian-Eskimo", "Asian-Pac-Islander", "Black", "Other", "White")
T = TypeVar("T")


def make_predictions(n_rows: int, seed: int) -> pd.DataFrame:
    """Binary predictions with group-dependent base and selection rates."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["Female", "Male"], size=n_rows, p=[0.33, 0.67])
    race = rng.choice(RACES, size=n_rows, p=[0.01, 0.03, 0.1, 0.01, 0.85])
    base = np.where(sex == "Male", 0.3, 0.11)
    y_true = (rng.random(n_rows) < base).astype(np.int64)
    flip = rng.random(n_rows) < np.where(race == "White", 0.12, 0.18)
    y_pred = np.where(flip, 1 - y_true, y_true).astype(np.int64)
    y_score = np.clip(0.5 * y_pred + 0.5 * rng.random(n_rows), 0.0, 1.0)
    return pd.DataFrame(
        {"y_true": y_true, "y_pred": y_pred, "y_score": y_score, "sex": sex, "race": race}
    )


def settings(n_boot: int) -> FairnessConfig:
    """The stage's defaults (params/fairness/default.yaml) with `n_boot` replicates."""
    defaults = from_mapping(FairnessConfig, yaml.safe_load(DEFAULTS.read_text()), "fairness")
    return replace(defaults, n_boot=n_boot)


def metric_frame(frame: pd.DataFrame, n_boot: int = 0) -> MetricFrame:
    metrics = {
        "selection_rate": selection_rate,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "accuracy_score": skm.accuracy_score,
        "precision_score": skm.precision_score,
    }
    extra = {"n_boot": n_boot, "ci_quantiles": [0.025, 0.975], "random_state": 0} if n_boot else {}
    return MetricFrame(
        metrics=metrics,
        y_true=frame["y_true"],
        y_pred=frame["y_pred"],
        sensitive_features=frame[["sex", "race"]],
        **extra,
    )


def timed(function: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[float, T]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--fairlearn-boot", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scores", action="store_true")
    args = parser.parse_args()
    frame = make_predictions(args.rows, args.seed)
    if not args.scores:
        frame = frame.drop(columns="y_score")
    schema = Schema(
        task="binary",
        target="y",
        numeric=(),
        categorical=(),
        sensitive=("sex", "race"),
        classes=(0, 1),
        labels=(0, 1),
    )
    predictions = Predictions.from_frame(frame)
    warm_up = Predictions.from_frame(frame.head(1000))
    audit(warm_up, schema, settings(10), args.seed)  # warm up imports and caches
    stage_time, result = timed(audit, predictions, schema, settings(args.n_boot), args.seed)
    with warnings.catch_warnings():
        # precision of a group without predicted positives: sklearn warns and returns 0
        warnings.simplefilter("ignore", category=skm._classification.UndefinedMetricWarning)
        fairlearn_time, mf = timed(metric_frame, frame)
        boot_time = None
        if args.fairlearn_boot:
            boot_time, _ = timed(metric_frame, frame, args.fairlearn_boot)
    joint = {group.label: group for group in result.audit("sex_x_race").groups}
    ours = {
        (key, name): joint[", ".join(key)].metrics[name].value
        for key, row in mf.by_group.iterrows()
        for name in row.index
    }
    worst = max(
        abs(found - mf.by_group.loc[key, name])
        for (key, name), found in ours.items()
        if found is not None  # undefined here; sklearn's 0 for precision without predictions
    )
    n_groups = len(joint)
    print(
        f"{'rows':>10} {'groups':>7} {'stage (n_boot=' + str(args.n_boot) + ')':>20} "
        f"{'MetricFrame (no bootstrap)':>27} {'speed-up':>9}"
    )
    print(
        f"{args.rows:>10} {n_groups:>7} {stage_time:>19.3f}s {fairlearn_time:>26.3f}s "
        f"{fairlearn_time / stage_time:>8.3g}x"
    )
    if boot_time is not None:
        print(f"MetricFrame with n_boot={args.fairlearn_boot}: {boot_time:.1f}s")
    print(f"largest difference between the stage's and MetricFrame's per-group values: {worst:.2e}")


if __name__ == "__main__":
    main()
