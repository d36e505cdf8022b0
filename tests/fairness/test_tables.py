"""The CSV tables for `dvc plots` (pipeline/fairness/tables.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from fairness.cases import EVERY_GROUP, audit_result, binary_case, schema, settings

from pipeline.fairness.tables import plot_frames, verdict_table


def test_binary_tables_have_a_row_per_group_and_verdict() -> None:
    result = audit_result(binary_case(1, 600), schema(), settings(n_boot=0), 0)
    frames = plot_frames(result)
    assert set(frames) == {"selection_rate", "true_positive_rate", "false_positive_rate",
                           "precision_score"}  # fmt: skip
    selection = frames["selection_rate"]
    assert list(selection.columns) == [
        "audit", "group", "selection_rate", "lower", "upper", "eligible", "overall",
    ]  # fmt: skip
    assert list(selection["group"][:2]) == ["sex: F", "sex: M"]
    assert len(selection) == 2 + 3 + 6
    verdicts = verdict_table(result)
    assert len(verdicts) == 3 * 4 and set(verdicts["class"]) == {""}


def test_multiclass_tables_name_the_class() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"sex": rng.choice(["F", "M"], 400), "y_true": rng.integers(0, 3, 400)})
    frame["y_pred"] = np.where(rng.random(400) < 0.3, rng.integers(0, 3, 400), frame["y_true"])
    config = settings(n_boot=0, **EVERY_GROUP)
    result = audit_result(frame, schema("multiclass", ("sex",), (0, 1, 2)), config, 0)
    frames = plot_frames(result)
    assert list(frames["accuracy_score"]["group"]) == ["sex: F", "sex: M"]
    assert "sex: F | class 2" in set(frames["selection_rate"]["group"])
    verdicts = verdict_table(result)
    assert list(verdicts["class"].unique()) == ["0", "1", "2"] and len(verdicts) == 12
