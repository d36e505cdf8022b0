"""Stage `explain`: its declaration in dvc.yaml, and main() on synthetic data with its planted
proxy and leak (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.explain.result import ExplainResult
from pipeline.io import read_json
from pipeline.stages import explain

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ["ingest", "validate", "features", "train", "evaluate", "correlation"]


def test_stage_is_declared_in_dvc_yaml() -> None:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    stage = stages["explain"]
    assert stage["cmd"] == "python -m pipeline.stages.explain"
    for dep in ("pipeline/stages/explain.py", "pipeline/explain/importance.py",
                "${paths.model}", "${paths.test}", "${paths.correlation}"):  # fmt: skip
        assert dep in stage["deps"]
    assert {"explain", "seed", "fairness.min_group_size"} <= set(stage["params"])
    assert stage["metrics"] == [{"${paths.explain_metrics}": {"cache": False}}]
    assert "${paths.explain}" in stages["report"]["deps"]
    assert "${paths.explain_plots}" in stages["track"]["deps"]


def run_explain(folder: Path) -> tuple[ExplainResult, dict[str, bytes]]:
    explain.main()
    plots = folder / "reports/plots/explain"
    files = [*sorted(plots.rglob("*.*")), folder / "reports/explain.json",
             folder / "reports/explain_metrics.json"]  # fmt: skip
    result = ExplainResult.from_json(read_json(folder / "reports/explain.json"))
    return result, {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.mark.slow
def test_the_planted_proxy_carries_the_gap_and_the_outputs_are_the_same_bytes_twice(
    stages,
) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=4000", "dataset.bias=0.6",
                     "model.max_iter=50", "explain.n_boot=100"], UPSTREAM)  # fmt: skip
    result, first = run_explain(folder)
    drivers = result.drivers("group", "demographic_parity_difference")
    assert drivers[0].feature == "region" and drivers[0].low is not None and drivers[0].low > 0
    assert drivers[0].share is not None and drivers[0].share > 0.5
    assert all(s.feature != "group" for s in result.shifts)  # not an input of the model
    assert result.rows == result.test_rows == 1000 and not result.sampled
    assert "reports/plots/explain/figures/importance.png" in first
    assert any(name.startswith("reports/plots/explain/figures/dependence_") for name in first)
    assert "reports/plots/explain/figures/disparity_group.png" in first
    curves = read_json(folder / "reports/plots/explain/dependence.json")
    assert [c["feature"] for c in curves] == [c.feature for c in result.curves]
    metrics = read_json(folder / "reports/explain_metrics.json")
    top = result.ranked()[0]
    assert metrics[f"explain/importance/{top.name}"] == pytest.approx(top.mean, abs=1e-9)
    assert metrics["explain/group/demographic_parity_difference"] == pytest.approx(
        drivers[0].baseline, abs=1e-9
    )
    _, again = run_explain(folder)
    assert again == first  # same inputs, same bytes


@pytest.mark.slow
def test_the_planted_leak_dominates_on_a_sample_that_the_result_names(stages) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=4000", "dataset.plant_leak=true",
                     "model.max_iter=20", "explain.max_rows=300", "explain.n_boot=50",
                     "explain.n_repeats=2", "explain.dependence_features=1"],
                    UPSTREAM)  # fmt: skip
    result, _ = run_explain(folder)
    assert (result.rows, result.test_rows) == (300, 1000) and result.sampled
    top = result.ranked()[0]
    assert top.name == "leak" and top.rank_stability == 1.0
    assert top.low is not None and top.low > 5 * max(i.high or 0 for i in result.ranked()[1:])
    assert len(result.curves) == 1 and result.curves[0].feature == "leak"
