"""Mutual information's small-sample bias: the chance level against scikit-learn's, its
subtraction, and a p-value that keeps its level on sparse tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import adjusted_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix
from sklearn.metrics.cluster._expected_mutual_info_fast import expected_mutual_information

from pipeline.correlation.coefficients import contingency, table_measures
from pipeline.correlation.columns import encode
from pipeline.correlation.config import MEASURES
from pipeline.correlation.information import EXACT_ROWS, expected_mutual_info
from pipeline.correlation.pairs import association_table, q_values


def test_the_chance_level_is_scikit_learns_expected_mutual_information() -> None:
    rng = np.random.default_rng(3)
    for n, ka, kb in [(600, 10, 10), (100, 7, 3), (40, 2, 2), (900, 30, 10)]:
        a = rng.integers(0, ka, n)
        b = np.minimum(rng.geometric(0.3, n) - 1, kb - 1)  # skewed margins
        table = contingency_matrix(a, b)
        reference = expected_mutual_information(table, n)
        assert abs(expected_mutual_info(table.sum(axis=1), table.sum(axis=0)) - reference) < 1e-12
        measured = table_measures(table)
        assert abs(measured.adjusted_mutual_info - adjusted_mutual_info_score(a, b)) < 1e-12


def test_beyond_the_exact_limit_the_first_order_term_agrees() -> None:
    margins = np.array([60_000, 50_000, 40_000])
    assert margins.sum() > EXACT_ROWS
    reference = expected_mutual_information(np.diag(margins).astype(np.int64), margins.sum())
    first_order = expected_mutual_info(margins, margins)
    assert first_order == 4 / (2 * margins.sum())
    assert abs(first_order - reference) / reference < 1e-4


def independent_table(seed: int, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(8)})
    frame["few"] = rng.choice(list("abc"), n)
    frame["many"] = rng.choice([f"l{i}" for i in range(30)], n)
    return frame


def test_independent_columns_of_600_rows_show_no_association_above_0_2() -> None:
    frame = independent_table(seed=11)
    columns = encode(frame, ["few", "many"], max_levels=100, bins=10)
    table = association_table(columns, MEASURES)
    plug_in = np.sqrt(-np.expm1(-2 * table["mutual_info"]))
    numeric = (table["kind"] == "numeric-numeric").to_numpy()
    assert plug_in[numeric].min() > 0.3  # uncorrected: about 0.36 on every pair of 10 x 10 bins
    assert table["mutual_info_r"].median() < 0.1
    shown = q_values(table["mutual_info_p"]) < 0.05
    assert not (table["mutual_info_r"][shown] > 0.2).any()
    assert (table["adjusted_mutual_info"].abs() < 0.05).all()


def test_a_real_association_is_kept_and_near_pearsons_r() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=5000)
    frame = pd.DataFrame({"x": x, "y": 0.5 * x + np.sqrt(0.75) * rng.normal(size=5000)})
    row = association_table(encode(frame, [], max_levels=100, bins=10), MEASURES).iloc[0]
    assert 0.42 < row["mutual_info_r"] < 0.5 and row["mutual_info_p"] < 1e-100
    assert row["mutual_info_r"] < np.sqrt(-np.expm1(-2 * row["mutual_info"]))


def test_the_p_value_keeps_its_level_where_the_g_test_does_not() -> None:
    rng = np.random.default_rng(1)
    scaled, g_test = [], []
    for _ in range(200):
        a, b = rng.integers(0, 10, 600), rng.integers(0, 30, 600)
        table = contingency(a, 10, b, 30)
        scaled.append(table_measures(table).mutual_info_p)
        g_test.append(stats.chi2_contingency(table, lambda_="log-likelihood").pvalue)
    assert np.mean(np.array(g_test) < 0.05) > 0.3  # half of the independent pairs "significant"
    assert np.mean(np.array(scaled) < 0.05) < 0.08
