"""The correlation stage: coefficients against reference libraries, planted structure found,
the worked spurious-correlation figures, failures, the leakage check in validate, and main()."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats
from scipy.stats.contingency import association
from sklearn.metrics import mutual_info_score

from pipeline import association as assoc
from pipeline.config import (
    DatasetConfig,
    FeaturesConfig,
    SplitConfig,
    ValidationConfig,
    from_mapping,
    load_config,
)
from pipeline.datasets import load, load_adult, make_synthetic
from pipeline.errors import ConfigError, DataValidationError
from pipeline.io import dumps_json
from pipeline.schema import Schema
from pipeline.stages import correlation
from pipeline.stages.correlation import CorrelationConfig, correlate, find_leakage
from pipeline.stages.features import build_features
from pipeline.stages.validate import validate

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-12
FEATURES = FeaturesConfig(include_sensitive=False, drop=(), categorical=(), min_frequency=1,
                          scale=True)  # fmt: skip
SPLIT = SplitConfig(test_size=0.25, stratify=True)
LIMITS = ValidationConfig(min_rows=10, min_class_count=2, max_missing_fraction=0.5,
                          max_duplicate_fraction=0.05, min_minority_fraction=0.05,
                          max_categories=100)  # fmt: skip


def default_config(**changes) -> CorrelationConfig:
    """The shipped params/correlation/default.yaml, read through the strict config reader."""
    raw = yaml.safe_load((ROOT / "params/correlation/default.yaml").read_text())
    return from_mapping(CorrelationConfig, {**raw, **changes}, "correlation")


def mixed_frame(n: int = 600, seed: int = 7) -> pd.DataFrame:
    """Numeric columns with ties, skew and missing values; categorical ones with missing values."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "x": x,
            "y": 0.5 * x + rng.normal(size=n),
            "ties": rng.integers(0, 4, n).astype(float),  # no more values than bins
            "skewed": np.exp(x + rng.normal(size=n)),
            "holes": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2.0, 1.0, n) + x),
            "colour": rng.choice(["red", "green", "blue"], n),
            "size": rng.choice(["s", "m", "l", "xl", None], n, p=[0.3, 0.3, 0.2, 0.1, 0.1]),
            "flag": np.where(x > 0.3, "on", "off"),
        }
    )
    for name in ("colour", "size", "flag"):
        frame[name] = frame[name].astype("str").where(frame[name].notna())
    return frame


NUMERIC = ["x", "y", "ties", "skewed", "holes"]
CATEGORICAL = ["colour", "size", "flag"]


@pytest.fixture(scope="module")
def mixed_table() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    frame = mixed_frame()
    columns = assoc.encode(frame, CATEGORICAL, max_levels=100, bins=4)
    return frame, assoc.association_table(columns, assoc.MEASURES), columns


def pair_row(table: pd.DataFrame, a: str, b: str) -> pd.Series:
    rows = table[((table["a"] == a) & (table["b"] == b)) | ((table["a"] == b) & (table["b"] == a))]
    assert len(rows) == 1
    return rows.iloc[0]


# --- coefficients against the reference libraries -----------------------------------------------


def test_pearson_and_spearman_match_pandas_and_scipy(mixed_table) -> None:
    frame, table, _ = mixed_table
    pearson = frame[NUMERIC].corr(method="pearson")
    spearman = frame[NUMERIC].corr(method="spearman")
    worst = 0.0
    for a, b in itertools.combinations(NUMERIC, 2):
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


def test_eta_matches_its_definition_and_the_anova_p_value(mixed_table) -> None:
    frame, table, _ = mixed_table
    for num, cat in itertools.product(NUMERIC, CATEGORICAL):
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


def test_cramers_v_matches_scipy_and_the_bias_correction_matches_bergsma(mixed_table) -> None:
    frame, table, _ = mixed_table
    for a, b in itertools.combinations(CATEGORICAL, 2):
        observed = pd.crosstab(frame[a], frame[b]).to_numpy()
        row = pair_row(table, a, b)
        assert abs(row["cramers_v"] - association(observed, method="cramer")) < TOL
        assert abs(row["cramers_v_corrected"] - bergsma_v(observed)) < TOL
        chi2 = stats.chi2_contingency(observed, correction=False)
        assert abs(row["cramers_v_p"] - chi2.pvalue) < TOL
        assert row["cramers_v_corrected"] <= row["cramers_v"]
        assert row["strength"] == row["cramers_v_corrected"]


def test_mutual_information_matches_sklearn_on_the_same_bins(mixed_table) -> None:
    frame, table, columns = mixed_table
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
        observed = pd.crosstab(both.iloc[:, 0], both.iloc[:, 1]).to_numpy()
        g_test = stats.chi2_contingency(observed, correction=False, lambda_="log-likelihood")
        assert abs(row["mutual_info_p"] - g_test.pvalue) < TOL
        assert abs(row["mutual_info_r"] - np.sqrt(1 - np.exp(-2 * row["mutual_info"]))) < TOL


def test_q_values_are_scipys_benjamini_hochberg_with_untested_pairs_left_out(mixed_table) -> None:
    _, table, _ = mixed_table
    p = table["p_value"].to_numpy().copy()
    p[[2, 5]] = np.nan
    q = assoc.q_values(p)
    tested = ~np.isnan(p)
    expected = stats.false_discovery_control(p[tested], method="bh")
    assert np.max(np.abs(q[tested] - expected)) < TOL
    assert np.isnan(q[~tested]).all()


def test_partial_correlation_matches_the_closed_form_for_one_confounder() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=500)
    frame = pd.DataFrame({"x": z + rng.normal(size=500), "y": z + rng.normal(size=500), "z": z})
    columns = assoc.encode(frame, [], max_levels=10, bins=None)
    result = assoc.partial_correlations([columns["x"], columns["y"]], [columns["z"]]).iloc[0]
    r = frame.corr()
    rxy, rxz, ryz = r.loc["x", "y"], r.loc["x", "z"], r.loc["y", "z"]
    closed = (rxy - rxz * ryz) / np.sqrt((1 - rxz**2) * (1 - ryz**2))
    t = closed * np.sqrt((500 - 3) / (1 - closed**2))
    assert abs(result["raw"] - rxy) < TOL
    assert abs(result["partial"] - closed) < TOL
    assert abs(result["partial_p"] - 2 * stats.t.sf(abs(t), 500 - 3)) < TOL
    assert result["raw"] > 0.4 and abs(result["partial"]) < 0.1


def test_point_masses_get_their_own_bin_and_rare_levels_are_lumped_not_dropped() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    gain = np.where(rng.random(n) < 0.9, 0.0, rng.lognormal(8, 1, n))
    ident = np.array([f"id{i:04d}" for i in range(n)])
    frame = pd.DataFrame({"gain": gain, "ident": ident, "y": (gain > 0).astype(str)})
    columns = assoc.encode(frame, ["y"], max_levels=20, bins=10)
    zero_codes = np.unique(columns["gain"].codes[gain == 0])
    assert len(zero_codes) == 1 and not np.isin(columns["gain"].codes[gain > 0], zero_codes).any()
    assert len(np.unique(columns["gain"].codes)) > 2  # the rest is still cut into quantiles
    ident_column = columns["ident"]
    assert len(ident_column.levels) == 20 and ident_column.levels[-1] == assoc.OTHER_LEVEL
    assert ident_column.lumped == n - 19
    table = assoc.association_table(columns, assoc.MEASURES)
    row = pair_row(table, "ident", "y")
    assert np.isfinite(row["cramers_v_corrected"]) and row["cramers_v_corrected"] < 0.1
    assert pair_row(table, "gain", "y")["mutual_info_r"] > 0.5


def test_constant_columns_give_undefined_not_made_up_coefficients() -> None:
    frame = pd.DataFrame(
        {"a": np.arange(20.0), "b": np.ones(20), "c": ["x"] * 20, "d": ["p", "q"] * 10}
    )
    table = assoc.association_table(assoc.encode(frame, [], max_levels=5, bins=3), assoc.MEASURES)
    assert np.isnan(pair_row(table, "a", "b")["pearson"])
    assert np.isnan(pair_row(table, "b", "d")["eta"])
    assert np.isnan(pair_row(table, "c", "d")["cramers_v"])
    text = dumps_json(table.to_dict("records"))
    assert "NaN" not in text and '"pearson": null' in text


# --- planted structure --------------------------------------------------------------------------


def synthetic_result(n_rows: int = 20000) -> tuple[correlation.Result, Schema]:
    frame = make_synthetic(n_rows, seed=42, bias=0.3, proxy_strength=0.9, plant_leak=True)
    dataset = DatasetConfig(name="synthetic", source="-", target="label", task="binary",
                            positive_label=1, sensitive=("group",), confounders=("z",))  # fmt: skip
    train, _, schema = build_features(frame, dataset, FEATURES, SPLIT, seed=42)
    return correlate(train, schema, default_config(), dataset.confounders, seed=42), schema


def test_synthetic_proxy_confounder_and_leak_are_found() -> None:
    result, _ = synthetic_result()
    report = result.report
    group = report["proxies"]["group"]
    assert group[0]["feature"] == "region" and group[0]["flagged"]
    assert [p["feature"] for p in report["flagged_proxies"]] == ["region"]
    assert [leak["column"] for leak in report["leakage"]["leaks"]] == ["leak"]
    assert "TARGET LEAKAGE" in report["warnings"][0]
    assert report["strongest_target_association"]["feature"] == "leak"
    pairs = {(p["a"], p["b"]): p for p in report["confounding"]["pairs"]}
    spurious = pairs[("spurious", "label")]
    assert spurious["raw"] > 0.25 and spurious["raw_q"] < 1e-10
    assert abs(spurious["partial"]) < 0.03 and spurious["explained"]
    x1 = pairs[("x1", "label")]
    assert x1["partial"] > 0.25 and not x1["explained"]  # a real cause does not vanish
    assert result.metrics["correlation/n_proxies"] == 1
    assert result.metrics["correlation/n_leaks"] == 1


def test_measures_are_chosen_in_config_and_leakage_is_checked_whatever_they_are() -> None:
    frame = make_synthetic(3000, seed=5, bias=0.3, proxy_strength=0.9, plant_leak=True)
    dataset = DatasetConfig(name="synthetic", source="-", target="label", task="binary",
                            positive_label=1, sensitive=("group",))  # fmt: skip
    train, _, schema = build_features(frame, dataset, FEATURES, SPLIT, seed=5)
    result = correlate(train, schema, default_config(measures=["mutual_info"]), (), seed=5)
    pairs = pd.DataFrame(result.report["pairs"])
    assert set(pairs["strength_measure"]) == {"mutual_info_r"}
    assert pairs["pearson"].isna().all() and pairs["cramers_v"].isna().all()
    assert [leak["column"] for leak in result.report["leakage"]["leaks"]] == ["leak"]
    assert set(result.report["matrix"]) == {"columns", "diagonal", "strength", "mutual_info",
                                            "mutual_info_r"}  # fmt: skip


def test_adult_relationship_is_flagged_as_a_proxy_for_sex() -> None:
    raw = yaml.safe_load((ROOT / "params/dataset/adult.yaml").read_text())
    dataset = from_mapping(DatasetConfig, {**raw, "source": str(ROOT / raw["source"])}, "dataset")
    frame = load_adult(dataset).frame
    train, _, schema = build_features(frame, dataset, FEATURES, SPLIT, seed=42)
    result = correlate(train, schema, default_config(), dataset.confounders, seed=42)
    sex = result.report["proxies"]["sex"]
    assert sex[0]["feature"] == "relationship" and sex[0]["flagged"]
    assert sex[0]["strength_measure"] == "cramers_v_corrected" and sex[0]["strength"] > 0.6
    flagged = [(p["sensitive"], p["feature"]) for p in result.report["flagged_proxies"]]
    assert ("sex", "relationship") in flagged
    assert result.report["leakage"]["leaks"] == []
    redundant = result.report["redundant_features"]
    assert [(r["a"], r["b"]) for r in redundant] == [("education-num", "education")]
    assert redundant[0]["value"] == pytest.approx(1.0, abs=1e-12)  # a label and its code


@pytest.mark.parametrize("name", ["diabetes", "breast_cancer"])
def test_regression_targets_and_data_without_sensitive_attributes(name: str) -> None:
    raw = yaml.safe_load((ROOT / f"params/dataset/{name}.yaml").read_text())
    dataset = from_mapping(DatasetConfig, raw, "dataset")
    train, _, schema = build_features(load(dataset, 0).frame, dataset, FEATURES, SPLIT, seed=0)
    result = correlate(train, schema, default_config(), dataset.confounders, seed=0)
    target = pd.DataFrame(result.report["target_associations"])
    expected = {"diabetes": {"pearson"}, "breast_cancer": {"eta"}}[name]
    assert set(target["strength_measure"]) == expected and len(target) == len(schema.features)
    if name == "diabetes":  # sex is stored as 1/2 but audited as groups: eta, not Pearson
        assert {p["strength_measure"] for p in result.report["proxies"]["sex"]} == {"eta"}
    else:
        assert result.report["proxies"] == {} and result.metrics["correlation/n_proxies"] == 0
    assert "NaN" not in dumps_json(result.report)


# --- spurious correlation -----------------------------------------------------------------------


def test_pool_drownings_and_nicolas_cage_figures() -> None:
    example = correlation.pool_cage()
    pool, cage = np.array(correlation.POOL_DROWNINGS), np.array(correlation.CAGE_FILMS)
    assert round(example["pearson"]["r"], 3) == 0.666 and round(example["pearson"]["p"], 3) == 0.025
    reference = stats.pearsonr(pool, cage)
    assert abs(example["pearson"]["r"] - reference.statistic) < TOL
    assert abs(example["pearson"]["p"] - reference.pvalue) < TOL
    rank = stats.spearmanr(pool, cage)
    assert abs(example["spearman"]["rho"] - rank.statistic) < TOL
    assert abs(example["spearman"]["p"] - rank.pvalue) < TOL
    differenced = stats.pearsonr(np.diff(pool), np.diff(cage))
    assert abs(example["differenced_pearson"]["r"] - differenced.statistic) < TOL
    assert abs(example["differenced_pearson"]["p"] - differenced.pvalue) < TOL


def test_random_walks_correlate_far_more_often_in_levels_than_in_differences() -> None:
    summary, histogram = correlation.random_walks(np.random.default_rng(42), 10000, 11, 0.66)
    again, _ = correlation.random_walks(np.random.default_rng(42), 10000, 11, 0.66)
    assert summary == again  # seeded
    assert 0.20 < summary["exceed_levels"] < 0.30  # about a quarter
    assert 0.02 < summary["exceed_differences"] < 0.05  # about 3.5%
    assert histogram["levels"].sum() == histogram["differences"].sum() == 10000


def test_multiple_comparisons_by_chance_and_after_fdr(mixed_table) -> None:
    _, table, _ = mixed_table
    q = assoc.q_values(table["p_value"])
    tests = correlation.multiple_comparisons(table, q, 0.05, np.random.default_rng(0), 300)
    null = tests["null"]
    assert null["pairs"] == 28 and null["columns"] == 8
    assert abs(null["mean_significant"] - 0.05 * 28) < 0.4  # alpha of the pairs, by chance
    assert null["mean_significant_after_fdr"] < 0.2
    assert null["share_with_any_after_fdr"] < 0.1  # BH keeps family-wise error near alpha
    matrix = tests["matrix"]
    assert matrix["tested_pairs"] == 28
    assert matrix["significant_after_fdr"] <= matrix["significant"]


# --- failures -----------------------------------------------------------------------------------


def test_config_failures_name_the_key() -> None:
    with pytest.raises(ConfigError, match="correlation.measures"):
        default_config(measures=["pearson", "kendall"])
    with pytest.raises(ConfigError, match="correlation.leakage_threshold"):
        default_config(leakage_threshold=1.5)
    with pytest.raises(ConfigError, match="correlation.bins"):
        default_config(bins=1)
    with pytest.raises(ConfigError, match="unknown key 'correlation.threshold'"):
        default_config(threshold=0.5)
    with pytest.raises(ValueError, match="unknown measures"):
        assoc.association_table({}, ["kendall"])


def test_data_failures_name_the_column() -> None:
    frame = mixed_frame(100)
    schema = Schema(task="binary", target="flag", numeric=("x", "gone"), categorical=(),
                    sensitive=(), classes=(0, 1), labels=("off", "on"))  # fmt: skip
    with pytest.raises(DataValidationError, match="'gone'"):
        correlate(frame, schema, default_config(), (), seed=0)
    schema = Schema(task="binary", target="flag", numeric=("x", "y"), categorical=(),
                    sensitive=(), classes=(0, 1), labels=("off", "on"))  # fmt: skip
    with pytest.raises(ConfigError, match="dataset.confounders names 'nope'"):
        correlate(frame, schema, default_config(), ("nope",), seed=0)
    columns = assoc.encode(frame, [], max_levels=10, bins=None)
    with pytest.raises(ValueError, match="bin codes"):
        assoc.association_table(columns, ["mutual_info"])


# --- leakage in validate ------------------------------------------------------------------------


def test_validate_warns_loudly_about_a_near_copy_of_the_target() -> None:
    frame = make_synthetic(3000, seed=1, bias=0.3, proxy_strength=0.9, plant_leak=True)
    dataset = DatasetConfig(name="synthetic", source="-", target="label", task="binary",
                            positive_label=1, sensitive=("group",))  # fmt: skip
    report = validate(frame, dataset, LIMITS, "classification", default_config())
    leaks = [w for w in report["warnings"] if w["check"] == "leakage"]
    assert [w["column"] for w in leaks] == ["leak"] and "TARGET LEAKAGE" in leaks[0]["message"]
    assert report["status"] == "passed"
    clean = validate(
        frame.drop(columns="leak"), dataset, LIMITS, "classification", default_config()
    )
    assert not [w for w in clean["warnings"] if w["check"] == "leakage"]
    strict = validate(
        frame, dataset, LIMITS, "classification", default_config(leakage_threshold=1.0)
    )
    assert not [w for w in strict["warnings"] if w["check"] == "leakage"]


def test_leakage_check_covers_regression_and_text_columns() -> None:
    rng = np.random.default_rng(2)
    y = rng.normal(size=500)
    frame = pd.DataFrame({
        "copy": np.exp(y),  # a monotone transform: Spearman is 1
        "noise": rng.normal(size=500),
        "ident": [f"row{i}" for i in range(500)],  # unique text: lumped, not a leak
        "y": y,
    })  # fmt: skip
    leaks = find_leakage(frame, "y", "regression", default_config())
    assert [(leak["column"], leak["measure"]) for leak in leaks] == [("copy", "spearman")]
    labels = pd.DataFrame(
        {"outcome": np.where(y > 0, "yes", "no"), "tag": np.where(y > 0, "A", "B")}
    )
    leaks = find_leakage(labels, "outcome", "binary", default_config())
    assert [(leak["column"], round(leak["value"], 12)) for leak in leaks] == [("tag", 1.0)]


# --- the stage ----------------------------------------------------------------------------------


def strict_json(path: Path):
    def reject(constant: str):
        raise AssertionError(f"{path} holds {constant}")

    return json.loads(path.read_text(), parse_constant=reject)


def test_main_end_to_end_on_synthetic_data(stages, capsys) -> None:
    folder = stages(
        ["dataset=synthetic", "dataset.n_rows=2000", "dataset.plant_leak=true"],
        ["ingest", "validate", "features"],
    )
    validation = strict_json(folder / "reports/validation.json")
    assert [w["column"] for w in validation["warnings"] if w["check"] == "leakage"] == ["leak"]
    correlation.main()
    out = capsys.readouterr().out
    assert "correlation: WARNING: TARGET LEAKAGE? 'leak'" in out
    config = load_config()
    report = strict_json(folder / config.paths.correlation)
    metrics = strict_json(folder / config.paths.correlation_metrics)
    assert report["split"] == "train" and report["rows"] == 1500
    assert metrics["correlation/n_leaks"] == 1 and metrics["correlation/n_proxies"] == 1
    assert metrics["correlation/n_rows"] == 1500
    assert all(k.startswith("correlation/") for k in metrics)
    assert all(isinstance(v, int | float) for v in metrics.values())
    assert report["confounding"]["confounders"] == ["z"]
    assert set(report["caveats"]) >= {"causation", "pearson", "eta", "cramers_v", "mutual_info"}
    plots = folder / config.paths.correlation_plots
    ranked = pd.read_csv(plots / "target_associations.csv")
    assert ranked["feature"].iloc[0] == "leak" and ranked["strength"].is_monotonic_decreasing
    assert (plots / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first = {p.name: p.read_bytes() for p in [*plots.iterdir(), folder / config.paths.correlation]}
    correlation.main()
    second = {p.name: p.read_bytes() for p in [*plots.iterdir(), folder / config.paths.correlation]}
    assert first == second  # deterministic bytes
