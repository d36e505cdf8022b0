"""The composed config and DVC's metrics as MLflow params and metrics."""

from __future__ import annotations

from pathlib import Path

import yaml
from helpers import ROOT

from pipeline.stages import params as compose
from pipeline.tracking.params import flat_params, merge_metrics, numeric_metrics, run_params


def test_flat_params_have_dotted_names() -> None:
    raw = {
        "seed": 42,
        "dataset": {"name": "adult", "sensitive": ["sex", "race"], "sha256": {"a.csv": "ab"}},
        "model": {"_target_": "sklearn.ensemble.X", "n_estimators": 10, "max_depth": None},
        "features": {"scale": True, "drop": [], "extra": {}},
    }
    assert flat_params(raw) == {
        "dataset.name": "adult",
        "dataset.sensitive": '["sex", "race"]',
        "dataset.sha256.a.csv": "ab",
        "features.drop": "[]",
        "features.extra": "{}",
        "features.scale": "true",
        "model._target_": "sklearn.ensemble.X",
        "model.max_depth": "null",
        "model.n_estimators": "10",
        "seed": "42",
    }


def test_numeric_metrics_skip_nulls_and_text() -> None:
    kept, skipped = numeric_metrics(
        {"test/f1": 0.5, "test/n_rows": 10, "test/log_loss": None, "note": "x", "ok": True}
    )
    assert kept == {"test/f1": 0.5, "test/n_rows": 10.0, "ok": 1.0}
    assert skipped == ["note", "test/log_loss"]


def test_a_metric_in_two_files_is_prefixed_with_its_file() -> None:
    files = {"reports/b.json": {"n": 4, "x": {"y": 1}}, "reports/a.json": {"n": 3}}
    assert merge_metrics(files) == {"reports/a.json:n": 3, "reports/b.json:n": 4, "x.y": 1}


def test_a_run_logs_no_file_paths(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    compose.compose(params, [], config_dir=ROOT / "params")
    raw = yaml.safe_load(params.read_text())
    logged = run_params(raw)
    assert not [key for key in logged if key.startswith("paths.")]
    everything = flat_params(raw)
    assert len(everything) - len(logged) == len(raw["paths"]) > 20
    assert logged == {k: v for k, v in everything.items() if not k.startswith("paths.")}
    assert logged["model.name"] == "hist_gradient_boosting" and logged["seed"] == "42"
