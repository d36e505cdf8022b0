"""Stage `fairness`: its declaration in dvc.yaml, and main() on synthetic data (slow)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from fairlearn import metrics as flm
from fairness.cases import ROOT, TOL, as_written, check_groups
from sklearn import metrics as skm

from pipeline.fairness.result import FairnessResult
from pipeline.io import read_json
from pipeline.stages import fairness


def test_stage_is_declared_in_dvc_yaml() -> None:
    stage = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]["fairness"]
    assert stage["cmd"] == "python -m pipeline.stages.fairness"
    for dep in (
        "pipeline/stages/fairness.py",
        "pipeline/fairness/audit.py",
        "${paths.predictions}",
    ):
        assert dep in stage["deps"]
    assert {"fairness", "seed", "dataset.sensitive"} <= set(stage["params"])
    assert stage["metrics"] == [{"${paths.fairness_metrics}": {"cache": False}}]


@pytest.mark.slow
def test_stage_end_to_end_on_synthetic_data(stages) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=2000", "model.max_iter=50",
                     "fairness.n_boot=200"])  # fmt: skip
    fairness.main()
    report = read_json(folder / "reports/fairness.json")
    metrics = read_json(folder / "reports/fairness_metrics.json")
    predictions = pd.read_parquet(folder / "data/predictions/test.parquet")
    check_groups(report["audits"]["group"], predictions, ["group"], written=True)
    expected = flm.demographic_parity_ratio(
        predictions["y_true"], predictions["y_pred"], sensitive_features=predictions["group"]
    )
    found = metrics["fairness/group/demographic_parity_ratio"]
    assert found == pytest.approx(as_written(expected), abs=TOL)  # as written: 10 digits
    plots = folder / "reports/plots/fairness"
    assert (plots / "figures" / "group.png").stat().st_size > 1000
    result = FairnessResult.from_json(report)
    assert report["audits"]["group"]["figure"] == "figures/group.png"
    assert result.audit("group").figure_path(plots) == (plots / "figures/group.png").resolve()
    table = pd.read_csv(plots / "selection_rate.csv")
    assert list(table["group"]) == ["group: a", "group: b"]
    verdicts = pd.read_csv(plots / "verdicts.csv").set_index("criterion")
    found = report["audits"]["group"]["verdicts"]["demographic_parity_ratio"]
    assert verdicts.loc["demographic_parity_ratio", "verdict"] == found["verdict"]
    first = {
        p.name: p.read_bytes() for p in [*plots.rglob("*.*"), folder / "reports/fairness.json"]
    }
    fairness.main()
    again = {
        p.name: p.read_bytes() for p in [*plots.rglob("*.*"), folder / "reports/fairness.json"]
    }
    assert first == again


@pytest.mark.slow
def test_mitigation_comparison_on_small_synthetic_data(stages) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=3000", "model=logistic_regression",
                     "fairness.n_boot=0", "fairness.mitigation=true",
                     "fairness.mitigation_max_iter=10"])  # fmt: skip
    fairness.main()
    mitigation = read_json(folder / "reports/fairness.json")["mitigation"]
    table = {row["model"]: row for row in mitigation["table"]}
    assert set(table) == {
        "unmitigated", "threshold_optimizer/demographic_parity",
        "threshold_optimizer/equalized_odds", "exponentiated_gradient/demographic_parity",
        "exponentiated_gradient/equalized_odds",
    }  # fmt: skip
    before = table["unmitigated"]["demographic_parity_difference"]
    for name in (
        "threshold_optimizer/demographic_parity",
        "exponentiated_gradient/demographic_parity",
    ):
        assert table[name]["demographic_parity_difference"] < before
    predictions = pd.read_parquet(folder / "data/predictions/test.parquet")
    unmitigated = skm.accuracy_score(predictions["y_true"], predictions["y_pred"])
    assert table["unmitigated"]["accuracy_score"] == pytest.approx(as_written(unmitigated), abs=TOL)
    assert (folder / "reports/plots/fairness/mitigation.csv").exists()
