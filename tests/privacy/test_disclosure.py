"""l and t by hand (Li, Li and Venkatasubramanian 2007), band edges, the words for the report, and
the errors a wrong question gives."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import ConfigError, DataValidationError
from pipeline.privacy import disclosure
from pipeline.privacy.identify import reidentification


def salaries() -> pd.DataFrame:
    """Li et al.'s example: salaries 3k .. 11k, three ZIP-code classes."""
    return pd.DataFrame(
        {
            "zip": ["476**"] * 3 + ["4790*"] * 3 + ["4760*"] * 3,
            "salary": [3, 4, 5, 6, 8, 11, 7, 9, 10],
            "disease": ["gastric ulcer", "gastritis", "stomach cancer"] * 3,
        }
    )


def test_ordered_distance_is_li_et_al_s_example() -> None:
    """D[{3k, 4k, 5k}, table] = 0.375, the largest of the three classes, as in the paper."""
    result = reidentification(salaries(), ["zip"], ["salary", "disease"])
    salary, disease = result.attributes
    assert (salary.distance, salary.l, salary.n_values) == ("ordered", 3, 9)
    assert salary.t == 0.375
    alone = reidentification(salaries().iloc[3:], ["zip"], ["salary"]).attributes[0]
    # over the six salaries 6k .. 11k, either class: |cumulative differences| sum to 1/2, / (m - 1)
    assert alone.t == pytest.approx(1 / 10, abs=1e-15)
    assert (disease.distance, disease.l, disease.t) == ("equal", 3, 0.0)  # every class as the table


def test_equal_distance_is_total_variation() -> None:
    frame = pd.DataFrame({"q": list("aabbbc"), "s": ["x", "x", "x", "y", "z", "z"]})
    risk = reidentification(frame, ["q"], ["s"]).attributes[0]
    # table (1/2, 1/6, 1/3); class a (1, 0, 0): 1/2 (1/2 + 1/6 + 1/3) = 1/2; class c (0, 0, 1): 2/3
    assert risk.t == pytest.approx(2 / 3, abs=1e-15) and risk.l == 1
    assert (risk.n_homogeneous, risk.share_homogeneous) == (3, 0.5)  # classes a and c


def test_numbers_named_categorical_and_booleans_use_equal_distance() -> None:
    frame = pd.DataFrame(
        {"q": [0, 0, 1, 1], "label": [0, 9, 9, 9], "flag": [True, False, True, True]}
    )
    ordered = reidentification(frame, ["q"], ["label", "flag"]).attributes
    named = reidentification(frame, ["q"], ["label"], categorical={"label"}).attributes[0]
    assert [a.distance for a in ordered] == ["ordered", "equal"] and named.distance == "equal"
    # two values: both distances agree (the ordered one's single step is the total variation)
    assert ordered[0].t == named.t == 0.25


def test_one_value_is_at_distance_zero_and_python_integers_give_the_same_t(monkeypatch) -> None:
    frame = pd.DataFrame({"q": [1, 1, 2], "same": [5.0, 5.0, 5.0], "s": [1.5, 2.5, 9.0]})
    assert reidentification(frame, ["q"], ["same"]).attributes[0].t == 0.0
    rng = np.random.default_rng(0)
    big = pd.DataFrame(
        {
            "q": rng.integers(0, 30, 2000),
            "v": rng.integers(0, 300, 2000),
            "c": rng.integers(0, 9, 2000),
        }
    )
    exact = reidentification(big, ["q"], ["v", "c"], categorical={"c"})
    monkeypatch.setattr(disclosure, "INT64_LIMIT", 0)  # every sum in Python integers
    assert disclosure._integers(1) is object
    assert reidentification(big, ["q"], ["v", "c"], categorical={"c"}) == exact


def test_bands_hold_their_lower_edge_and_are_labelled_as_fairness_bins() -> None:
    frame = pd.DataFrame({"age": [24, 25, 34, 35, 70, np.nan], "sex": ["F"] * 6})
    result = reidentification(frame, ["age", "sex"], [], {"age": [25, 35]})
    # <25: 24; 25-35: 25, 34; >=35: 35, 70; missing: its own class
    assert (result.n_classes, result.k, result.n_unique) == (4, 1, 2)
    assert [b.rows for b in result.sizes] == [2, 4, 0, 0, 0]
    out = result.to_json()
    assert out["bands"] == {"age": [25.0, 35.0]} and out["band_labels"] == {
        "age": ["<25", "25-35", ">=35"]
    }
    assert "age band and sex" in result.plain_words()


def test_plain_words_when_no_row_is_alone() -> None:
    frame = pd.DataFrame({"sex": ["F", "M"] * 6, "income": ["lo"] * 6 + ["lo", "hi"] * 3})
    result = reidentification(frame, ["sex"], ["income"])
    text = result.plain_words()
    assert result.k == 6 and text.startswith(
        "k = 6: every combination of sex is shared by at least 6"
    )
    assert "6 rows (50.0%) are in a group whose rows all have the same income (l = 1)" in text
    assert "0 rows (0.0%) are in groups of fewer than 5" in text
    assert json.dumps(result.to_json(), allow_nan=False, sort_keys=True) == json.dumps(
        reidentification(frame.copy(), ["sex"], ["income"]).to_json(),
        allow_nan=False,
        sort_keys=True,
    )


def test_an_attribute_missing_everywhere_has_no_l_or_t() -> None:
    frame = pd.DataFrame({"q": [1, 2], "s": [np.nan, np.nan]})
    risk = reidentification(frame, ["q"], ["s"]).attributes[0]
    assert (risk.l, risk.t, risk.n_missing, risk.to_json()["t"]) == (None, None, 2, None)


BANDS = r"dataset\.quasi_identifier_bands\['age'\]"
WRONG = [
    (["age", "zip"], None, r"dataset\.quasi_identifiers names 'zip', which is not a column of the "
     r"training split; columns are age, sex, 'quoted' /x"),
    ([], None, r"dataset\.quasi_identifiers is empty; name the columns"),
    (["age", "age"], None, r"dataset\.quasi_identifiers names 'age' twice"),
    (["age"], {"age": [35, 25]}, BANDS + r" is \[35, 25\]; give its band edges as ascending"),
    (["age"], {"age": ["25"]}, BANDS),
    (["age"], {"age": []}, BANDS),
    (["age"], {"age": [25, float("nan")]}, BANDS),
    (["age"], {"age": "25"}, BANDS),
    (["age", "sex"], {"sex": [1]}, r"_bands bands 'sex', which is not numeric \(\w+\); remove"),
    (["sex"], {"age": [25]}, r"_bands names 'age', which is not in dataset\.quasi_identifiers"),
]  # fmt: skip


@pytest.mark.parametrize(("qi", "bands", "message"), WRONG)
def test_a_wrong_question_is_a_config_error(qi, bands, message) -> None:
    frame = pd.DataFrame({"age": [30, 40], "sex": ["F", "M"], "'quoted' /x": [1, 2]})
    with pytest.raises(ConfigError, match=message):
        reidentification(frame, qi, [], bands)


def test_a_missing_attribute_column_or_no_rows_is_a_data_error() -> None:
    frame = pd.DataFrame({"age": [30, 40]})
    with pytest.raises(DataValidationError, match="sensitive attribute 'income' is not a column"):
        reidentification(frame, ["age"], ["income"])
    with pytest.raises(DataValidationError, match="has no rows"):
        reidentification(frame.iloc[:0], ["age"], [])
