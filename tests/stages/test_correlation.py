"""The correlation stage's main(): its files on synthetic data with a planted leak, read back
through the typed result, and written again to the same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.correlation.result import CorrelationResult
from pipeline.stages import correlation


def strict_json(path: Path) -> Any:
    def reject(constant: str) -> None:
        raise AssertionError(f"{path} holds {constant}")

    return json.loads(path.read_text(), parse_constant=reject)


@pytest.mark.slow
def test_main_end_to_end_on_synthetic_data(stages, capsys) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=2000", "dataset.plant_leak=true"],
        ["ingest", "validate", "features"],
    )
    validation = strict_json(folder / "reports/validation.json")
    assert [w["column"] for w in validation["warnings"] if w["check"] == "leakage"] == ["leak"]
    correlation.main()
    out = capsys.readouterr().out
    assert "correlation: WARNING: TARGET LEAKAGE? 'leak'" in out
    config = load_config()
    report = CorrelationResult.from_json(strict_json(folder / config.paths.correlation))
    metrics = strict_json(folder / config.paths.correlation_metrics)
    assert report.split == "train" and report.rows == 1500
    assert metrics["correlation/n_leaks"] == 1 and metrics["correlation/n_proxies"] == 1
    assert metrics["correlation/n_rows"] == 1500
    assert all(k.startswith("correlation/") for k in metrics)
    assert all(isinstance(v, int | float) for v in metrics.values())
    assert metrics == json.loads(json.dumps(report.metrics()))
    assert report.confounding.confounders == ("z",)
    assert set(report.caveats) >= {"causation", "pearson", "eta", "cramers_v", "mutual_info"}
    plots = folder / config.paths.correlation_plots
    ranked = pd.read_csv(plots / "target_associations.csv")
    assert ranked["feature"].iloc[0] == "leak" and ranked["strength"].is_monotonic_decreasing
    assert (plots / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all((plots / name).is_file() for name in report.figures)
    first = {p.name: p.read_bytes() for p in [*plots.iterdir(), folder / config.paths.correlation]}
    correlation.main()
    second = {p.name: p.read_bytes() for p in [*plots.iterdir(), folder / config.paths.correlation]}
    assert first == second  # deterministic bytes
