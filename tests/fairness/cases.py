"""Builders of the fairness tests: settings, schemas, predictions with planted group effects, and
fairlearn (MetricFrame and its metric functions) as the oracle.

Imported as `from fairness.cases import ...` (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from fairlearn import metrics as flm
from helpers import as_written
from sklearn import metrics as skm

from pipeline.config import from_mapping
from pipeline.fairness.audit import audit
from pipeline.fairness.config import FairnessConfig
from pipeline.fairness.headline import headline_metrics
from pipeline.fairness.result import FairnessResult
from pipeline.predictions import Predictions
from pipeline.schema import Schema

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = yaml.safe_load((ROOT / "params/fairness/default.yaml").read_text())
TOL = 1e-12
EVERY_GROUP = {"min_group_size": 0, "min_positives": 0, "min_negatives": 0}


def settings(**changes: Any) -> FairnessConfig:
    """The defaults of params/fairness/default.yaml with `changes`, checked as the stage does."""
    return from_mapping(FairnessConfig, DEFAULTS | changes, "fairness")


def schema(task: str = "binary", sensitive=("sex", "race"), labels=(0, 1)) -> Schema:
    return Schema(
        task=task, target="y", numeric=(), categorical=(), sensitive=tuple(sensitive),
        classes=labels, labels=labels,
    )  # fmt: skip


def audit_result(frame: pd.DataFrame, schema: Schema, config: FairnessConfig, seed: int):
    """The typed result of auditing a predictions frame (y_true, y_pred, y_score, attributes)."""
    return audit(Predictions.from_frame(frame), schema, config, seed)


def run_audit(
    frame: pd.DataFrame, schema: Schema, config: FairnessConfig, seed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fairness.json's content, fairness_metrics.json's content) of a predictions frame."""
    result: FairnessResult = audit_result(frame, schema, config, seed)
    return result.to_json(), headline_metrics(result.audits, result.task)


def seeds(n: int) -> list:
    """Seeds 0 .. n - 1 of a test against fairlearn's MetricFrame (about a second each): seed 0
    runs in the fast suite, the others with the slow tests."""
    return [0, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(1, n))]


def binary_case(seed: int, n: int, no_positives: str | None = None) -> pd.DataFrame:
    """Predictions with group-dependent base and selection rates; sex x race has 6 groups."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n, p=[0.4, 0.6])
    race = rng.choice(["r0", "r1", "r2"], n, p=[0.6, 0.3, 0.1])
    base = 0.2 + 0.2 * (sex == "M") + 0.1 * (race == "r1")
    y_true = (rng.random(n) < base).astype(np.int64)
    if no_positives is not None:
        y_true[race == no_positives] = 0
    y_score = np.clip(0.35 * y_true + rng.normal(0.3, 0.2, n) + 0.1 * (sex == "M"), 0, 1)
    y_score = np.round(y_score, 2)  # ties, as tree models give
    y_pred = (y_score > 0.45).astype(np.int64)
    return pd.DataFrame({"y_true": y_true, "y_pred": y_pred, "y_score": y_score, "sex": sex,
                         "race": race})  # fmt: skip


def key_label(key) -> str:
    return ", ".join(map(str, key if isinstance(key, tuple) else (key,)))


def ppv(y_true, y_pred):
    return skm.precision_score(y_true, y_pred, zero_division=np.nan)


def npv(y_true, y_pred):
    return skm.precision_score(y_true, y_pred, pos_label=0, zero_division=np.nan)


ORACLE = {  # our metric -> fairlearn's function or scikit-learn's through MetricFrame
    "base_rate": lambda y_true, y_pred: flm.mean_prediction(y_pred, y_true),
    "selection_rate": flm.selection_rate,
    "accuracy_score": skm.accuracy_score,
    "true_positive_rate": flm.true_positive_rate,
    "false_negative_rate": flm.false_negative_rate,
    "false_positive_rate": flm.false_positive_rate,
    "true_negative_rate": flm.true_negative_rate,
    "precision_score": ppv,
    "false_discovery_rate": lambda y_true, y_pred: 1.0 - ppv(y_true, y_pred),
    "negative_predictive_value": npv,
    "false_omission_rate": lambda y_true, y_pred: 1.0 - npv(y_true, y_pred),
}
# fairlearn's rates come from confusion_matrix(normalize="true"), which gives 0, not "undefined",
# for a group without positives (true/false negative rate) or without negatives (false/true
# positive rate): the misleading 0 this stage reports as null with the reason.
MISLEADING_ZERO = {
    "true_positive_rate": "positives", "false_negative_rate": "positives",
    "false_positive_rate": "negatives", "true_negative_rate": "negatives",
}  # fmt: skip


def metric_frame(frame: pd.DataFrame, attributes, metrics=ORACLE, **columns) -> flm.MetricFrame:
    return flm.MetricFrame(
        metrics=metrics,
        y_true=columns.get("y_true", frame["y_true"]),
        y_pred=columns.get("y_pred", frame["y_pred"]),
        sensitive_features=frame[list(attributes)],
    )


def check_groups(result: dict, frame: pd.DataFrame, attributes, written: bool = False) -> float:
    """Every group's (and the overall) rate equals fairlearn's; returns the largest gap.

    `written`: the result was read back from a file, whose floats io.write_json rounds to
    FLOAT_DIGITS significant digits, so fairlearn's values are rounded the same way first.
    """
    expected = metric_frame(frame, attributes)
    if written:
        expected = expected.by_group.map(as_written), expected.overall.map(as_written)
    else:
        expected = expected.by_group, expected.overall
    by_group, overall = expected
    worst = 0.0
    for key, row in by_group.iterrows():
        group = result["groups"][key_label(key)]
        rows = frame[(frame[list(attributes)] == np.array(key, ndmin=1)).all(axis=1)]
        assert group["count"] == len(rows)
        for name, value in row.items():
            ours = group["metrics"][name]["value"]
            if ours is None and name in MISLEADING_ZERO:
                side = MISLEADING_ZERO[name]
                present = (
                    rows["y_true"].sum() if side == "positives" else (1 - rows["y_true"]).sum()
                )
                assert present == 0 and value == 0.0, (key, name)  # fairlearn's misleading 0
                assert side[:-1] in group["metrics"][name]["undefined"]
                continue
            if ours is None:
                assert np.isnan(value), (key, name, value)
                continue
            worst = max(worst, abs(ours - value))
            assert ours == pytest.approx(value, abs=TOL), (key, name)
    for name, value in overall.items():
        worst = max(worst, abs(result["overall"]["metrics"][name]["value"] - value))
    assert worst <= TOL
    return worst
