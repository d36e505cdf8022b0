"""The typed result (pipeline/fairness/result.py): fairness.json round trips through it, and it
gives readers every verdict and figure without string keys."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairness.cases import ROOT, audit_result, binary_case, schema, settings

from pipeline.fairness.headline import headline_metrics
from pipeline.fairness.result import FairnessResult, MulticlassAudit, figure_file
from pipeline.fairness.verdicts import CRITERIA
from pipeline.io import dumps_json, read_json


def multiclass_case(n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(9)
    frame = pd.DataFrame({"sex": rng.choice(["F", "M"], n), "y_true": rng.integers(0, 3, n)})
    noisy = rng.random(n) < 0.3
    return frame.assign(y_pred=np.where(noisy, rng.integers(0, 3, n), frame["y_true"]))


def results() -> dict[str, FairnessResult]:
    """A result of every task and form: scores and a reference group, classes, errors, none."""
    rng = np.random.default_rng(3)
    regression = pd.DataFrame({"sex": rng.choice(["F", "M"], 300), "y_true": rng.normal(size=300)})
    regression["y_pred"] = regression["y_true"] + rng.normal(size=300)
    binary = binary_case(2, 800)
    binary.loc[binary.index[:40], "race"] = None
    reference = settings(n_boot=30, reference_group={"sex": "M", "race": "r0"})
    return {
        "binary": audit_result(binary, schema(), reference, 0),
        "multiclass": audit_result(
            multiclass_case(), schema("multiclass", ("sex",), (0, 1, 2)), settings(n_boot=20), 0
        ),
        "regression": audit_result(
            regression, schema("regression", ("sex",), ()), settings(n_boot=20), 0
        ),
        "none": audit_result(binary[["y_true", "y_pred"]], schema(sensitive=()), settings(), 0),
    }


def test_every_kind_of_result_round_trips_through_json() -> None:
    for kind, result in results().items():
        data = result.to_json()
        assert FairnessResult.from_json(data).to_json() == data, kind
        written = json.loads(dumps_json(data))  # as the file holds it: floats rounded
        assert FairnessResult.from_json(written).to_json() == written, kind


def test_the_committed_report_round_trips() -> None:
    data = read_json(ROOT / "reports/fairness.json")
    assert FairnessResult.from_json(data).to_json() == data


def test_verdict_rows_hold_every_verdict_with_its_class() -> None:
    found = results()
    binary = found["binary"].audit("sex_x_race")
    assert [row.class_label for row in binary.verdict_rows()] == [None] * len(CRITERIA)
    assert [row.verdict.criterion for row in binary.verdict_rows()] == [
        c.disparity for c in CRITERIA
    ]
    multiclass = found["multiclass"].audit("sex")
    assert isinstance(multiclass, MulticlassAudit)
    rows = multiclass.verdict_rows()
    assert [row.class_label for row in rows] == [c for c in ("0", "1", "2") for _ in CRITERIA]
    read = FairnessResult.from_json(found["multiclass"].to_json())
    assert read.audit("sex").verdict_rows() == rows
    assert found["regression"].audit("sex").verdict_rows() == ()
    with pytest.raises(KeyError, match="no audit named 'age'"):
        found["binary"].audit("age")


def test_groups_carry_their_sizes_and_audits_the_figure_files_written() -> None:
    result = results()["binary"]
    race = result.audit("race")
    assert [(g.label, g.count) for g in race.groups][-1] == ("(missing)", 40)
    assert sum(g.count for g in race.groups) == result.n_rows == 800
    assert result.audit("sex").figure is None  # the audit writes no figure; the stage does
    recorded = result.with_figures()
    assert recorded.audit("sex_x_race").figure == "figures/sex_x_race.png"
    plots = Path("plots").resolve()
    assert recorded.audit("sex_x_race").figure_path("plots") == plots / "figures/sex_x_race.png"
    assert FairnessResult.from_json(recorded.to_json()) == recorded
    assert recorded.to_json()["audits"]["sex"]["figure"] == "figures/sex.png"
    digest = hashlib.sha256(b"marital status").hexdigest()[:8]
    assert figure_file("marital status") == f"figures/marital_status-{digest}.png"
    assert figure_file("marital_status") == "figures/marital_status.png"
    assert figure_file("../../../../../tmp/x").startswith("figures/__________tmp_x-")


def test_a_recorded_figure_outside_the_plots_folder_is_refused(tmp_path: Path) -> None:
    audit = results()["binary"].with_figures().audit("sex")
    for name in ("../../etc/passwd", "/tmp/x.png", "figures/../../x.png", "."):
        assert replace(audit, figure=name).figure_path(tmp_path / "plots") is None, name
    (tmp_path / "plots").mkdir()
    (tmp_path / "plots" / "link.png").symlink_to(tmp_path / "outside.png")
    assert replace(audit, figure="link.png").figure_path(tmp_path / "plots") is None


def test_status_says_nothing_assessed_when_every_group_is_too_small() -> None:
    frame = binary_case(2, 800)
    small = settings(n_boot=0, min_group_size=500)  # groups of about 400 rows
    result = audit_result(frame, schema(), small, 0)
    assert all(row.verdict.verdict is None for a in result.audits for row in a.verdict_rows())
    assert [a.assessed for a in result.audits] == [0, 0, 0]
    assert result.status.startswith("nothing assessed in 3 audits: no two groups reach")
    assert "fairness.min_group_size=500" in result.status and "fairness.bins" in result.status
    assert "failed" not in result.status
    metrics = headline_metrics(result.audits, result.task)
    assert metrics["fairness/sex/criteria_assessed"] == 0
    assert metrics["fairness/sex/criteria_failed"] is None
    # only the combination too small: the others are counted, the empty one named
    mixed = audit_result(frame, schema(), settings(n_boot=0, min_group_size=250), 0)
    assessed = {a.name: a.assessed for a in mixed.audits}
    assert assessed == {"sex": len(CRITERIA), "race": 0, "sex_x_race": 0}, assessed
    failed = sum(r.verdict.verdict == "fail" for r in mixed.audit("sex").verdict_rows())
    assert mixed.status.startswith(
        f"{failed} failed criteria in 1 of 3 audits; nothing assessed for race, sex_x_race: "
    )
