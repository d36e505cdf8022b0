"""Missing-value markers that hide categories of a sensitive attribute are counted and reported."""

import io

import pandas as pd

from pipeline.data.na_tokens import swallowed, swallowed_warnings

CSV = "country,y\nNA,1\nDE,0\nNA,1\n?,0\n,1\nnull,0\nNAM,1\n"


def test_counts_match_what_pandas_turns_into_missing() -> None:
    tokens = ["", "?", "NA", "N/A", "null"]
    raw = pd.read_csv(io.StringIO(CSV), dtype=str, na_filter=False)
    counts = swallowed(raw[["country"]], tokens)
    assert counts == {("country", "NA"): 2, ("country", "?"): 1, ("country", "null"): 1}
    read = pd.read_csv(io.StringIO(CSV), na_values=tokens, keep_default_na=False)
    blanks = int((raw["country"] == "").sum())
    assert sum(counts.values()) == int(read["country"].isna().sum()) - blanks  # pandas: oracle


def test_each_warning_names_column_token_count_and_fix() -> None:
    warnings = swallowed_warnings({("country", "NA"): 2, ("country", "?"): 1})
    assert warnings == [
        "sensitive column 'country': 1 cell '?' read as missing by dataset.na_values; if '?' is "
        "a category, remove it from dataset.na_values",
        "sensitive column 'country': 2 cells 'NA' read as missing by dataset.na_values; if 'NA' "
        "is a category, remove it from dataset.na_values",
    ]
