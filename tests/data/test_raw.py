"""The raw table's normal form: string column names, one type per text column, a fresh index."""

import pandas as pd
import pytest

from pipeline.data.raw import normalise
from pipeline.errors import DataValidationError


def test_names_become_strings_and_text_becomes_pandas_strings() -> None:
    frame = pd.DataFrame({0: [1, 2], "c": pd.Categorical(["a", "b"]), "o": ["x", None]})
    out = normalise(frame.set_axis([5, 6]))
    assert list(out.columns) == ["0", "c", "o"] and list(out.index) == [0, 1]
    assert out["0"].dtype == "int64"
    assert isinstance(out["c"].dtype, pd.StringDtype) and isinstance(out["o"].dtype, pd.StringDtype)


def test_names_that_collide_as_strings_are_an_error() -> None:
    frame = pd.DataFrame([[1, 2]], columns=[1, "1"])
    with pytest.raises(DataValidationError, match=r"duplicate column names \['1'\]"):
        normalise(frame)
