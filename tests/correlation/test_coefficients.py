"""The coefficients and their p-values against the reference libraries: pandas, scipy, sklearn."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import association
from sklearn.metrics import adjusted_mutual_info_score, mutual_info_score
from sklearn.metrics.cluster._expected_mutual_info_fast import expected_mutual_information

from pipeline.correlation.coefficients import mutual_info_r

TOL = 1e-12


def test_pearson_and_spearman_match_pandas_and_scipy(mixed_table, pair_row) -> None:
    frame, table, numeric = mixed_table.frame, mixed_table.table, mixed_table.numeric
    pearson = frame[numeric].corr(method="pearson")
    spearman = frame[numeric].corr(method="spearman")
    worst = 0.0
    for a, b in itertools.combinations(numeric, 2):
        row = pair_row(table, a, b)
        both = frame[[a, b]].dropna()
        reference_r = stats.pearsonr(both[a], both[b])
        reference_rho = stats.spearmanr(both[a], both[b])
        differences = [
            row["pearson"] - pearson.loc[a, b],
            row["spearman"] - spearman.loc[a, b],
            row["pearson"] - reference_r.statistic,
            row["pearson_p"] - reference_r.pvalue,
            row["spearman"] - reference_rho.statistic,
            row["spearman_p"] - reference_rho.pvalue,
        ]
        worst = max(worst, *np.abs(differences))
        assert row["n"] == len(both)
    assert worst < TOL
    assert pair_row(table, "x", "holes")["n"] < len(frame)  # pairwise complete, not listwise


def test_eta_matches_its_definition_and_the_anova_p_value(mixed_table, pair_row) -> None:
    frame, table = mixed_table.frame, mixed_table.table
    for num, cat in itertools.product(mixed_table.numeric, mixed_table.categorical):
        both = frame[[num, cat]].dropna()
        values, groups = both[num], both[cat]
        mean = values.mean()
        by_group = values.groupby(groups)
        between = (by_group.count() * (by_group.mean() - mean) ** 2).sum()
        eta = np.sqrt(between / ((values - mean) ** 2).sum())
        p = stats.f_oneway(*[g.to_numpy() for _, g in by_group]).pvalue
        row = pair_row(table, num, cat)
        assert abs(row["eta"] - eta) < TOL
        assert abs(row["eta_p"] - p) < TOL
        assert row["strength"] == row["eta"] and row["strength_measure"] == "eta"


def bergsma_v(table: np.ndarray) -> float:
    """Bias-corrected Cramér's V as published (Bergsma 2013, J. Korean Stat. Soc. 42, 323-328)."""
    n = table.sum()
    r, k = table.shape
    chi2 = stats.chi2_contingency(table, correction=False).statistic
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    r_tilde = r - (r - 1) ** 2 / (n - 1)
    k_tilde = k - (k - 1) ** 2 / (n - 1)
    return float(np.sqrt(phi2 / min(k_tilde - 1, r_tilde - 1)))


def test_cramers_v_matches_scipy_and_the_bias_correction_matches_bergsma(
    mixed_table, pair_row
) -> None:
    frame, table = mixed_table.frame, mixed_table.table
    for a, b in itertools.combinations(mixed_table.categorical, 2):
        observed = pd.crosstab(frame[a], frame[b]).to_numpy()
        row = pair_row(table, a, b)
        assert abs(row["cramers_v"] - association(observed, method="cramer")) < TOL
        assert abs(row["cramers_v_corrected"] - bergsma_v(observed)) < TOL
        chi2 = stats.chi2_contingency(observed, correction=False)
        assert abs(row["cramers_v_p"] - chi2.pvalue) < TOL
        assert row["cramers_v_corrected"] <= row["cramers_v"]
        assert row["strength"] == row["cramers_v_corrected"]


def test_mutual_information_matches_sklearn_on_the_same_bins(mixed_table, pair_row) -> None:
    frame, table, columns = mixed_table.frame, mixed_table.table, mixed_table.columns
    # Without point masses the bins are pandas.qcut's; few distinct values keep one bin each.
    qcut = pd.qcut(frame["x"], 4, labels=False).to_numpy()
    np.testing.assert_array_equal(columns["x"].codes, qcut)
    np.testing.assert_array_equal(columns["ties"].codes, frame["ties"].to_numpy().astype(int))
    labels = {
        name: pd.Series(np.where(c.codes >= 0, c.codes, np.nan)) for name, c in columns.items()
    }
    for a, b in itertools.combinations(frame.columns, 2):
        both = pd.concat([labels[a], labels[b]], axis=1).dropna()
        row = pair_row(table, a, b)
        assert abs(row["mutual_info"] - mutual_info_score(both.iloc[:, 0], both.iloc[:, 1])) < TOL
        ami = adjusted_mutual_info_score(both.iloc[:, 0], both.iloc[:, 1])
        assert abs(row["adjusted_mutual_info"] - ami) < TOL
        observed = pd.crosstab(both.iloc[:, 0], both.iloc[:, 1]).to_numpy()
        expected = expected_mutual_information(observed, len(both))
        assert abs(row["mutual_info_expected"] - expected) < TOL
        # the G statistic scaled to its exact mean under independence, on the G-test's dof
        g_test = stats.chi2_contingency(observed, correction=False, lambda_="log-likelihood")
        scaled = g_test.statistic * g_test.dof / (2 * len(both) * expected)
        assert abs(row["mutual_info_p"] - stats.chi2.sf(scaled, g_test.dof)) < TOL
        corrected = max(row["mutual_info"] - expected, 0.0)
        assert abs(row["mutual_info_r"] - np.sqrt(1 - np.exp(-2 * corrected))) < TOL


def test_mutual_info_r_is_undefined_for_undefined_information() -> None:
    assert np.isnan(mutual_info_r(float("nan")))
    assert mutual_info_r(0.0) == 0.0
