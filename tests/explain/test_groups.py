"""Groups of features linked by the correlation stage's pair strengths."""

from __future__ import annotations

import json

from helpers import ROOT

from pipeline.explain.groups import correlated_groups, group_name

ADULT = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week",
         "workclass", "education", "marital-status", "occupation", "relationship",
         "native-country"]  # fmt: skip


def pair(a: str, b: str, strength: float | None) -> dict:
    return {"a": a, "b": b, "strength": strength, "kind": "numeric-numeric"}


def test_connected_features_form_one_group_in_feature_order() -> None:
    pairs = [pair("d", "b", 0.9), pair("b", "e", 0.5), pair("a", "c", 0.49),
             pair("c", "f", 0.7), pair("a", "g", None), pair("target", "a", 1.0)]  # fmt: skip
    features = ["a", "b", "c", "d", "e", "f", "g"]
    assert correlated_groups(pairs, features, 0.5) == [("b", "d", "e"), ("c", "f")]
    assert correlated_groups(pairs, features, 0.45) == [("a", "c", "f"), ("b", "d", "e")]
    assert correlated_groups(pairs, features, 0.95) == []
    assert correlated_groups(pairs, ["f", "c", "e"], 0.5) == [("f", "c")]  # other names dropped
    assert correlated_groups([], features, 0.5) == []


def test_adult_correlation_report_groups() -> None:
    report = json.loads((ROOT / "reports/correlation.json").read_text())
    assert correlated_groups(report["pairs"], ADULT, 0.5) == [
        ("age", "marital-status"), ("education-num", "education", "occupation")]  # fmt: skip
    # marital-status and relationship are linked at 0.49, and sex (not a feature) is left out
    assert correlated_groups(report["pairs"], ADULT, 0.45) == [
        ("age", "marital-status", "relationship"),
        ("education-num", "education", "occupation"),
    ]
    assert correlated_groups(report["pairs"], ADULT, 1.0) == [("education-num", "education")]


def test_group_name() -> None:
    assert group_name(("education-num", "education")) == "education-num + education"
    assert group_name(["age"]) == "age"
