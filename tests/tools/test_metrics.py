"""tools/metrics.py (`make metrics`, `make exps`) on DVC-shaped JSON; on real DVC output in
tests/test_plots.py."""

from __future__ import annotations

from tools import metrics as tool


def test_headline_follows_the_task() -> None:
    assert tool.headline({"test/r2": 0.5, "test/mae": 3.0}) == "r2"
    assert tool.headline({"test/accuracy": 0.8, "test/roc_auc": 0.9}) == "roc_auc"
    assert tool.headline({"test/accuracy": 0.8, "test/roc_auc_ovr_macro": 0.9}) == "accuracy"
    assert tool.headline({}) is None


def test_interval_and_missing_values() -> None:
    found = {"test/r2": 0.47181, "test/r2_low": 0.33912, "test/r2_high": 0.57149, "test/f1": None}
    assert tool.with_interval(found, "test/r2") == "0.472 [0.339, 0.571]"
    assert tool.with_interval({"test/r2": 0.47181}, "test/r2") == "0.472"
    assert tool.with_interval(found, "test/f1") == "-"  # null in the JSON: undefined
    assert tool.with_interval(found, "test/auc") == "-"


def test_verdicts_sum_over_audits() -> None:
    found = tool.flat_metrics({
        "reports/fairness_metrics.json": {"data": {
            "fairness/audits": 2, "fairness/sex/criteria_failed": 1,
            "fairness/sex/criteria_assessed": 4, "fairness/race/criteria_failed": 3,
            "fairness/race/criteria_assessed": 4, "fairness/race/equalized_odds_ratio": 0.2,
        }},
        "reports/metrics.json": {"data": {"test": {"r2": 0.4}}},  # nested keys are joined
    })  # fmt: skip
    assert tool.verdicts(found) == (4, 8)
    assert tool.verdict_text(found) == "4/8"
    assert found["test/r2"] == 0.4
    assert tool.verdict_text({"fairness/audits": 0}) == "-"


def test_table_cuts_the_named_columns_to_100() -> None:
    rows = [
        [
            "an-experiment-with-a-very-long-generated-name-" * 2,
            "csv:a_long_file_name.csv",
            "hist_gradient_boosting_regressor",
            "r2",
            "0.472 [0.339, 0.571]",
            "0.442",
            "-",
        ]
    ]
    text = tool.table(["experiment", "dataset", "model", "metric", "test", "cv", "fair"], rows,
                      shrink=(0, 1, 2))  # fmt: skip
    lines = text.splitlines()
    assert max(map(len, lines)) <= tool.WIDTH < len("  ".join(rows[0]))
    assert "…" in lines[1] and "0.472 [0.339, 0.571]  0.442  -" in lines[1]
    assert lines[0].index("metric") == lines[1].index("r2")  # still aligned


def test_exp_rows_nest_experiments_and_mark_failed_ones() -> None:
    def data(dataset: str, model: str, r2: float) -> dict:
        return {
            "params": {"params.yaml": {"data": {
                "dataset": {"name": dataset, "path": "data/mine.csv"}, "model": {"name": model},
                "evaluate": {"ci_level": 0.9},
            }}},
            "metrics": {"reports/metrics.json": {"data": {"test/r2": r2}}},
        }  # fmt: skip

    shown = [
        {"rev": "workspace", "data": data("diabetes", "ridge", 0.5)},
        {"rev": "0123456789abcdef", "name": None, "data": data("csv", "ridge", 0.25),
         "experiments": [{"revs": [{"rev": "fedcba", "name": "exp-1", "data": None}]}]},
    ]  # fmt: skip
    lines = tool.exp_report(shown).splitlines()
    assert lines[0].split()[4:6] == ["test", "[90%"]
    assert lines[1].split() == ["workspace", "diabetes", "ridge", "r2", "0.500", "-", "-"]
    assert lines[2].split() == ["0123456", "csv:mine.csv", "ridge", "r2", "0.250", "-", "-"]
    assert lines[3].split() == ["exp-1", "-", "-", "-", "no", "results", "-", "-"]


def test_run_report_lists_the_headline_first() -> None:
    found = {"test/accuracy": 0.9, "test/roc_auc": 0.95, "test/roc_auc_low": 0.94,
             "test/roc_auc_high": 0.96, "test/n_rows": 100, "cv/roc_auc": 0.93,
             "linear/roc_auc": 0.9, "majority/roc_auc": 0.5, "fairness/sex/criteria_failed": 1,
             "fairness/sex/criteria_assessed": 4}  # fmt: skip
    params = {"dataset": {"name": "adult"}, "model": {"name": "svm"}}
    blocks = tool.run_report(found, params).split("\n\n")
    assert blocks[0] == "adult, svm, 100 test rows"
    rows = [line.split() for line in blocks[1].splitlines()]
    assert rows[1] == ["roc_auc", "0.950", "[0.940,", "0.960]", "0.930", "0.900", "0.500"]
    assert rows[2] == ["accuracy", "0.900", "-", "-", "-"]
    assert blocks[2].splitlines()[1].split() == ["sex", "1", "of", "4"]
