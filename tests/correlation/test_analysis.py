"""correlate(): planted structure found on synthetic and real data, measures chosen in config,
and failures that name the column or the key."""

from __future__ import annotations

import pytest
import yaml
from helpers import FEATURES, ROOT

from pipeline.config import DatasetConfig, from_mapping
from pipeline.correlation.analysis import Analysis, correlate
from pipeline.data.adult import load_adult
from pipeline.data.features import build_features
from pipeline.data.loaders import load
from pipeline.data.split import SplitConfig
from pipeline.data.synthetic import make_synthetic
from pipeline.errors import ConfigError, DataValidationError
from pipeline.io import dumps_json
from pipeline.schema import Schema

SPLIT = SplitConfig(test_size=0.25, stratify=True)


def synthetic_analysis(config, n_rows: int = 20000) -> tuple[Analysis, Schema]:
    frame = make_synthetic(n_rows, seed=42, bias=0.3, proxy_strength=0.9, plant_leak=True)
    dataset = DatasetConfig(name="synthetic", source="-", target="label", task="binary",
                            positive_label=1, sensitive=("group",), confounders=("z",))  # fmt: skip
    train, _, schema = build_features(frame, dataset, FEATURES, SPLIT, seed=42)
    return correlate(train, schema, config, dataset.confounders, seed=42), schema


def test_synthetic_proxy_confounder_and_leak_are_found(correlation_config) -> None:
    analysis, _ = synthetic_analysis(correlation_config())
    result = analysis.result
    group = result.proxies["group"]
    assert group[0].feature == "region" and group[0].flagged
    assert [p.feature for p in result.flagged_proxies] == ["region"]
    assert [leak.column for leak in result.leakage.leaks] == ["leak"]
    assert "TARGET LEAKAGE" in result.warnings[0]
    top = result.strongest_target_association
    assert top is not None and top.feature == "leak"
    pairs = {(p.a, p.b): p for p in result.confounding.pairs}
    spurious = pairs[("spurious", "label")]
    assert spurious.raw > 0.25 and spurious.raw_q < 1e-10
    assert abs(spurious.partial) < 0.03 and spurious.explained
    x1 = pairs[("x1", "label")]
    assert x1.partial > 0.25 and not x1.explained  # a real cause does not vanish
    metrics = result.metrics()
    assert metrics["correlation/n_proxies"] == 1
    assert metrics["correlation/n_leaks"] == 1
    assert metrics["correlation/n_explained_by_confounders"] >= 1
    # the CSV tables hold the same rows as the result
    assert list(analysis.tables.target_associations["feature"]) == [
        t.feature for t in result.target_associations
    ]
    assert len(analysis.tables.partial_correlations) == len(result.confounding.pairs)


def test_measures_are_chosen_in_config_and_leakage_is_checked_whatever_they_are(
    correlation_config,
) -> None:
    frame = make_synthetic(3000, seed=5, bias=0.3, proxy_strength=0.9, plant_leak=True)
    dataset = DatasetConfig(name="synthetic", source="-", target="label", task="binary",
                            positive_label=1, sensitive=("group",))  # fmt: skip
    train, _, schema = build_features(frame, dataset, FEATURES, SPLIT, seed=5)
    config = correlation_config(measures=["mutual_info"])
    result = correlate(train, schema, config, (), seed=5).result
    assert {p.strength_measure for p in result.pairs} == {"mutual_info_r"}
    assert all(p.pearson is None for p in result.pairs)
    assert all(p.cramers_v is None for p in result.pairs)
    assert [leak.column for leak in result.leakage.leaks] == ["leak"]
    assert set(result.matrix.to_json()) == {"columns", "diagonal", "strength", "q_value",
                                            "mutual_info", "mutual_info_r",
                                            "mutual_info_q"}  # fmt: skip


@pytest.mark.slow
def test_adult_relationship_is_flagged_as_a_proxy_for_sex(correlation_config) -> None:
    raw = yaml.safe_load((ROOT / "params/dataset/adult.yaml").read_text())
    dataset = from_mapping(DatasetConfig, {**raw, "source": str(ROOT / raw["source"])}, "dataset")
    frame = load_adult(dataset).frame
    train, _, schema = build_features(frame, dataset, FEATURES, SPLIT, seed=42)
    result = correlate(train, schema, correlation_config(), dataset.confounders, seed=42).result
    sex = result.proxies["sex"]
    assert sex[0].feature == "relationship" and sex[0].flagged
    assert sex[0].strength_measure == "cramers_v_corrected" and sex[0].strength > 0.6
    flagged = [(p.sensitive, p.feature) for p in result.flagged_proxies]
    assert ("sex", "relationship") in flagged
    assert result.leakage.leaks == ()
    redundant = result.redundant_features
    assert [(r.a, r.b) for r in redundant] == [("education-num", "education")]
    assert redundant[0].value == pytest.approx(1.0, abs=1e-12)  # a label and its code


@pytest.mark.slow
@pytest.mark.parametrize("name", ["diabetes", "breast_cancer"])
def test_regression_targets_and_data_without_sensitive_attributes(
    name: str, correlation_config
) -> None:
    raw = yaml.safe_load((ROOT / f"params/dataset/{name}.yaml").read_text())
    dataset = from_mapping(DatasetConfig, raw, "dataset")
    train, _, schema = build_features(load(dataset, 0).frame, dataset, FEATURES, SPLIT, seed=0)
    result = correlate(train, schema, correlation_config(), dataset.confounders, seed=0).result
    target = result.target_associations
    expected = {"diabetes": {"pearson"}, "breast_cancer": {"eta"}}[name]
    assert {t.strength_measure for t in target} == expected and len(target) == len(schema.features)
    if name == "diabetes":  # sex is stored as 1/2 but audited as groups: eta, not Pearson
        assert {p.strength_measure for p in result.proxies["sex"]} == {"eta"}
    else:
        assert result.proxies == {} and result.metrics()["correlation/n_proxies"] == 0
    assert "NaN" not in dumps_json(result.to_json())


def test_data_failures_name_the_column(correlation_config, mixed_frame) -> None:
    frame = mixed_frame(100)
    schema = Schema(task="binary", target="flag", numeric=("x", "gone"), categorical=(),
                    sensitive=(), classes=(0, 1), labels=("off", "on"))  # fmt: skip
    with pytest.raises(DataValidationError, match="'gone'"):
        correlate(frame, schema, correlation_config(), (), seed=0)
    schema = Schema(task="binary", target="flag", numeric=("x", "y"), categorical=(),
                    sensitive=(), classes=(0, 1), labels=("off", "on"))  # fmt: skip
    with pytest.raises(ConfigError, match="dataset.confounders names 'nope'"):
        correlate(frame, schema, correlation_config(), ("nope",), seed=0)


def test_pairs_are_ranked_strongest_first(correlation_config, mixed_frame) -> None:
    schema = Schema(task="binary", target="flag", numeric=("x", "y", "holes"),
                    categorical=("colour",), sensitive=("size",), classes=(0, 1),
                    labels=("off", "on"))  # fmt: skip
    result = correlate(mixed_frame(300), schema, correlation_config(), (), seed=0).result
    strengths = [p.strength for p in result.pairs if p.strength is not None]
    assert strengths == sorted(strengths, reverse=True) and len(result.pairs) == 15
    assert list(result.columns) == ["x", "y", "holes", "colour", "size", "flag"]
    assert result.columns["holes"].missing > 0 and result.columns["size"].kind == "categorical"
    assert result.matrix.get("strength").shape == (6, 6)
