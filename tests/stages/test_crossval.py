"""The crossval stage's main(): the folds CSV and the flat metrics file, read back through the
result type and recomputed from the domain code."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig
from pipeline.io import dumps_json, read_json
from pipeline.models.config import read_model
from pipeline.models.crossval import CrossvalConfig, fold_metrics, summarize
from pipeline.models.result import CrossvalResult
from pipeline.schema import read_schema
from pipeline.stages import crossval

pytestmark = pytest.mark.slow


def recomputed(folder) -> tuple[pd.DataFrame, CrossvalResult]:
    """The fold table and result the domain code gives on the stage's inputs."""
    config = load_config(folder / "params.yaml")
    settings = config.section(CrossvalConfig, "crossval")
    table = fold_metrics(
        pd.read_parquet(folder / "data/features/train.parquet"),
        read_schema(folder / "data/features/schema.json"),
        config.section(FeaturesConfig, "features"), read_model(config), settings, config.seed,
    )  # fmt: skip
    return table, summarize(table, settings)


def test_main_writes_folds_and_corrected_intervals(stages, capsys) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=1000", "model=logistic_regression",
         "crossval.folds=3", "crossval.repeats=2"],
        ["ingest", "features"],
    )  # fmt: skip
    crossval.main()
    folds = pd.read_csv(folder / "reports/crossval_folds.csv")
    assert folds[["repeat", "fold"]].values.tolist() == [[r, f] for r in (0, 1) for f in (0, 1, 2)]
    assert (folds["n_train"] + folds["n_test"] == 750).all()
    assert folds.groupby("repeat")["n_test"].sum().tolist() == [750, 750]
    written = read_json(folder / "reports/crossval.json")
    table, result = recomputed(folder)
    assert written == json.loads(dumps_json(result.to_json()))
    assert written["cv/n_folds"] == 6 and written["cv/folds"] == 3 and written["cv/repeats"] == 2
    back = CrossvalResult.from_json(written)
    assert back.metrics.keys() == set(table.columns[4:])
    roc = back.metrics["roc_auc"]
    assert roc.low is not None and roc.high is not None and roc.mean is not None
    assert roc.low < roc.mean < roc.high and 0.5 < roc.mean <= 1.0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"crossval: 3 folds x 2 repeats, cv/roc_auc {roc.mean:.4f} [{roc.low:.4f}, {roc.high:.4f}]"
    )


def test_main_on_a_regression_task(stages, capsys) -> None:
    folder = stages(["dataset=diabetes", "model=ridge"], ["ingest", "features"])
    crossval.main()
    result = CrossvalResult.from_json(read_json(folder / "reports/crossval.json"))
    assert sorted(result.metrics) == ["mae", "r2", "rmse"] and result.n_folds == 5
    folds = pd.read_csv(folder / "reports/crossval_folds.csv")
    assert folds["n_test"].sum() == len(pd.read_parquet(folder / "data/features/train.parquet"))
    assert (
        capsys.readouterr().out.splitlines()[-1].startswith("crossval: 5 folds x 1 repeat, cv/r2")
    )


def test_main_with_folds_zero_is_off(stages, capsys) -> None:
    folder = stages(["dataset=synthetic", "dataset.n_rows=200", "crossval.folds=0"],
                    ["ingest", "features"])  # fmt: skip
    crossval.main()
    assert read_json(folder / "reports/crossval.json") == {
        "cv/folds": 0, "cv/n_folds": 0, "cv/repeats": 1,
    }  # fmt: skip
    assert (folder / "reports/crossval_folds.csv").read_text() == "repeat,fold,n_train,n_test\n"
    assert capsys.readouterr().out.splitlines()[-1] == "crossval: off (crossval.folds is 0)"
