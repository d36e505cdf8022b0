"""`dataset.normalise_text`: stripped values, one spelling per case-insensitive value."""

import pandas as pd

from pipeline.data.normalise_text import normalise_text, spellings


def test_the_most_frequent_spelling_wins_and_ties_go_to_the_first_sorted() -> None:
    values = pd.Series(["yes", "Yes", "Yes", "no", "NO", "Maybe", "maybe"])
    assert spellings(values) == {
        "yes": "Yes", "Yes": "Yes", "no": "NO", "NO": "NO", "Maybe": "Maybe", "maybe": "Maybe",
    }  # fmt: skip


def test_text_columns_are_normalised_and_changes_counted() -> None:
    frame = pd.DataFrame(
        {
            "y": pd.Series([" yes", "Yes", "yes", "YES ", "no", "No ", None, "no"], dtype="str"),
            "x": [1, 2, 3, 4, 5, 6, 7, 8],
            "c": pd.Series(["a"] * 8, dtype="str"),
        }
    )
    out, changed = normalise_text(frame)
    assert out["y"].tolist()[:6] == ["yes", "yes", "yes", "yes", "no", "no"]
    assert out["y"].isna().tolist() == [False] * 6 + [True, False]
    assert changed == {"y": 4, "c": 0}
    assert out["x"].tolist() == frame["x"].tolist() and out["y"].dtype == frame["y"].dtype
    assert frame["y"].iloc[0] == " yes"  # the input is left as it was
    again, none = normalise_text(out)
    pd.testing.assert_frame_equal(again, out)
    assert none == {"y": 0, "c": 0}
