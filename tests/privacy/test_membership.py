"""The loss-threshold membership attack (pipeline/privacy/membership.py, losses.py): AUC and
advantage equal scikit-learn's on the same rows, every bootstrap replicate equals a brute-force
weighted computation on the same draws, an overfitting model is exposed and a regularised one is
not, and the result does not depend on the seed's absence or on the losses' last bits."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression, Perceptron
from sklearn.metrics import log_loss, roc_auc_score, roc_curve
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from pipeline.data.synthetic import make_synthetic
from pipeline.errors import DataValidationError
from pipeline.privacy.losses import EPS, RowLosses, row_losses
from pipeline.privacy.membership import drawn_rows, membership_attack
from pipeline.privacy.membership_result import chance_advantage
from pipeline.schema import Schema
from pipeline.stats.resample import draw, replicate_keys, strata

TOL = 1e-12
SCHEMA = Schema("binary", "label", ("x1", "x2", "z", "spurious"), ("color", "region"),
                ("group",), (0, 1), (0, 1))  # fmt: skip


def fitted(estimator: object, train: pd.DataFrame, schema: Schema = SCHEMA) -> Pipeline:
    prep = ColumnTransformer([("num", StandardScaler(), list(schema.numeric)),
                              ("cat", OneHotEncoder(handle_unknown="ignore"),
                               list(schema.categorical))])  # fmt: skip
    model = Pipeline([("prep", prep), ("model", estimator)])
    return model.fit(train[schema.features], train[schema.target])


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = make_synthetic(4000, seed=11, bias=0.3, proxy_strength=0.8)
    return frame.iloc[:2000].reset_index(drop=True), frame.iloc[2000:].reset_index(drop=True)


def tied_losses(seed: int, n_m: int, n_n: int) -> tuple[RowLosses, RowLosses]:
    """Members with lower losses than non-members on average, many ties (two decimals)."""
    rng = np.random.default_rng(seed)
    m, n = rng.exponential(0.4, n_m).round(2), rng.exponential(0.5, n_n).round(2)
    return (RowLosses(m, rng.random(n_m) < 0.9, "log_loss"),
            RowLosses(n, rng.random(n_n) < 0.8, "log_loss"))  # fmt: skip


def advantage(y: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> float:
    fpr, tpr, _ = roc_curve(y, score, sample_weight=weight)
    return float(np.max(tpr - fpr))


def test_auc_and_advantage_equal_sklearn_overall_and_per_group() -> None:
    members, nonmembers = tied_losses(1, 700, 500)
    rng = np.random.default_rng(2)
    labels = (rng.choice(["a", "b"], 700), rng.choice(["a", "b"], 500))
    result = membership_attack(members, nonmembers, {"g": labels}, n_boot=0, ci_level=0.9,
                               seed=4, max_rows=450)  # fmt: skip
    assert result.rows_per_side == 450 and result.auc.low is None
    # the drawn rows, as the attack draws them
    pick = np.random.default_rng(np.random.SeedSequence([4, 0]))
    take_m, take_n = np.sort(pick.choice(700, 450, False)), np.sort(pick.choice(500, 450, False))
    y = np.r_[np.ones(450), np.zeros(450)]
    score = -np.r_[members.loss[take_m], nonmembers.loss[take_n]]
    assert result.auc.value == pytest.approx(roc_auc_score(y, score), abs=TOL)
    assert result.advantage.value == pytest.approx(advantage(y, score), abs=TOL)
    # the advantage is the one-sided Kolmogorov-Smirnov statistic of the two sides' losses
    ks = ks_2samp(members.loss[take_m], nonmembers.loss[take_n], alternative="greater")
    assert result.advantage.value == pytest.approx(ks.statistic, abs=TOL)
    gap = nonmembers.loss[take_n].mean() - members.loss[take_m].mean()
    assert result.loss_gap.value == pytest.approx(gap, abs=TOL)
    accuracy = members.correct[take_m].mean() - nonmembers.correct[take_n].mean()  # type: ignore[index]
    assert result.accuracy_gap is not None
    assert result.accuracy_gap.value == pytest.approx(accuracy, abs=TOL)
    group = np.r_[labels[0][take_m], labels[1][take_n]]
    for row in result.groups["g"]:
        inside = group == row.group
        assert (row.members, row.nonmembers) == (int(inside[:450].sum()), int(inside[450:].sum()))
        assert row.auc is not None and row.advantage is not None
        assert row.auc.value == pytest.approx(roc_auc_score(y[inside], score[inside]), abs=TOL)
        assert row.advantage.value == pytest.approx(advantage(y[inside], score[inside]), abs=TOL)


def test_intervals_equal_a_brute_force_bootstrap_on_the_same_draws() -> None:
    """Members and non-members resampled separately (groups: each group's two sides): every
    replicate's AUC, advantage and gaps equal sklearn's with the draw's row weights, and the
    interval is numpy's percentile of those replicates."""
    n, n_boot, level = 300, 60, 0.8
    members, nonmembers = tied_losses(5, n, n)
    labels = (np.where(np.arange(n) % 3 == 0, "x", "y"), np.where(np.arange(n) % 2 == 0, "x", "y"))
    result = membership_attack(members, nonmembers, {"g": labels}, n_boot=n_boot,
                               ci_level=level, seed=7, max_rows=n)  # fmt: skip
    y = np.r_[np.ones(n), np.zeros(n)]
    loss = np.r_[members.loss, nonmembers.loss]
    right = np.r_[members.correct, nonmembers.correct].astype(float)  # type: ignore[arg-type]
    counts = draw(replicate_keys([7, 1], n_boot), strata([n, n])).astype(np.float64)

    def check(estimate: object, replicates: list[float]) -> None:
        expected = np.quantile(replicates, [(1 - level) / 2, (1 + level) / 2])
        np.testing.assert_allclose([estimate.low, estimate.high], expected, rtol=0, atol=1e-9)  # type: ignore[attr-defined]

    check(result.auc, [roc_auc_score(y, -loss, sample_weight=w) for w in counts.T])
    check(result.advantage, [advantage(y, -loss, w) for w in counts.T])

    def side_gap(values: np.ndarray, w: np.ndarray) -> float:
        return float(np.sum(w[n:] * values[n:]) / n - np.sum(w[:n] * values[:n]) / n)

    check(result.loss_gap, [side_gap(loss, w) for w in counts.T])
    check(result.accuracy_gap, [-side_gap(right, w) for w in counts.T])
    # groups: strata x-members, x-non-members, y-members, y-non-members, rows in their order
    rows = [np.flatnonzero(labels[0] == g) if s == 0 else n + np.flatnonzero(labels[1] == g)
            for g in ("x", "y") for s in (0, 1)]  # fmt: skip
    group_counts = draw(
        replicate_keys([7, 2, zlib.crc32(b"g")], n_boot), strata([len(r) for r in rows])
    )
    for j, row in enumerate(result.groups["g"]):
        inside = np.concatenate(rows[2 * j : 2 * j + 2])
        start = sum(len(r) for r in rows[: 2 * j])
        w_rows = group_counts[start : start + len(inside)].astype(np.float64)
        check(row.auc, [roc_auc_score(y[inside], -loss[inside], sample_weight=w) for w in w_rows.T])
        check(row.advantage, [advantage(y[inside], -loss[inside], w) for w in w_rows.T])


def test_an_overfitting_model_is_exposed_and_a_regularised_one_is_not(synthetic) -> None:
    train, test = synthetic
    forest = RandomForestClassifier(50, min_samples_leaf=1, bootstrap=False, random_state=0)
    numbers = {}
    for name, estimator in (("forest", forest), ("logistic", LogisticRegression(C=0.01))):
        model = fitted(estimator, train)
        groups = {"group": (train["group"].to_numpy(), test["group"].to_numpy())}
        result = membership_attack(row_losses(model, train, SCHEMA),
                                   row_losses(model, test, SCHEMA), groups, n_boot=200,
                                   ci_level=0.95, seed=0, max_rows=5000)  # fmt: skip
        numbers[name] = result
        assert result.score_kind == "log_loss" and result.rows_per_side == 2000
    exposed, quiet = numbers["forest"], numbers["logistic"]
    assert exposed.auc.low is not None and exposed.auc.low > 0.55
    assert exposed.accuracy_gap is not None and exposed.accuracy_gap.value > 0.1
    assert exposed.member_loss < 1e-9 < exposed.nonmember_loss  # pure leaves: p(true) = 1
    assert all(g.auc is not None and g.auc.low > 0.55 for g in exposed.groups["group"])  # type: ignore[operator]
    low, high = quiet.auc.low, quiet.auc.high
    assert low is not None and high is not None
    assert low <= 0.5 <= high or (low >= 0.47 and high <= 0.53)
    assert "leaks clearly" in " ".join(exposed.summary())
    words = " ".join(quiet.summary())
    assert ("interval contains 0.5" in words) == (low <= 0.5 <= high)
    assert f"chance alone exceeds {quiet.advantage_chance:.3f}" in words


def test_the_chance_advantage_is_exceeded_one_time_in_20_without_a_leak() -> None:
    """scipy's asymptotic test rejects 'no leak' at 5% exactly when the advantage exceeds the
    chance level; in 600 null draws of 150 and 90 rows from one distribution, the advantage
    exceeds it about 5% of the time."""
    rng = np.random.default_rng(0)
    assert chance_advantage(5000, 2000) == pytest.approx(chance_advantage(2000, 5000), rel=TOL)
    verdicts = []
    for p, n in ((5000, 5000), (5000, 2000), (3000, 1000)):
        d = chance_advantage(p, n)
        for shift in np.linspace(0.0, 0.1, 12):
            m, o = rng.normal(-shift, 1.0, p), rng.normal(0.0, 1.0, n)
            test = ks_2samp(m, o, alternative="greater", method="asymp")
            assert (test.statistic > d) == (test.pvalue < 0.05)
            verdicts.append(test.statistic > d)
    assert 0 < sum(verdicts) < len(verdicts)  # both sides of the level were seen
    d = chance_advantage(150, 90)
    # the statistic of 600 null draws at once: max over the pooled order of F_150 - F_90
    values = rng.normal(size=(600, 240))
    member = np.argsort(values, axis=1) < 150  # the first 150 columns are the members
    curve = np.cumsum(np.where(member, 1 / 150, -1 / 90), axis=1)
    assert 0.02 <= np.mean(curve.max(axis=1) > d) <= 0.08


def test_same_seed_same_bytes_other_seed_other_draws_last_bits_ignored() -> None:
    members, nonmembers = tied_losses(8, 900, 700)
    labels = (np.repeat(["a", "b", "c"], 300), np.repeat(["a", "b", "c"], [300, 300, 100]))
    args = {"n_boot": 50, "ci_level": 0.95, "max_rows": 600}
    first = membership_attack(members, nonmembers, {"g": labels}, seed=1, **args).to_json()
    again = membership_attack(members, nonmembers, {"g": labels}, seed=1, **args).to_json()
    other = membership_attack(members, nonmembers, {"g": labels}, seed=2, **args).to_json()
    assert first == again and first != other
    assert first["auc"]["value"] != other["auc"]["value"]  # another draw of the rows
    # noise far below the rounding step (a BLAS kernel's last bits) changes nothing
    rng = np.random.default_rng(3)
    noisy = [RowLosses(s.loss * (1 + rng.uniform(-1e-14, 1e-14, len(s))), s.correct, s.kind)
             for s in (members, nonmembers)]  # fmt: skip
    assert membership_attack(*noisy, {"g": labels}, seed=1, **args).to_json() == first


def test_small_groups_get_no_numbers_and_missing_labels_form_a_group() -> None:
    members, nonmembers = tied_losses(9, 400, 400)
    labels_m = np.array(["a"] * 380 + ["b"] * 20, dtype=object)
    labels_n = np.array(["a"] * 370 + [None] * 30, dtype=object)
    result = membership_attack(members, nonmembers, {"g": (labels_m, labels_n)}, n_boot=20,
                               ci_level=0.9, seed=0, max_rows=400)  # fmt: skip
    rows = {r.group: r for r in result.groups["g"]}
    assert set(rows) == {"a", "b", "(missing)"}
    assert rows["a"].auc is not None and rows["a"].auc.low is not None
    assert rows["b"].auc is None and (rows["b"].members, rows["b"].nonmembers) == (20, 0)
    assert rows["(missing)"].to_json()["too_small"] is True
    assert any("too few" in line for line in result.summary())


def test_row_losses_are_the_per_row_log_loss_zero_one_and_squared_error(synthetic) -> None:
    train, test = synthetic
    model = fitted(LogisticRegression(), train)
    losses = row_losses(model, test, SCHEMA)
    proba = model.predict_proba(test[SCHEMA.features])
    assert losses.loss.mean() == pytest.approx(log_loss(test["label"], proba), rel=1e-12)
    assert np.array_equal(losses.correct, model.predict(test[SCHEMA.features]) == test["label"])
    # multiclass with text labels: the true class's column, whatever the order of classes
    multi = Schema("multiclass", "color", ("x1", "x2", "z"), ("region",), (), (), ())
    model = fitted(LogisticRegression(), train, multi)
    proba = np.clip(model.predict_proba(test[multi.features]), EPS, 1 - EPS)
    column = [list(model.classes_).index(c) for c in test["color"]]
    expected = -np.log(proba[np.arange(len(test)), column])
    np.testing.assert_allclose(row_losses(model, test, multi).loss, expected, rtol=1e-15)
    # no predict_proba: the 0/1 loss
    model = fitted(Perceptron(random_state=0), train)
    zero_one = row_losses(model, test, SCHEMA)
    wrong = model.predict(test[SCHEMA.features]) != test["label"]
    assert zero_one.kind == "zero_one" and np.array_equal(zero_one.loss, wrong.astype(float))
    result = membership_attack(row_losses(model, train, SCHEMA), zero_one, n_boot=0,
                               ci_level=0.9, seed=0, max_rows=2000)  # fmt: skip
    assert result.to_json()["score_kind"] == "zero_one"
    assert any("no probabilities" in line for line in result.summary())
    # regression: squared errors, no accuracy
    regression = Schema("regression", "x2", ("x1", "z"), ("color",), (), (), ())
    model = fitted(LinearRegression(), train, regression)
    squared = row_losses(model, test, regression)
    error = test["x2"] - model.predict(test[regression.features])
    np.testing.assert_allclose(squared.loss, error**2, rtol=1e-12)
    result = membership_attack(row_losses(model, train, regression), squared, n_boot=0,
                               ci_level=0.9, seed=0, max_rows=2000)  # fmt: skip
    assert result.accuracy_gap is None and result.to_json()["member_accuracy"] is None


def test_a_label_the_model_never_saw_is_a_data_error(synthetic) -> None:
    train, test = synthetic
    model = fitted(LogisticRegression(), train)
    bad = test.assign(label=test["label"].where(test.index != 5, 7))
    with pytest.raises(DataValidationError, match=r"holds 7, .* re-run the train stage"):
        row_losses(model, bad, SCHEMA)


def test_rows_the_caller_draws_give_the_same_attack_as_rows_the_attack_draws() -> None:
    rng = np.random.default_rng(3)
    wrong = [rng.random(size) < share for size, share in ((900, 0.2), (700, 0.3))]
    sides = [RowLosses(w.astype(np.float64), ~w, "zero_one") for w in wrong]
    labels = (rng.choice(["a", "b"], 900), rng.choice(["a", "b"], 700))
    settings = {"n_boot": 50, "ci_level": 0.95, "seed": 5, "max_rows": 400}
    whole = membership_attack(*sides, {"g": labels}, **settings)
    rows = drawn_rows(900, 700, 400, 5)
    drawn = membership_attack(
        sides[0].take(rows[0]), sides[1].take(rows[1]),
        {"g": (labels[0][rows[0]], labels[1][rows[1]])}, available=(900, 700), **settings,
    )  # fmt: skip
    assert whole.rows_per_side == 400 and whole.members_available == 900
    assert drawn.to_json() == whole.to_json()
    with pytest.raises(ValueError, match="as many members as non-members"):
        membership_attack(sides[0].take(rows[0]), sides[1], available=(900, 700), **settings)
