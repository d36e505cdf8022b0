"""The dp stage's result (pipeline/dp/result.py): dp.json read back as written, the flat metrics
of dp_metrics.json with their names, and the key of each epsilon."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.dp.result import OFF, DpResult, DpRun, epsilon_key
from pipeline.io import read_json, write_json


def estimate(value: float | None, low: float | None = None, high: float | None = None):
    interval = None if low is None else [low, high]
    return {"value": value, "interval": interval}


def audit(name: str, parity: dict[str, Any], odds: dict[str, Any], accuracies) -> dict[str, Any]:
    groups = [
        {"label": label, "count": 100, "eligible": True, "accuracy": estimate(*found)}
        for label, found in accuracies.items()
    ]
    disparities = {"demographic_parity_difference": parity, "equalized_odds_difference": odds}
    return {"name": name, "disparities": disparities, "groups": groups}


def result() -> DpResult:
    """Three runs (real, epsilon 0.5 and 1); epsilon 0.5 has an undefined disparity and an
    accuracy without interval."""
    runs = [
        DpRun(None, 2250, 0, 0, estimate(0.84, 0.81, 0.87),
              [audit("sex", estimate(0.1, 0.05, 0.15), estimate(0.2, 0.125, 0.25),
                     {"F": (0.9, 0.8, 0.95), "M": (0.8, 0.75, 0.85)})]),
        DpRun(0.5, 2240, 3, 7, estimate(0.7),
              [audit("sex", estimate(None) | {"undefined": "fewer than two compared groups"},
                     estimate(0.3, 0.2, 0.4), {"F": (0.5, 0.4, 0.6), "M": (None,)})]),
        DpRun(1.0, 2262, 1, 0, estimate(0.75, 0.71, 0.79),
              [audit("sex", estimate(0.05, 0.0, 0.125), estimate(0.15, 0.0625, 0.3),
                     {"F": (0.7, 0.6, 0.8), "M": (0.8, 0.7, 0.9)})]),
    ]  # fmt: skip
    guarantee = {"epsilons": [0.5, 1.0], "delta": 1e-8, "unit": "one row"}
    return DpResult("2 private releases", guarantee, runs)


def test_the_result_reads_back_as_written(tmp_path: Path) -> None:
    found = result()
    write_json(tmp_path / "dp.json", found.to_json())
    raw = read_json(tmp_path / "dp.json")
    assert DpResult.from_json(raw) == found
    assert [run["epsilon"] for run in raw["runs"]] == [None, 0.5, 1.0]
    assert raw["runs"][1]["rows_without_target"] == 3 and raw["runs"][1]["missing_cells"] == 7
    off = DpResult(OFF)
    write_json(tmp_path / "off.json", off.to_json())
    assert read_json(tmp_path / "off.json") == {
        "status": OFF,
        "guarantee": {},
        "runs": [],
        "releases": [],
    }
    assert DpResult.from_json(read_json(tmp_path / "off.json")) == off


def test_metrics_name_each_run_and_leave_out_null_values() -> None:
    metrics = result().metrics()
    assert metrics["dp/real/accuracy"] == 0.84
    assert (metrics["dp/real/accuracy_low"], metrics["dp/real/accuracy_high"]) == (0.81, 0.87)
    assert metrics["dp/real/sex/equalized_odds_difference_low"] == 0.125
    assert metrics["dp/epsilon_1/sex/demographic_parity_difference_high"] == 0.125
    assert metrics["dp/epsilon_1/accuracy_low"] == 0.71
    # epsilon 0.5: an accuracy without interval, a null disparity
    assert metrics["dp/epsilon_0.5/accuracy"] == 0.7
    assert "dp/epsilon_0.5/accuracy_low" not in metrics
    assert not any(key.startswith("dp/epsilon_0.5/sex/demographic_parity") for key in metrics)
    assert metrics["dp/epsilon_0.5/sex/equalized_odds_difference_high"] == 0.4
    # per-group accuracy stays in dp.json: 3 runs x (accuracy + 2 disparities) x 3, less the
    # 0.5 run's two accuracy bounds and its null disparity with its two bounds
    assert len(metrics) == 27 - 2 - 3
    assert all(key.startswith("dp/") for key in metrics)
    assert DpResult(OFF).metrics() == {}


@pytest.mark.parametrize(
    ("epsilon", "key"),
    [(None, "real"), (0.5, "epsilon_0.5"), (1.0, "epsilon_1"), (4, "epsilon_4"),
     (0.25, "epsilon_0.25"), (1e-3, "epsilon_0.001"), (12.5, "epsilon_12.5"),
     (50.0, "epsilon_50")],
)  # fmt: skip
def test_epsilon_keys(epsilon: float | None, key: str) -> None:
    assert epsilon_key(epsilon) == key
