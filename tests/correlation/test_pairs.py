"""The pair table: q-values, undefined coefficients, and what it refuses to compute."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipeline.correlation.columns import encode
from pipeline.correlation.config import MEASURES
from pipeline.correlation.pairs import association_table, q_values, square
from pipeline.io import dumps_json

TOL = 1e-12


def test_q_values_are_scipys_benjamini_hochberg_with_untested_pairs_left_out(
    mixed_table,
) -> None:
    p = mixed_table.table["p_value"].to_numpy().copy()
    p[[2, 5]] = np.nan
    q = q_values(p)
    tested = ~np.isnan(p)
    expected = stats.false_discovery_control(p[tested], method="bh")
    assert np.max(np.abs(q[tested] - expected)) < TOL
    assert np.isnan(q[~tested]).all()


def test_constant_columns_give_undefined_not_made_up_coefficients(pair_row) -> None:
    frame = pd.DataFrame(
        {"a": np.arange(20.0), "b": np.ones(20), "c": ["x"] * 20, "d": ["p", "q"] * 10}
    )
    table = association_table(encode(frame, [], max_levels=5, bins=3), MEASURES)
    assert np.isnan(pair_row(table, "a", "b")["pearson"])
    assert np.isnan(pair_row(table, "b", "d")["eta"])
    assert np.isnan(pair_row(table, "c", "d")["cramers_v"])
    text = dumps_json(table.to_dict("records"))
    assert "NaN" not in text and '"pearson": null' in text


def test_unknown_measures_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown measures"):
        association_table({}, ["kendall"])


def test_mutual_information_needs_bin_codes(mixed_frame) -> None:
    columns = encode(mixed_frame(100), [], max_levels=10, bins=None)
    with pytest.raises(ValueError, match="bin codes"):
        association_table(columns, ["mutual_info"])


def test_square_mirrors_each_pair_and_sets_the_diagonal(mixed_table) -> None:
    table = mixed_table.table
    names = list(mixed_table.columns)
    matrix = square(table, names, "strength", np.nan)
    np.testing.assert_array_equal(matrix, matrix.T)
    assert np.isnan(np.diag(matrix)).all()
    first = table.iloc[0]
    assert matrix[names.index(first["a"]), names.index(first["b"])] == first["strength"]
