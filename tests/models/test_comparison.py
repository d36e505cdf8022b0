"""The paired comparison: values and tests against their oracles, the refusal of unpaired runs,
the gate's decision with a tolerance (and for losses), and the tables it prints."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, mean_absolute_error, roc_auc_score
from statsmodels.stats.multitest import multipletests

from pipeline.errors import ConfigError, DataValidationError
from pipeline.models.comparison import METRICS, CompareConfig, compare, infer_task
from pipeline.models.intervals import Answers, metric_replicates
from pipeline.models.metrics import score
from pipeline.models.outputs import BinaryOutputs, MulticlassOutputs, Outputs
from pipeline.predictions import Predictions
from pipeline.stats.paired import delong, mcnemar_exact

CONFIG = CompareConfig(metrics=("accuracy", "roc_auc"), tolerance=0.0, n_boot=200, ci_level=0.95)
NO_SENSITIVE = pd.DataFrame()


def binary(y: np.ndarray, noise: float, seed: int) -> Predictions:
    """A probabilistic classifier of `y`, worse with more `noise`."""
    rng = np.random.default_rng(seed)
    logit = 2.0 * (y - 0.5) * 2 + rng.normal(scale=noise, size=len(y))
    score = 1.0 / (1.0 + np.exp(-logit))
    return Predictions(y, (score > 0.5).astype(np.int64), score, NO_SENSITIVE)


def labels(n: int = 800, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).random(n) < 0.4).astype(np.int64)


def regression(y: np.ndarray, noise: float, seed: int) -> Predictions:
    rng = np.random.default_rng(seed)
    return Predictions(y, y + rng.normal(scale=noise, size=len(y)), None, NO_SENSITIVE)


def config(**changes) -> CompareConfig:
    return CompareConfig(**{**CONFIG.__dict__, **changes})


def test_the_metric_names_are_those_score_computes() -> None:
    y = labels(40)
    score_ = np.linspace(0.01, 0.99, 40)
    three = np.arange(40) % 3
    proba = np.full((40, 3), 1 / 3)
    computed = {
        "binary": score(BinaryOutputs(y, y, score_, True)),
        "multiclass": score(MulticlassOutputs(three, three, proba, [0, 1, 2])),
        "regression": score(Outputs(score_, score_)),
    }
    for task, names in METRICS.items():
        assert sorted(names) == sorted(set(computed[task]) - {"n_rows"})


def test_values_tests_and_intervals_match_their_oracles() -> None:
    y = labels()
    a, b1, b2 = binary(y, 2.0, 1), binary(y, 3.5, 2), binary(y, 2.0, 3)
    result = compare(a, [b1, b2], "binary", CONFIG, seed=7, names=["a", "b1", "b2"])
    rows = {(r.run, r.metric): r for r in result.rows}
    assert [(r.run, r.metric) for r in result.rows] == [
        ("b1", "accuracy"), ("b2", "accuracy"), ("b1", "roc_auc"), ("b2", "roc_auc"),
    ]  # fmt: skip
    replicates = metric_replicates(
        y, [Answers(r.y_pred, y_score=r.y_score) for r in (a, b1, b2)], "binary", [0, 1], 200, 7
    )
    for j, (name, run) in enumerate((("b1", b1), ("b2", b2)), start=1):
        acc, auc = rows[(name, "accuracy")], rows[(name, "roc_auc")]
        assert acc.a == accuracy_score(y, a.y_pred) and acc.b == accuracy_score(y, run.y_pred)
        assert acc.diff == acc.b - acc.a
        assert auc.a == pytest.approx(roc_auc_score(y, a.y_score), abs=1e-12)
        assert auc.b == pytest.approx(roc_auc_score(y, run.y_score), abs=1e-12)
        assert acc.p == mcnemar_exact(a.y_pred == y, run.y_pred == y)[2]
        assert auc.p == delong(y, a.y_score, run.y_score).p
        for row in (acc, auc):
            differences = replicates[row.metric][:, j] - replicates[row.metric][:, 0]
            low, high = np.percentile(differences, [2.5, 97.5])
            assert (row.low, row.high) == pytest.approx((low, high), abs=1e-12)
    for metric in ("accuracy", "roc_auc"):
        p = [rows[(name, metric)].p for name in ("b1", "b2")]
        holm = multipletests(p, method="holm")[1]
        assert [rows[(name, metric)].p_holm for name in ("b1", "b2")] == pytest.approx(
            holm, abs=1e-12
        )


def test_a_run_against_itself_differs_by_exactly_zero() -> None:
    y = labels()
    a = binary(y, 2.0, 1)
    result = compare(a, [binary(y, 2.0, 1)], "binary", CONFIG, seed=3)
    for row in result.rows:
        assert (row.diff, row.low, row.high, row.p) == (0.0, 0.0, 0.0, 1.0)
        assert row.verdict == "inconclusive"
    assert result.failures() == []


def test_runs_scored_on_other_rows_are_refused() -> None:
    y = labels()
    other = y.copy()
    other[:3] = 1 - other[:3]
    with pytest.raises(DataValidationError, match=r"other true labels than A \(3 of 800"):
        compare(binary(y, 2, 1), [binary(other, 2, 1)], "binary", CONFIG, seed=0)
    with pytest.raises(DataValidationError, match="scored on 799 test rows and A on 800"):
        compare(binary(y, 2, 1), [binary(y[1:], 2, 1)], "binary", CONFIG, seed=0)
    no_score = Predictions(y, y, None, NO_SENSITIVE)
    with pytest.raises(DataValidationError, match="run B1 has no y_score"):
        compare(binary(y, 2, 1), [no_score], "binary", CONFIG, seed=0)


def test_the_gate_fails_a_worse_run_beyond_the_tolerance_only() -> None:
    y = labels(3000)
    good, bad = binary(y, 1.5, 1), binary(y, 4.0, 2)
    result = compare(good, [bad], "binary", CONFIG, seed=1, names=["good", "bad"])
    assert [r.verdict for r in result.rows] == ["worse", "worse"]
    assert all(r.high is not None and r.high < 0 for r in result.rows)
    lines = result.failures()
    assert len(lines) == 2 and lines[0].startswith("bad is worse than good on accuracy: ")
    # the other way round B is better and passes
    reverse = compare(bad, [good], "binary", CONFIG, seed=1)
    assert [r.verdict for r in reverse.rows] == ["better", "better"] and not reverse.failures()
    # a tolerance wider than the loss lets it pass, and says so
    accuracy_loss = -result.rows[0].diff
    tolerant = compare(good, [bad], "binary", config(tolerance=accuracy_loss + 0.01), seed=1)
    assert tolerant.rows[0].verdict == "within tolerance"
    assert tolerant.failures() == [] or all("roc_auc" in line for line in tolerant.failures())
    # an interval that holds zero does not fail, however large the point difference
    assert compare(good, [binary(y, 1.5, 9)], "binary", CONFIG, seed=1).failures() == []


def test_for_losses_lower_is_better() -> None:
    y = np.random.default_rng(0).normal(size=1000)
    small, large = regression(y, 0.5, 1), regression(y, 1.0, 2)
    losses = config(metrics=("mae", "rmse", "r2"))
    result = compare(small, [large], "regression", losses, seed=0)
    assert [(r.metric, r.verdict) for r in result.rows] == [
        ("mae", "worse"), ("rmse", "worse"), ("r2", "worse"),
    ]  # fmt: skip
    assert result.rows[0].diff == pytest.approx(
        mean_absolute_error(y, large.y_pred) - mean_absolute_error(y, small.y_pred), abs=1e-15
    )
    assert result.rows[0].test is None and result.rows[0].p is None
    better = compare(large, [small], "regression", losses, seed=0)
    assert [r.verdict for r in better.rows] == ["better"] * 3 and not better.failures()


def test_metrics_the_task_lacks_are_skipped_and_named() -> None:
    y = np.random.default_rng(0).normal(size=300)
    result = compare(
        regression(y, 0.5, 1), [regression(y, 0.5, 2)], "regression",
        config(metrics=("accuracy", "mae")), seed=0,
    )  # fmt: skip
    assert [r.metric for r in result.rows] == ["mae"] and result.skipped == ("accuracy",)
    assert "not defined for a regression task: accuracy" in result.to_text()
    with pytest.raises(ConfigError, match="none of compare.metrics .accuracy, roc_auc."):
        compare(regression(y, 0.5, 1), [regression(y, 0.5, 2)], "regression", CONFIG, seed=0)


def test_scores_that_are_not_probabilities_have_no_log_loss() -> None:
    y = labels()
    a, b = binary(y, 2, 1), binary(y, 2, 2)
    decision = Predictions(y, b.y_pred, np.log(b.y_score / (1 - b.y_score)), NO_SENSITIVE)
    result = compare(a, [decision], "binary", config(metrics=("log_loss",)), seed=0)
    (row,) = result.rows
    assert row.a is not None and row.b is None and row.diff is None
    assert row.verdict == "inconclusive" and "n/a" in result.to_text()


def test_multiclass_accuracy_gets_mcnemar() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 500)
    a = np.where(rng.random(500) < 0.8, y, (y + 1) % 3)
    b = np.where(rng.random(500) < 0.6, y, (y + 2) % 3)
    runs = [Predictions(y, p, None, NO_SENSITIVE) for p in (a, b)]
    assert infer_task(runs[0]) == "multiclass"
    result = compare(runs[0], runs[1:], "multiclass", config(metrics=("accuracy", "f1_macro")), 0)
    assert [(r.metric, r.test, r.verdict) for r in result.rows] == [
        ("accuracy", "McNemar", "worse"), ("f1_macro", None, "worse"),
    ]  # fmt: skip
    assert result.rows[0].p == mcnemar_exact(a == y, b == y)[2]


def test_tables_in_text_and_markdown() -> None:
    y = labels(3000)
    good, bad, same = binary(y, 1.5, 1), binary(y, 4.0, 2), binary(y, 1.5, 1)
    result = compare(good, [bad, same], "binary", CONFIG, seed=1, names=["A0", "B1", "B2"])
    markdown = result.to_markdown().splitlines()
    assert markdown[0] == "### Comparison: **fails**"
    header = "| B | metric | A | B | B - A | 95% interval | test | p | Holm p | verdict |"
    table = markdown[markdown.index(header) :]
    assert table[1] == "|" + "---|" * 10
    first = next(r for r in result.rows if r.run == "B1" and r.metric == "accuracy")
    cells = table[2].strip("| ").split(" | ")
    assert cells[:5] == ["B1", "accuracy", f"{first.a:.4f}", f"{first.b:.4f}", f"{first.diff:+.4f}"]
    assert cells[5] == f"[{first.low:+.4f}, {first.high:+.4f}]"
    assert cells[6].startswith("McNemar ") and cells[-1] == "**worse**"
    assert table[3].startswith("| B2 | accuracy |") and "+0.0000" in table[3]
    assert markdown[-2:] == [
        "- McNemar n/m: the rows that only B / only A classifies right",
        "- Holm p: adjusted over the 2 runs B, per test",
    ]
    text = result.to_text().splitlines()
    assert text[0].startswith("A = A0; 3000 test rows, binary; B - A with 95% paired bootstrap")
    assert text[2].split() == ["B", "metric", "A", "B", "B", "-", "A", "95%", "interval", "test",
                               "p", "Holm", "p", "verdict"]  # fmt: skip
    assert len(text) == 3 + len(result.rows) + 3 and text[-3] == ""
    single = compare(good, [same], "binary", CONFIG, seed=1).to_markdown()
    assert single.startswith("### Comparison: passes") and "Holm" not in single


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"metrics": ("accuracy", "auc")}, "compare.metrics names 'auc'"),
        ({"metrics": ()}, "compare.metrics is empty"),
        ({"tolerance": -0.1}, "compare.tolerance is -0.1"),
        ({"n_boot": 10}, "compare.n_boot is 10; use at least 100"),
        ({"ci_level": 1.0}, "compare.ci_level is 1.0"),
    ],
)
def test_config_errors_name_the_key(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config(**changes)


def test_nothing_to_compare_is_an_error() -> None:
    y = labels()
    with pytest.raises(ConfigError, match="at least one run B"):
        compare(binary(y, 2, 1), [], "binary", CONFIG, seed=0)
