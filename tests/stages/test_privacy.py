"""Stage `privacy`: its declaration in dvc.yaml, and main() on synthetic data: an overfitting
forest is exposed by the membership attack, the quasi-identifiers' classes are counted, the
outputs are the same bytes twice, and a dataset without quasi-identifiers says so (slow)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.io import read_json
from pipeline.privacy.result import PrivacyResult
from pipeline.stages import privacy

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ["ingest", "validate", "features", "train"]
SMALL = ["dataset=synthetic", "dataset.n_rows=3000", "privacy.n_boot=200"]


def test_stage_is_declared_in_dvc_yaml() -> None:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    stage = stages["privacy"]
    assert stage["cmd"] == "python -m pipeline.stages.privacy"
    for dep in ("pipeline/stages/privacy.py", "pipeline/privacy/identify.py",
                "pipeline/privacy/membership.py", "${paths.model}", "${paths.train}",
                "${paths.test}"):  # fmt: skip
        assert dep in stage["deps"]
    assert {"privacy", "seed", "dataset.quasi_identifiers"} <= set(stage["params"])
    assert stage["metrics"] == [{"${paths.privacy_metrics}": {"cache": False}}]
    assert "${paths.privacy}" in stages["report"]["deps"]
    assert "${paths.privacy_metrics}" in stages["track"]["deps"]


def run_privacy(folder: Path) -> tuple[PrivacyResult, dict[str, bytes]]:
    privacy.main()
    files = [*sorted((folder / "reports/plots/privacy").rglob("*.*")),
             folder / "reports/privacy.json", folder / "reports/privacy_metrics.json"]  # fmt: skip
    result = PrivacyResult.from_json(read_json(folder / "reports/privacy.json"))
    return result, {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.mark.slow
def test_an_overfitting_forest_is_exposed_and_the_outputs_are_the_same_bytes_twice(
    stages, capsys
) -> None:
    folder = stages([*SMALL, "model=random_forest", "model.min_samples_leaf=1",
                     "model.n_estimators=50"], UPSTREAM)  # fmt: skip
    result, first = run_privacy(folder)
    attack = result.membership
    assert attack is not None and attack["auc"]["low"] > 0.6
    assert attack["rows_per_side"] == 750  # the test split bounds it (3000 rows, test_size 0.25)
    assert {"group"} == set(attack["groups"])
    (exact,) = result.reidentification
    assert exact["quasi_identifiers"] == ["color", "region", "group"]
    train = pd.read_parquet(folder / "data/features/train.parquet")
    combinations = train[["color", "region", "group"]].value_counts()
    assert exact["n_classes"] == len(combinations) and exact["k"] == combinations.min()
    assert exact["n_unique"] == (combinations == 1).sum()
    assert exact["n_rows"] == 2250 and not result.not_assessed
    metrics = read_json(folder / "reports/privacy_metrics.json")
    assert metrics["membership/auc"] == attack["auc"]["value"]
    assert metrics["reidentification/exact/k"] == exact["k"]
    assert "reports/plots/privacy/privacy.png" in first
    assert "membership inference AUC" in capsys.readouterr().out
    _, again = run_privacy(folder)
    assert again == first  # same inputs, same bytes


@pytest.mark.slow
def test_without_quasi_identifiers_or_attack_the_result_says_what_was_not_assessed(
    stages, capsys
) -> None:
    folder = stages([*SMALL, "dataset.quasi_identifiers=[]", "privacy.membership=false",
                     "model=logistic_regression"], UPSTREAM)  # fmt: skip
    result, files = run_privacy(folder)
    assert result.reidentification == [] and result.membership is None
    assert [r.split(":")[0] for r in result.not_assessed] == [
        "re-identification", "membership inference"]  # fmt: skip
    assert "dataset.quasi_identifiers" in result.not_assessed[0]
    assert read_json(folder / "reports/privacy_metrics.json") == {}
    assert not any("privacy.png" in name for name in files)
    assert capsys.readouterr().out.count("not assessed") == 2
