"""Stage `dp`: its declaration in dvc.yaml; off by default, writing that it is off; and (slow)
every stage on synthetic data with one private release, read back by the report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from pipeline.dp.result import OFF, DpResult
from pipeline.io import read_json
from pipeline.report.dp import HEADING

ROOT = Path(__file__).resolve().parents[2]
QUICK = (
    "dataset=synthetic", "dataset.n_rows=3000", "model=logistic_regression", "crossval.folds=0",
    "evaluate.n_boot=20", "fairness.n_boot=20", "privacy.n_boot=20",
    "correlation.random_walks=200", "correlation.null_matrices=10", "explain.n_boot=20",
    "explain.n_repeats=2", "explain.dependence_features=2",
)  # fmt: skip


def test_stage_is_declared_in_dvc_yaml() -> None:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    stage = stages["dp"]
    assert stage["cmd"] == "python -m pipeline.stages.dp"
    for dep in ("pipeline/stages/dp.py", "pipeline/dp/config.py", "pipeline/dp/figures.py",
                "pipeline/dp/result.py", "pipeline/dp/sweep.py", "pipeline/dp/synthesize.py",
                "pipeline/fairness/audit.py", "pipeline/models/build.py", "${paths.train}",
                "${paths.test}", "${paths.schema}", "${paths.predictions}"):  # fmt: skip
        assert dep in stage["deps"], dep
    assert {"seed", "n_jobs", "dp", "dataset.dp_cuts", "model", "features", "fairness"} <= set(
        stage["params"]
    )
    assert stage["outs"] == [{"${paths.dp}": {"cache": False}}, "${paths.dp_plots}"]
    assert stage["metrics"] == [{"${paths.dp_metrics}": {"cache": False}}]
    assert {"${paths.dp}", "${paths.dp_plots}"} <= set(stages["report"]["deps"])
    assert {"${paths.dp}", "${paths.dp_metrics}", "${paths.dp_plots}"} <= set(
        stages["track"]["deps"]
    )


def test_off_by_default_it_says_so_and_writes_no_metric(stages, capsys) -> None:
    folder = stages([], ["dp"])  # reads nothing upstream while off
    found = read_json(folder / "reports/dp.json")
    assert found == {"status": OFF, "guarantee": {}, "runs": [], "releases": []}
    assert found["status"].startswith("off: dp.epsilons is empty")
    assert read_json(folder / "reports/dp_metrics.json") == {}
    assert capsys.readouterr().out.strip().endswith(f"dp: {OFF}")


@pytest.mark.slow
def test_one_release_end_to_end_and_in_the_report(stages, capsys) -> None:
    folder = stages([*QUICK, "dp.epsilons=[4]", "dp.releases=1", "dp.n_boot=100"])
    result = DpResult.from_json(read_json(folder / "reports/dp.json"))
    assert result.status == "1 private releases, 1 per epsilon" and len(result.runs) == 2
    # one release is its own row: the interval is its test interval, said so in the report
    assert result.runs[1] == replace(result.releases[0], release=None)
    real, private = result.runs
    assert (real.epsilon, private.epsilon) == (None, 4)
    assert result.guarantee["epsilons"] == [4] and result.guarantee["delta"] == 1e-8
    metrics = read_json(folder / "reports/dp_metrics.json")
    assert metrics["dp/epsilon_4/accuracy"] == private.accuracy["value"]
    assert metrics["dp/real/accuracy"] == real.accuracy["value"]
    # the real model's accuracy is evaluate's, on the same test rows
    assert real.accuracy["value"] == pytest.approx(
        read_json(folder / "reports/metrics.json")["test/accuracy"], abs=1e-9
    )
    assert {key for key in metrics if key.endswith("group/demographic_parity_difference")} == {
        "dp/real/group/demographic_parity_difference",
        "dp/epsilon_4/group/demographic_parity_difference",
    }
    assert (folder / "reports/plots/dp/dp.png").stat().st_size > 10_000
    assert "dp: epsilon_4: test accuracy" in capsys.readouterr().out
    page = (folder / "reports/index.html").read_text()
    assert f"<h2>{HEADING}</h2>" in page and "private, epsilon = 4" in page
    assert "Test accuracy per group of group:" in page
    summary = (folder / "reports/summary.md").read_text()
    assert "at epsilon = 4, against" in summary
