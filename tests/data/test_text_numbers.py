"""Numbers read as text (pipeline/data/text_numbers.py): the share, the tokens that block parsing
and the option each kind of token calls for; columns of codes are left alone."""

import numpy as np
import pandas as pd
import pytest

from pipeline.data.text_numbers import kind_of, numbers_as_text


def quantities(n: int = 300, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    return [f"{v:.2f}" for v in rng.normal(40, 8, n)]


@pytest.mark.parametrize(
    "token,kind",
    [
        ("n/a", "na"), (" - ", "na"), ("?", "na"), ("NULL", "na"),
        ("1,5", "decimal"), ("-12,25", "decimal"),
        ("1,000", "thousands"), ("1 000", "thousands"), ("12,345,678.5", "thousands"),
        ("1.234,5", "decimal_thousands"),
        ("12kg", "unit"), ("3.5 m", "unit"), ("45%", "unit"), ("$12", "unit"),
        ("abc", "other"), ("1.2.3", "other"), ("1 00", "other"),
    ],
)  # fmt: skip
def test_kind_of_a_token(token, kind) -> None:
    assert kind_of(token) == kind


def test_a_stray_missing_marker_names_the_tokens_and_na_values() -> None:
    values = pd.Series([*quantities(), "n/a", "n/a", "-"], name="hours")
    found = numbers_as_text(values, 0.9)
    assert found is not None and found.column == "hours"
    distinct = len(set(quantities()))
    assert f"100.0% of its {distinct} distinct values are numbers (100.0% parse" in found.message
    assert "tokens that prevent parsing: 'n/a', '-'" in found.message
    assert found.message.endswith('add "n/a", "-" to dataset.na_values')


def test_comma_decimals_parse_hardly_at_all_yet_are_numbers() -> None:
    tokens = [t.replace(".", ",") for t in quantities()]
    found = numbers_as_text(pd.Series(tokens, name="w"), 0.9)
    assert found is not None
    assert (
        f"100.0% of its {len(set(tokens))} distinct values are numbers (0.0% parse" in found.message
    )
    assert found.message.endswith('set dataset.decimal=","')
    # 1,500 among decimal commas is a decimal too, not thousands
    found = numbers_as_text(pd.Series([*tokens, "1,500"], name="w"), 0.9)
    assert found is not None and "thousands" not in found.message


def test_thousands_separators_and_units_and_a_mix() -> None:
    rng = np.random.default_rng(1)
    spaced = [f"{v:,}".replace(",", " ") for v in rng.integers(1000, 90000, 200)]
    found = numbers_as_text(pd.Series(spaced, name="income"), 0.9)
    assert found is not None and found.message.endswith('set dataset.thousands=" "')
    mixed = [*quantities(), "12kg", "1,000", "oops"]
    found = numbers_as_text(pd.Series(mixed, name="m"), 0.9)
    assert found is not None
    assert found.message.endswith(
        'set dataset.thousands=","; clean the source (strip units and symbols); clean the source'
    )
    assert "'12kg'" in found.message and "'oops'" in found.message


def test_at_most_five_tokens_one_of_each_kind_first() -> None:
    stray = [f"x{i}" for i in range(8)] + ["n/a"]
    found = numbers_as_text(pd.Series([*quantities(), *stray, *["x0"] * 5], name="c"), 0.9)
    assert found is not None
    quoted = found.message.split("tokens that prevent parsing: ")[1].split(";")[0]
    assert quoted.split(", ")[:2] == ["'x0'", "'n/a'"] and len(quoted.split(", ")) == 5


def test_columns_of_categories_and_numeric_columns_are_left_alone() -> None:
    assert numbers_as_text(pd.Series(["1", "2", "3", "K", "PK"] * 10, name="grade"), 0.9) is None
    assert numbers_as_text(pd.Series(["red", "blue", "1"], name="c"), 0.9) is None
    assert numbers_as_text(pd.Series([1.5, 2.5], name="x"), 0.9) is None
    assert numbers_as_text(pd.Series([True, False], name="b"), 0.9) is None
    assert numbers_as_text(pd.Series(["n/a", "?", None], name="holes"), 0.9) is None
    # 9 numbers and one word: 90% is at the threshold, 10 numbers and two words below it
    nine = pd.Series([*map(str, range(9)), "word"], name="c")
    assert numbers_as_text(nine, 0.9) is not None
    assert numbers_as_text(pd.Series([*map(str, range(10)), "a", "b"], name="c"), 0.9) is None


def test_every_value_a_number_stored_as_text_is_reported_without_a_fix_to_apply() -> None:
    found = numbers_as_text(pd.Series(["02134", "90210", "10001"], name="zip"), 0.9)
    assert found is not None
    assert found.message.startswith("every one of its 3 distinct values is a number stored as")
    assert "right for a code" in found.message and "dataset." not in found.message
